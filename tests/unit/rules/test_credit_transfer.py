"""A move within the area takes the final bill's credit to the mover's new account, to the penny.

Expected amounts come from ``ledger_reading`` (the law walked day by day), not from the product's rules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from processors.rules.assessment import assess
from processors.rules.credit_transfer import credit_moves
from schemas.events import AccountChange, Payment
from tests.builders import RULES, facts, move_within, notification, open_account, validated
from tests.unit.rules.ledger_reading import Liability, year_charge_pence

FROM, TO = "100090000004", "100090000005"
START, MOVE = date(2020, 6, 1), date(2025, 10, 1)
ASSESSED_AT = datetime(2025, 10, 10, 12, 0, tzinfo=UTC)
BAND_D_2025 = RULES.band_d_pence[2025]


def _moved(paid: int, to_band: str, *, paid_on: date = date(2025, 4, 1)) -> AccountChange:
    account = open_account(start=START).model_copy(update={"payments": (
        Payment(financial_year=2025, paid_on=paid_on, amount_pence=paid),)})
    n = notification(move_within(FROM, TO, MOVE))
    result = assess(validated(n, facts(FROM, band="D", open_account=account), facts(TO, band=to_band)), RULES,
                    ASSESSED_AT)
    assert isinstance(result, AccountChange), result
    return result


def _old_charge() -> int:
    return year_charge_pence(Liability(START, date(2025, 9, 30), "D", ((START, 0),)), 2025, BAND_D_2025)


def _new_charge(band: str) -> int:
    """The new account's 2025/26 charge: one adult moves (the builder's resident), so a 25% discount."""
    return year_charge_pence(Liability(MOVE, None, band, ((MOVE, 25),)), 2025, BAND_D_2025)


def test_the_whole_credit_moves_when_the_new_account_can_take_it() -> None:
    paid = 150000
    change = _moved(paid, "E")
    credit = paid - _old_charge()
    assert credit > 0
    assert _new_charge("E") > credit
    (ending,), (opening, _owner) = change.endings, change.openings  # and the owner's for the home left
    assert [(t.financial_year, t.amount_pence, t.other_uprn, t.other_account_ref)
            for t in ending.credit_transfers] == [(2025, -credit, TO, None)]
    assert [(t.financial_year, t.amount_pence, t.other_uprn, t.other_account_ref)
            for t in opening.credit_transfers] == [(2025, credit, FROM, "500000001")]
    assert sum(t.amount_pence for t in (*ending.credit_transfers, *opening.credit_transfers)) == 0
    # The new account's instalments ask for its charge less the credit it took; the old year is settled.
    assert sum(i.amount_pence for i in opening.instalments) == _new_charge("E") - credit
    assert sum(c.charge_pence for c in opening.charges) == _new_charge("E")
    old_bill = ending.year_bills[-1]
    assert old_bill.balance_pence == -credit
    assert old_bill.charge_pence - (old_bill.paid_pence + ending.credit_transfers[0].amount_pence) == 0


def test_a_credit_larger_than_the_new_charge_moves_what_fits_and_the_rest_stays_to_refund() -> None:
    paid = 228000  # the whole year paid in April, then a move to a band A home in October
    change = _moved(paid, "A")
    credit, room = paid - _old_charge(), _new_charge("A")
    assert credit > room
    (ending,), (opening, _owner) = change.endings, change.openings  # and the owner's for the home left
    assert [t.amount_pence for t in ending.credit_transfers] == [-room]
    assert [t.amount_pence for t in opening.credit_transfers] == [room]
    assert opening.instalments == ()  # nothing left to ask of the new account this year
    left_on_old = ending.year_bills[-1].balance_pence + room
    assert left_on_old == -(credit - room)
    assert paid == _old_charge() + room + (credit - room)  # every penny paid is charged, moved or to refund


def test_a_final_bill_with_a_balance_due_moves_nothing() -> None:
    change = _moved(10000, "E")
    (ending,), (opening, _owner) = change.endings, change.openings  # and the owner's for the home left
    assert ending.credit_transfers == ()
    assert opening.credit_transfers == ()
    assert sum(i.amount_pence for i in opening.instalments) == _new_charge("E")


def test_credit_moves_take_each_credit_oldest_first_into_the_years_with_room() -> None:
    assert credit_moves({2024: 300, 2025: 500}, {2025: 600, 2026: 1000}) == [
        (2024, 2025, 300), (2025, 2025, 300), (2025, 2026, 200)]
    assert credit_moves({2025: 500}, {}) == []
    assert credit_moves({2025: 500}, {2025: 0}) == []
