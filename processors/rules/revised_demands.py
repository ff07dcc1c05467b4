"""Revised demands: each financial year a change reaches gets its own demand or credit, never asking twice.

The account's money is a ledger per financial year (``YearLedger``): the charge derived from its liability periods,
the payments the back office recorded towards the year, and the instalments still demanded. Payments are
credited to a year's instalments oldest due first.

Readings chosen (SI 1992/613; each also named beside its rule):

- Reg. 24 and Sch. 1 para 10 (adjustment when the amount payable changes) and para 9 (a liability that ends):
  the revised demand takes account of what was paid. What is left to pay of the year's instalments is exactly
  its charge less what was paid towards it; when the payments cover the charge nothing is demanded and the
  rest is a credit, to refund or to transfer to the person's other liability (reg. 24(3), Sch. 1 para 9(4)).
- Arrears are **folded**, never both kept and planned again: the revised demand supersedes every instalment
  not fully paid (from the first one the payments do not cover: ``instalments_from``) and plans the year's
  charge less what was paid afresh (a part payment of a superseded instalment is a payment like any other).
  So the revised instalments come to the charge less all that was paid; the back office's payments are then
  credited to the instalments beyond what they were planned net of (``credited_to_instalments``). One change
  supersedes from one day across the years it reaches (the earliest such day of any of them), so a back
  office can apply it as "instalments of these years due from this day".
- Each year's demand stands alone (reg. 18(1)): a change reaching back into an earlier year re-bills that year
  too. Its balance is demanded in one amount 14 days after the notice (reg. 24(2): "on the expiry of such
  period (being not less than 14 days) after the day of issue of the notice"; ``instalment_plan`` gives one
  amount for a year that has ended).
- Instalments are numbered once per account-year: a revised plan continues after the highest number the year's
  instalments still demanded carry, so "instalment 7" names one instalment.
- A year the account records nothing of (no charge line, instalment or payment), earlier than the notice's
  year, is taken as billed and paid as first billed (``paid_is_assumed``): its balance is then exactly what
  the change alters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from processors.rules.council import CouncilRules
from processors.rules.instalments import PaymentPlanTerms, instalment_plan
from schemas.events import ChargeLine, Instalment, Payment, YearBill
from schemas.financial_year import FinancialYear, financial_year_of


@dataclass(frozen=True)
class Holdings:
    """What the back office holds of an account's money: current charge lines, payments, instalments demanded."""

    charges: tuple[ChargeLine, ...]
    payments: tuple[Payment, ...]
    instalments: tuple[Instalment, ...]

    def records(self, year: FinancialYear) -> bool:
        held = (*(c.financial_year for c in self.charges), *(p.financial_year for p in self.payments),
                *(i.financial_year for i in self.instalments))
        return year.start_year in held

    def charged(self, year: FinancialYear) -> int:
        return sum(c.charge_pence for c in self.charges if c.financial_year == year.start_year)

    def paid_towards(self, year: FinancialYear) -> int:
        return sum(p.amount_pence for p in self.payments if p.financial_year == year.start_year)

    def demanded(self, year: FinancialYear) -> tuple[Instalment, ...]:
        return tuple(sorted((i for i in self.instalments if i.financial_year == year.start_year),
                            key=lambda i: (i.due_date, i.sequence)))


@dataclass(frozen=True)
class RevisedDemands:
    """What a change bills: the revised charge lines, one demand or credit per year, and their instalments."""

    charges: tuple[ChargeLine, ...]
    year_bills: tuple[YearBill, ...]
    instalments: tuple[Instalment, ...]

    @property
    def latest(self) -> YearBill:
        return self.year_bills[-1]


