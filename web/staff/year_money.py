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
    """An instalment still demanded, with what is left of it once the year's payments are credited."""

    instalment: InstalmentRow
    left_pence: int

    @property
    def state(self) -> str:
        if self.left_pence == 0:
            return "Paid"
        if self.left_pence < self.instalment.amount_pence:
            return f"Part paid, {money(self.left_pence)} left"
        return "To pay"


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
