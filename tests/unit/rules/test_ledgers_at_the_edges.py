"""Hand-picked sequences at the edges of the law, through the pipeline, checked against the independent readings.

Each runs the whole pipeline on the in-memory back office (the harness of ``test_a_year_of_changes``), checks
its invariants after every change (``check``: the charge is the sum over the periods in force, what is left to
pay is the charge less what was paid, instalment numbers unique, credits said as credits), and then the one
thing the case is about, against ``ledger_reading`` / ``sch1_reading`` (written from the regulations):

- a leap year (2027/28, 29 February 2028) on payment day 28 in twelve instalments (SI 1992/613 Sch. 1 para
  2(3A), 2(4)), then a change from 29 February after 31 December (para 2(1): one amount);
- a change, a move-out or a newcomer's move-in dated into the previous financial year: that year gets its own
  revised demand or credit (reg. 24; the project's reading: a past year's balance is one amount 14 days after
  the notice), arrears of that year folded into it;
- a move-out after missed instalments: the final bill is the sum over the periods in force and the arrears are
  folded into it, never demanded twice (reg. 24, Sch. 1 paras 9 and 10).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from processors.rules.discounts import NO_DISCOUNT, SINGLE_PERSON
from schemas.events import Status
from tests.builders import RULES, address
from tests.unit.rules.ledger_reading import InstalmentKey, Liability, year_charge_pence
from tests.unit.rules.sch1_reading import read_schedule_1
from tests.unit.rules.test_a_year_of_changes import HERE, REF, UPRN, Council, seeded
from tests.unit.rules.test_a_year_of_changes import _check as check

SINCE = date(2024, 1, 1)


def _send(council: Council, change: dict[str, Any], notice: date, kind: str) -> Any:
    status = council.submit({"uprn": UPRN, "address": HERE, **change}, notice)
    assert status.status is Status.APPLIED, status.reasons
    return status


def _pay_due_before(council: Council, day: date, year: int) -> None:
    for instalment in council.demanded(year):
        owed = instalment[3] - council.paid_against.get(instalment, 0)
        if owed > 0 and instalment[2] < day:
            council.pay(instalment, instalment[2], owed)


def _unpaid(council: Council, year: int) -> list[InstalmentKey]:
    return [i for i in council.demanded(year) if council.paid_against.get(i, 0) < i[3]]


def test_a_leap_year_on_payment_day_28_in_twelve_instalments_then_a_change_from_29_february() -> None:
    council = seeded("E", SINCE, NO_DISCOUNT, paid_before=date(2027, 4, 1))  # 2026/27 paid as it fell due
    asked = date(2027, 4, 5)
    _send(council, {"kind": "payment_arrangement", "twelve_instalments": True, "payment_day": 28,
                    "requested_on": asked}, asked, "payment_arrangement")
    check(council, "payment_arrangement", asked)
    charge = sum(c.charge_pence for c in council.account().charges if c.financial_year == 2027)
    assert charge == year_charge_pence(council.liability, 2027, RULES.band_d_pence[2027])  # over 366 days
    expected = read_schedule_1(charge, 2027, asked, 28, twelve=True)  # para 2(3A): 12, by 15 April
    plan = council.demanded(2027)
    assert [(due, pence) for _, _, due, pence in plan] == list(zip(expected.due_dates, expected.amounts_pence,
                                                                   strict=True))
    assert len(plan) == 12
    assert plan[-1][2] == date(2028, 3, 28)  # para 2(4): the last in the relevant year, on the day chosen

    notice = date(2028, 3, 2)
    _pay_due_before(council, notice, 2027)
    _send(council, {"kind": "single_person_discount", "action": "claim", "effective_date": date(2028, 2, 29),
                    "reason": "others_left"}, notice, "spd_claim")
    council.liability = council.liability.with_discount_from(date(2028, 2, 29), 25)
    check(council, "spd_claim", notice)
    lines = [c for c in council.account().charges if c.financial_year == 2027]
    assert [(c.period_start, c.period_end, c.discount_percent) for c in lines] == [
        (date(2027, 4, 1), date(2028, 2, 28), 0), (date(2028, 2, 29), date(2028, 3, 31), 25)]
    revised = sum(c.charge_pence for c in lines)
    balance = revised - council.paid[2027]
    assert balance > 0
    reading = read_schedule_1(balance, 2027, notice, 28, twelve=True)  # para 2(1): after 31 December, one amount
    assert [(due, pence) for _, _, due, pence in _unpaid(council, 2027)] == [(reading.due_dates[0], balance)]
    assert reading.due_dates == (date(2028, 3, 28),)


def test_a_claim_dated_into_the_previous_year_credits_that_year_and_rebills_this_one() -> None:
    notice = date(2026, 4, 20)
    council = seeded("C", SINCE, NO_DISCOUNT, paid_before=notice)  # 2025/26 paid in full
    status = _send(council, {"kind": "single_person_discount", "action": "claim",
                             "effective_date": date(2026, 3, 1), "reason": "others_left"}, notice, "spd_claim")
    council.liability = council.liability.with_discount_from(date(2026, 3, 1), 25)
    check(council, "spd_claim", notice)
    bills = {b.financial_year: b for b in status.year_bills}
    assert sorted(bills) == [2025, 2026]  # reg. 24: each year the change reaches back into
    last_year = bills[2025]
    assert last_year.charge_pence == year_charge_pence(council.liability, 2025, RULES.band_d_pence[2025])
    assert last_year.balance_pence < 0  # paid in full at no discount: the March days at 25% are a credit
    assert _unpaid(council, 2025) == []
    notes = council.account().audit_notes[-1].note
    assert "2025/26" in notes
    assert "to refund or transfer" in notes


def test_ending_a_discount_from_the_previous_year_demands_that_years_balance_in_one_amount() -> None:
    notice = date(2026, 4, 20)
    council = seeded("C", SINCE, SINGLE_PERSON, paid_before=notice)
    status = _send(council, {"kind": "single_person_discount", "action": "end", "effective_date": date(2026, 2, 1),
                             "reason": "someone_moved_in"}, notice, "spd_end")
    council.liability = council.liability.with_discount_from(date(2026, 2, 1), 0)
    check(council, "spd_end", notice)
    balance = next(b for b in status.year_bills if b.financial_year == 2025).balance_pence
    assert balance > 0
    # The year has ended: one amount, 14 days after the notice (reg. 24(2); Sch. 1 para 2(1) read for a past year).
    reading = read_schedule_1(balance, 2025, notice, RULES.payment_day, twelve=False)
    assert reading.due_dates == (notice + timedelta(days=14),)
    assert [(due, pence) for _, _, due, pence in _unpaid(council, 2025)] == [(reading.due_dates[0], balance)]


def test_a_move_out_after_missed_instalments_folds_them_into_the_final_bill() -> None:
    claimed_on = date(2026, 6, 5)
    council = seeded("B", SINCE, NO_DISCOUNT, paid_before=date(2026, 6, 2))  # April to June paid
    _send(council, {"kind": "single_person_discount", "action": "claim", "effective_date": date(2026, 6, 1),
                    "reason": "others_left"}, claimed_on, "spd_claim")
    council.liability = council.liability.with_discount_from(date(2026, 6, 1), 25)
    check(council, "spd_claim", claimed_on)
    revised = [i for i in council.demanded(2026) if i[2] > claimed_on]
    missed = [i for i in revised if i[2] < date(2026, 9, 10)]  # July, August and September: not paid
    assert len(missed) == 3
    notice = date(2026, 9, 10)
    _send(council, {"kind": "move_out", "move_out_date": date(2026, 9, 6),
                    "forwarding_address": address("9 Harbour Street", "ZY8 1AA", "Elsewhere")}, notice, "move_out")
    council.liability = council.liability.ended(date(2026, 9, 5))
    check(council, "move_out", notice)  # the final bill is the sum over the periods; left to pay = charge - paid
    account = council.account()
    assert [(c.period_start, c.period_end, c.discount_percent) for c in account.charges if c.financial_year == 2026] \
        == [(date(2026, 4, 1), date(2026, 5, 31), 0), (date(2026, 6, 1), date(2026, 9, 5), 25)]
    superseded = {(i.sequence, i.due_date) for i in account.superseded_instalments if i.financial_year == 2026}
    assert {(i[1], i[2]) for i in missed} <= superseded  # folded, not kept beside the final bill's plan
    assert all(i[2] > notice for i in _unpaid(council, 2026))  # nothing asked for a day already past


def test_a_move_out_dated_into_the_previous_year_credits_what_was_paid_towards_this_one() -> None:
    """Told on 20 April of a move on 21 March: 2025/26 ends on 20 March (a credit for the days after) and nothing
    is owed for 2026/27, whose April instalment was paid: each year its own credit, to refund or transfer."""
    notice = date(2026, 4, 20)
    council = seeded("D", SINCE, NO_DISCOUNT, paid_before=notice)  # 2025/26 in full, April 2026 paid
    status = _send(council, {"kind": "move_out", "move_out_date": date(2026, 3, 21),
                             "forwarding_address": address("9 Harbour Street", "ZY8 1AA", "Elsewhere")},
                   notice, "move_out")
    council.liability = council.liability.ended(date(2026, 3, 20))
    check(council, "move_out", notice)
    bills = {b.financial_year: b for b in status.year_bills}
    assert sorted(bills) == [2025, 2026]
    assert bills[2025].charge_pence == year_charge_pence(council.liability, 2025, RULES.band_d_pence[2025])
    assert bills[2025].balance_pence < 0
    assert (bills[2026].charge_pence, bills[2026].balance_pence) == (0, -council.paid[2026])
    account = council.account()
    assert not [c for c in account.charges if c.financial_year == 2026]
    assert _unpaid(council, 2025) == []
    assert _unpaid(council, 2026) == []
    note = account.audit_notes[-1].note
    assert "for 2025/26 to refund or transfer" in note
    assert "for 2026/27 to refund or transfer" in note


def test_a_change_into_a_previous_year_with_arrears_folds_them_into_that_years_one_amount() -> None:
    """2026/27's January instalment was missed; on 20 April 2027 a claim from 1 March 2027 re-bills 2026/27: its
    balance (the arrears less the March credit) is one amount 14 days after the notice, the missed instalment
    superseded, and 2027/28 billed in 10 instalments (para 2(3)(a): a notice by 30 April)."""
    council = seeded("F", SINCE, NO_DISCOUNT, paid_before=date(2026, 12, 2))  # April to December paid
    missed = _unpaid(council, 2026)
    assert [i[2] for i in missed] == [date(2027, 1, 1)]
    notice = date(2027, 4, 20)
    status = _send(council, {"kind": "single_person_discount", "action": "claim",
                             "effective_date": date(2027, 3, 1), "reason": "others_left"}, notice, "spd_claim")
    council.liability = council.liability.with_discount_from(date(2027, 3, 1), 25)
    check(council, "spd_claim", notice)
    bills = {b.financial_year: b for b in status.year_bills}
    assert sorted(bills) == [2026, 2027]
    balance = bills[2026].balance_pence
    assert 0 < balance < missed[0][3]
    assert [(due, pence) for _, _, due, pence in _unpaid(council, 2026)] == [(notice + timedelta(days=14), balance)]
    assert (missed[0][1], missed[0][2]) in {(i.sequence, i.due_date) for i in council.account().superseded_instalments}
    this_year = council.demanded(2027)
    expected = read_schedule_1(bills[2027].balance_pence, 2027, notice, RULES.payment_day, twelve=False)
    assert [(due, pence) for _, _, due, pence in this_year] == list(zip(expected.due_dates, expected.amounts_pence,
                                                                        strict=True))


def test_a_newcomers_move_in_dated_into_the_previous_year_gives_the_leaver_a_bill_for_each_year() -> None:
    """Told on 20 April of a move-in on 10 March: the previous occupier's liability ends on 9 March, and each year
    the ending reaches gets its own demand or credit, as a move-out would (reg. 24)."""
    notice = date(2026, 4, 20)
    council = seeded("G", SINCE, SINGLE_PERSON, paid_before=notice)
    status = _send(council, {"kind": "move_in", "move_in_date": date(2026, 3, 10),
                             "residents": [{"full_name": "Sam Taylor"}], "tenure": "private_tenant"},
                   notice, "newcomer")
    council.liability = council.liability.ended(date(2026, 3, 9))
    check(council, "newcomer", notice)
    bills = {b.financial_year: b for b in status.year_bills}
    assert sorted(bills) == [2025, 2026]
    assert bills[2025].balance_pence < 0
    assert (bills[2026].charge_pence, bills[2026].balance_pence) == (0, -council.paid[2026])
    assert _unpaid(council, 2025) == []
    assert _unpaid(council, 2026) == []
    note = council.account().audit_notes[-1].note
    assert "for 2025/26 to refund or transfer" in note
    assert "for 2026/27 to refund or transfer" in note
    (newcomer,) = [a for a in council.revenues.accounts_at(UPRN) if a.account_ref != REF]
    newcomer_liability = Liability(date(2026, 3, 10), None, "G", ((date(2026, 3, 10), 25),))  # one adult: 25%
    for year in (2025, 2026):
        charged = sum(c.charge_pence for c in newcomer.charges if c.financial_year == year)
        assert charged == year_charge_pence(newcomer_liability, year, RULES.band_d_pence[year])
    past = [i for i in newcomer.instalments if i.financial_year == 2025]
    assert [(i.due_date, i.amount_pence) for i in past] == [
        (notice + timedelta(days=14), sum(c.charge_pence for c in newcomer.charges if c.financial_year == 2025))]
    this_year = read_schedule_1(sum(c.charge_pence for c in newcomer.charges if c.financial_year == 2026), 2026,
                                notice, RULES.payment_day, twelve=False)
    assert [(i.due_date, i.amount_pence) for i in newcomer.instalments if i.financial_year == 2026] == list(
        zip(this_year.due_dates, this_year.amounts_pence, strict=True))


def test_a_final_bill_on_the_twelve_instalment_scheme_keeps_the_scheme_and_day_for_what_is_left() -> None:
    """Twelve instalments on the 28th from April; August missed; a move-out told on 10 October: the balance (with
    August folded in) is demanded under para 2(3A) on the 28th, as the account chose."""
    asked = date(2026, 4, 5)
    council = seeded("A", SINCE, NO_DISCOUNT, paid_before=asked)
    _send(council, {"kind": "payment_arrangement", "twelve_instalments": True, "payment_day": 28,
                    "requested_on": asked}, asked, "payment_arrangement")
    check(council, "payment_arrangement", asked)
    _pay_due_before(council, date(2026, 8, 1), 2026)  # April to July paid; August and September missed
    notice = date(2026, 10, 10)
    _send(council, {"kind": "move_out", "move_out_date": date(2026, 10, 1),
                    "forwarding_address": address("9 Harbour Street", "ZY8 1AA", "Elsewhere")}, notice, "move_out")
    council.liability = council.liability.ended(date(2026, 9, 30))
    check(council, "move_out", notice)
    charge = sum(c.charge_pence for c in council.account().charges if c.financial_year == 2026)
    balance = charge - council.paid[2026]
    assert balance > 0
    reading = read_schedule_1(balance, 2026, notice, 28, twelve=True)
    assert [(due, pence) for _, _, due, pence in _unpaid(council, 2026)] == list(
        zip(reading.due_dates, reading.amounts_pence, strict=True))
    # para 2(3A)(a)(ii): five, the whole months left after the notice; the first on the first 28th at least 14 days
    # after it (para 2(4)), so 28 October to 28 February.
    assert reading.due_dates == tuple(date(2026 + (m < 4), m, 28) for m in (10, 11, 12, 1, 2))