def credited_to_instalments(instalments: Sequence[Instalment], charge_pence: int, paid_pence: int) -> int:
    """How much of a year's payments its instalments still demanded have received.

    A revised demand plans the charge less what was already paid, so the year's instalments come to less than
    its charge by the payments they were planned net of; the rest of the payments went to the instalments.
    """
    planned_net_of = max(0, charge_pence - sum(i.amount_pence for i in instalments))
    return max(0, paid_pence - planned_net_of)


def left_to_pay(instalments: Sequence[Instalment], credited_pence: int) -> list[int]:
    """What is left of each instalment (in due order) once ``credited_pence`` is credited oldest due first."""
    left, owed = credited_pence, []
    for instalment in instalments:
        covered = min(left, instalment.amount_pence)
        left -= covered
        owed.append(instalment.amount_pence - covered)
    return owed


def first_unpaid_due(instalments: Sequence[Instalment], credited_pence: int) -> date | None:
    """The due date of the first instalment the payments do not cover in full (``None``: all covered)."""
    for instalment, owed in zip(instalments, left_to_pay(instalments, credited_pence), strict=True):
        if owed:
            return instalment.due_date
    return None


def revised_demands(
    holdings: Holdings,
    lines: Sequence[ChargeLine],
    years: Sequence[FinancialYear],
    notice: date,
    arrangement: PaymentPlanTerms,
    rules: CouncilRules,
    first_billed: Mapping[int, int],
) -> RevisedDemands:
    """Bill each of ``years`` (oldest first) on its revised charge ``lines`` (the lines of those years only).

    ``first_billed`` gives, for a year the account records nothing of, what it was first billed (and is taken
    as paid); see the module's readings.
    """
    current = financial_year_of(notice)
    paid = {y.start_year: _paid(holdings, y, current, first_billed) for y in years}
    superseded_from = _superseded_from(holdings, years, paid, notice)
    bills: list[YearBill] = []
    instalments: list[Instalment] = []
    for year in years:
        charge = sum(line.charge_pence for line in lines if line.financial_year == year.start_year)
        demanded = holdings.demanded(year)
        balance = charge - paid[year.start_year][0]
        # Sch. 1 para 10 / reg. 24: the revised instalments demand the charge less what was paid (the kept ones,
        # due before ``superseded_from``, are paid in full); a credit demands nothing.
        plan = instalment_plan(max(0, balance), year, notice, arrangement.payment_day, scheme=arrangement.scheme,
                               policy=rules.small_instalments)
        after = max((i.sequence for i in demanded), default=0)  # numbered once per account-year
        instalments += [i.model_copy(update={"sequence": after + i.sequence}) for i in plan]
        bills.append(YearBill(financial_year=year.start_year, charge_pence=charge, paid_pence=paid[year.start_year][0],
                              paid_is_assumed=paid[year.start_year][1], balance_pence=balance,
                              instalments_from=superseded_from))
    return RevisedDemands(tuple(lines), tuple(bills), tuple(instalments))


def _paid(holdings: Holdings, year: FinancialYear, current: FinancialYear,
          first_billed: Mapping[int, int]) -> tuple[int, bool]:
    if holdings.records(year) or year >= current:
        return holdings.paid_towards(year), False
    return first_billed.get(year.start_year, 0), True


def _superseded_from(holdings: Holdings, years: Sequence[FinancialYear], paid: Mapping[int, tuple[int, bool]],
                     notice: date) -> date:
    """The day from which the change supersedes the instalments of ``years`` still demanded.

    The earliest instalment any of the years' payments do not cover (arrears are folded into the revised
    plans); when every instalment is covered, the day after the last of them (nothing is superseded).
    """
    demanded = {y.start_year: holdings.demanded(y) for y in years}
    unpaid = [day for y in years if (day := first_unpaid_due(demanded[y.start_year], credited_to_instalments(
        demanded[y.start_year], holdings.charged(y), paid[y.start_year][0])))]
    if unpaid:
        return min(unpaid)
    dues = [i.due_date for held in demanded.values() for i in held]
    return max(dues) + timedelta(days=1) if dues else notice
