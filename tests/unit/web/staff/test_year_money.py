"""Each year's money on the staff account page: a credit is a credit for a year, to refund or transfer."""

from __future__ import annotations

from datetime import date

from adapters.revenues_port import AccountView, ChargeRow, InstalmentRow, PaymentRow
from web.staff.year_money import instalment_states, instalments_by_year, money_by_year


def _view(*, charge: int, paid: int, demanded: int) -> AccountView:
    return AccountView(
        account_ref="A1", uprn="1", liability_start=date(2026, 4, 1), liability_end=date(2026, 11, 22),
        liable_persons=("Alex Jones",), discount_code=None, discount_percent=0,
        charges=(ChargeRow(2026, date(2026, 4, 1), date(2026, 11, 22), 236, "A", 124200, None, 0, charge),),
        instalments=(InstalmentRow(2026, 9, date(2027, 1, 1), demanded),) if demanded else (),
        payments=(PaymentRow(2025, date(2026, 3, 1), 5000), PaymentRow(2026, date(2026, 5, 1), paid)),
    )


def test_an_overpaid_year_shows_a_credit_to_refund_or_transfer_never_a_negative_balance() -> None:
    years = money_by_year(_view(charge=97406, paid=143611, demanded=0))
    assert [y.financial_year for y in years] == [2025, 2026]
    this = years[1]
    assert (this.charge_pence, this.paid_pence, this.demanded_pence) == (97406, 143611, 0)
    assert this.outcome == "Credit £462.05 for 2026/27 to refund or transfer"
    assert "-" not in this.outcome


def test_an_underpaid_year_shows_the_balance_due() -> None:
    (_, this) = money_by_year(_view(charge=97406, paid=50000, demanded=47406))
    assert this.outcome == "Balance due £474.06"


def _plan(*amounts: int, first: int = 1) -> tuple[InstalmentRow, ...]:
    return tuple(InstalmentRow(2026, first + n, date(2026, 3 + first + n, 1), pence) for n, pence in enumerate(amounts))


def _states(instalments: tuple[InstalmentRow, ...], *paid: int) -> list[str]:
    view = AccountView(
        account_ref="A1", uprn="1", liability_start=date(2020, 4, 1), liability_end=None,
        liable_persons=("Alex Jones",), discount_code=None, discount_percent=0,
        charges=(ChargeRow(2026, date(2026, 4, 1), date(2027, 3, 31), 365, "A", 100000, None, 0, 100000),),
        instalments=instalments, payments=tuple(PaymentRow(2026, date(2026, 4, 1), p) for p in paid))
    return [s.state for s in instalment_states(view)]


def test_payments_are_credited_to_the_instalments_still_demanded_oldest_first() -> None:
    # Three paid instalments kept beside a revised plan of the rest: the payments are theirs.
    kept_and_revised = (*_plan(10000, 10000, 10000), *_plan(35000, 35000, first=5))
    assert _states(kept_and_revised, 10000, 10000, 10000) == ["Paid", "Paid", "Paid", "To pay", "To pay"]
    # A revised plan of the charge less what was paid: those payments went before it; a later one pays it.
    revised = _plan(35000, 35000, first=5)
    assert _states(revised, 10000, 10000, 10000) == ["To pay", "To pay"]
    assert _states(revised, 10000, 10000, 10000, 5000) == ["Part paid, £300.00 left", "To pay"]


def test_each_year_shows_its_live_and_superseded_instalments_together_in_due_order() -> None:
    kept = _plan(10000, 10000)  # April and May, paid
    missed_on = (InstalmentRow(2026, 3, date(2026, 6, 1), 10000), InstalmentRow(2026, 4, date(2026, 7, 1), 10000))
    revised = (InstalmentRow(2026, 5, date(2026, 7, 1), 40000), InstalmentRow(2026, 6, date(2026, 8, 1), 40000))
    view = AccountView(
        account_ref="A1", uprn="1", liability_start=date(2020, 4, 1), liability_end=None,
        liable_persons=("Alex Jones",), discount_code=None, discount_percent=0,
        charges=(ChargeRow(2026, date(2026, 4, 1), date(2027, 3, 31), 365, "A", 100000, None, 0, 100000),),
        instalments=(*kept, *revised), superseded_instalments=missed_on,
        payments=(PaymentRow(2026, date(2026, 4, 1), 10000), PaymentRow(2026, date(2026, 5, 1), 10000)))
    (year,) = instalments_by_year(view)
    assert year.label == "2026/27"
    assert [(s.instalment.sequence, s.state) for s in year.instalments] == [
        (1, "Paid"), (2, "Paid"), (3, "Superseded"), (5, "To pay"), (4, "Superseded"), (6, "To pay")]
    assert (year.live_pence, year.superseded_pence) == (100000, 20000)
    assert {s.tag_colour for s in year.instalments if s.superseded} == {"govuk-tag--grey"}
    assert all("revised demand" in s.detail for s in year.instalments if s.superseded)
