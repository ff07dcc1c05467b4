"""Each financial year of an account's money as the staff account page shows it: charge, paid, still demanded,
and the balance due or the credit to refund or transfer (never a negative balance)."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.audit_notes import money
from adapters.revenues_port import AccountView, InstalmentRow
from schemas.financial_year import FinancialYear


@dataclass(frozen=True)
class YearMoney:
    """One financial year of an account: its current charge, what was paid towards it and what is demanded."""

    financial_year: int
    charge_pence: int
    paid_pence: int
    demanded_pence: int

    @property
    def label(self) -> str:
        return FinancialYear(self.financial_year).label

    @property
    def balance_pence(self) -> int:
        return self.charge_pence - self.paid_pence

    @property
    def outcome(self) -> str:
        """The year's balance in words: a credit is an amount to refund or transfer."""
        if self.balance_pence > 0:
            return f"Balance due {money(self.balance_pence)}"
        if self.balance_pence < 0:
            return f"Credit {money(-self.balance_pence)} for {self.label} to refund or transfer"
        return "Nothing further due"


@dataclass(frozen=True)
class InstalmentState:
    """An instalment with what is left of it once the year's payments are credited, or superseded.

    A superseded instalment is no longer demanded: a revised demand (or a final bill) replaced it, and what was
    paid towards it counts towards the revised plan.
    """

    instalment: InstalmentRow
    left_pence: int
    superseded: bool = False

    @property
    def state(self) -> str:
        if self.superseded:
            return "Superseded"
        if self.left_pence == 0:
            return "Paid"
        if self.left_pence < self.instalment.amount_pence:
            return f"Part paid, {money(self.left_pence)} left"
        return "To pay"

    @property
    def detail(self) -> str:
        """What the state means for the officer, beside the tag."""
        if self.superseded:
            return "replaced by a revised demand; no longer due"
        if 0 < self.left_pence < self.instalment.amount_pence:
            return f"{money(self.left_pence)} left to pay"
        return ""

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag modifier for the state (the text says it too: colour is never the only sign)."""
        if self.superseded:
            return "govuk-tag--grey"
        if self.left_pence == 0:
            return "govuk-tag--green"
        return "govuk-tag--yellow" if self.left_pence < self.instalment.amount_pence else "govuk-tag--blue"


@dataclass(frozen=True)
class YearInstalments:
    """One financial year's instalments as the account holds them: live (to pay or paid) and superseded."""

    financial_year: int
    instalments: tuple[InstalmentState, ...]

    @property
    def label(self) -> str:
        return FinancialYear(self.financial_year).label

    @property
    def live_pence(self) -> int:
        return sum(s.instalment.amount_pence for s in self.instalments if not s.superseded)

    @property
    def superseded_pence(self) -> int:
        return sum(s.instalment.amount_pence for s in self.instalments if s.superseded)


def instalments_by_year(account: AccountView) -> list[YearInstalments]:
    """Each year's instalments, live and superseded together in due order, oldest year first."""
    live = instalment_states(account)
    superseded = [InstalmentState(i, i.amount_pence, superseded=True) for i in account.superseded_instalments]
    years = sorted({s.instalment.financial_year for s in (*live, *superseded)})
    return [YearInstalments(year, tuple(sorted(
        (s for s in (*live, *superseded) if s.instalment.financial_year == year),
        key=lambda s: (s.instalment.due_date, s.superseded, s.instalment.sequence)))) for year in years]


def instalment_states(account: AccountView) -> list[InstalmentState]:
    """Each instalment still demanded, by year and due date, with the year's payments credited oldest due first.

    A revised demand plans a year's charge less what was already paid, so the year's instalments come to less
    than its charge by the payments they were planned net of; only the rest of the payments goes to them (the
    reading the rules take: SI 1992/613 reg. 24, processors/rules/revised_demands.py).
    """
    states: list[InstalmentState] = []
    for year in sorted({i.financial_year for i in account.instalments}):
        demanded = sorted((i for i in account.instalments if i.financial_year == year),
                          key=lambda i: (i.due_date, i.sequence))
        charge = sum(c.charge_pence for c in account.charges if c.financial_year == year)
        paid = sum(p.amount_pence for p in account.payments if p.financial_year == year)
        credit = max(0, paid - max(0, charge - sum(i.amount_pence for i in demanded)))
        for instalment in demanded:
            covered = min(credit, instalment.amount_pence)
            credit -= covered
            states.append(InstalmentState(instalment, instalment.amount_pence - covered))
    return states


def money_by_year(account: AccountView) -> list[YearMoney]:
    """Every year the account holds a charge, a payment or an instalment of, oldest first."""
    years = sorted({c.financial_year for c in account.charges} | {p.financial_year for p in account.payments}
                   | {i.financial_year for i in account.instalments})
    return [YearMoney(
        financial_year=year,
        charge_pence=sum(c.charge_pence for c in account.charges if c.financial_year == year),
        paid_pence=sum(p.amount_pence for p in account.payments if p.financial_year == year),
        demanded_pence=sum(i.amount_pence for i in account.instalments if i.financial_year == year),
    ) for year in years]
