"""The notifier's own bills in an account change: what a preview shows, and what the applied change is compared on.

Which parts of a change are the notifier's own is declared per kind (``preview_shows`` in
``processors/rules/kinds``): the account a move opens, the account a move-out ends, the account an account change
amends. Another household's account (the previous occupier's, ended by a move-in) is never among them.
"""

from __future__ import annotations

from collections.abc import Sequence

from processors.rules.kinds.kind_rules import BackOfficeRequest
from processors.rules.kinds.table import rules_for
from schemas.bill_preview import BillPart, PreviewBill, PreviewInstalment, PreviewPeriod, PreviewYear, bills_digest
from schemas.events import (
    AccountAmendment,
    AccountChange,
    ChargeLine,
    Instalment,
    LiabilityEnding,
    LiabilityOpening,
    YearBill,
)


def own_bills(change: AccountChange) -> tuple[PreviewBill, ...]:
    """The bills of the change that are the notifier's own, in the order the change holds them."""
    shows = rules_for(change.kind).preview_shows
    bills: list[PreviewBill] = []
    if BackOfficeRequest.END_LIABILITY in shows:
        bills.extend(_final_bill(ending) for ending in change.endings)
    if BackOfficeRequest.OPEN_ACCOUNT in shows:
        # The owner's account a move opens at the home left empty is the owner's bill, never the notifier's.
        bills.extend(_new_account(opening) for opening in change.openings if opening.unoccupied_since is None)
    if BackOfficeRequest.AMEND_ACCOUNT in shows:
        bills.extend(_revised_bill(amendment) for amendment in change.amendments)
    return tuple(bills)


def preview_matched(change: AccountChange) -> bool | None:
    """Whether the notifier's own bills in an applied change equal the preview they were shown (None: no preview)."""
    if change.preview_digest is None:
        return None
    return bills_digest(own_bills(change)) == change.preview_digest


def _periods(lines: Sequence[ChargeLine]) -> tuple[PreviewPeriod, ...]:
    return tuple(PreviewPeriod(
        financial_year=line.financial_year, period_start=line.period_start, period_end=line.period_end,
        band=line.band, annual_charge_pence=line.annual_charge_pence, discount_code=line.discount_code,
        discount_percent=line.discount_percent, charge_pence=line.charge_pence) for line in lines)


def _instalments(instalments: Sequence[Instalment], year: int) -> tuple[PreviewInstalment, ...]:
    return tuple(PreviewInstalment(due_date=i.due_date, amount_pence=i.amount_pence)
                 for i in sorted(instalments, key=lambda i: (i.due_date, i.sequence)) if i.financial_year == year)


def _billed_years(year_bills: Sequence[YearBill], instalments: Sequence[Instalment]) -> tuple[PreviewYear, ...]:
    return tuple(PreviewYear(financial_year=bill.financial_year, charge_pence=bill.charge_pence,
                             paid_pence=bill.paid_pence, balance_pence=bill.balance_pence,
                             instalments=_instalments(instalments, bill.financial_year)) for bill in year_bills)


def _final_bill(ending: LiabilityEnding) -> PreviewBill:
    return PreviewBill(part=BillPart.FINAL_BILL, account_ref=ending.account_ref, ends=ending.liability_end,
                       periods=_periods(ending.charges), years=_billed_years(ending.year_bills, ending.instalments))


def _new_account(opening: LiabilityOpening) -> PreviewBill:
    # A new account has paid nothing yet: each year's balance is its charge.
    years = sorted({line.financial_year for line in opening.charges})
    charged = {year: sum(line.charge_pence for line in opening.charges if line.financial_year == year)
               for year in years}
    return PreviewBill(
        part=BillPart.NEW_ACCOUNT, starts=opening.liability_start, discount_code=opening.discount_code,
        discount_percent=opening.discount_percent, periods=_periods(opening.charges),
        years=tuple(PreviewYear(financial_year=year, charge_pence=charged[year], paid_pence=0,
                                balance_pence=charged[year], instalments=_instalments(opening.instalments, year))
                    for year in years))


def _revised_bill(amendment: AccountAmendment) -> PreviewBill:
    return PreviewBill(
        part=BillPart.REVISED_BILL, account_ref=amendment.account_ref, effective_date=amendment.effective_date,
        discount_code=amendment.discount_code, discount_percent=amendment.discount_percent,
        changes_money=bool(amendment.year_bills), periods=_periods(amendment.charges),
        years=_billed_years(amendment.year_bills, amendment.instalments))
