"""Final bills on a move-out: one per financial year, credits never collected, balances planned in full."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from processors.rules.discounts import NO_DISCOUNT, SINGLE_PERSON
from processors.rules.instalments import NOTICE_PERIOD_DAYS, PaymentPlanTerms, Scheme
from processors.rules.liability import final_bill_ending
from schemas.events import OpenAccount, Payment
from schemas.financial_year import FinancialYear, financial_year_of
from tests.builders import RULES, facts


@settings(max_examples=300, deadline=None)
@given(
    start_offset=st.integers(min_value=0, max_value=1500),
    notice_offset=st.integers(min_value=0, max_value=1000),
    move_back=st.integers(min_value=-14, max_value=200),
    paid=st.integers(min_value=0, max_value=400_000),
    band=st.sampled_from("ABCDEFGH"),
    single=st.booleans(),
    twelve=st.booleans(),
    payment_day=st.integers(min_value=1, max_value=28),
)
def test_every_year_the_change_touches_gets_its_own_bill(
    start_offset: int, notice_offset: int, move_back: int, paid: int, band: str, single: bool, twelve: bool,
    payment_day: int,
) -> None:
    notice = date(2024, 4, 1) + timedelta(days=notice_offset)  # 2024/25 to 2026/27, Band D configured to 2027
    last_day = notice - timedelta(days=move_back)
    start = min(last_day, date(2023, 4, 1) + timedelta(days=start_offset))
    arrangement = PaymentPlanTerms(Scheme.TWELVE if twelve else Scheme.TEN, payment_day)
    current = financial_year_of(notice)
    discount = SINGLE_PERSON if single else NO_DISCOUNT
    account = OpenAccount(account_ref="500000001", liability_start=start, discount_code=discount.code,
                          discount_percent=discount.percent,
                          payments=(Payment(financial_year=current.start_year, paid_on=notice, amount_pence=paid),))
    ending = final_bill_ending(facts(band=band, open_account=account), last_day + timedelta(days=1), notice, RULES,
                               "moved out", arrangement)
    bills = ending.year_bills
    years = [FinancialYear(bill.financial_year) for bill in bills]
    assert years[0] == financial_year_of(last_day)
    assert years == sorted(set(years)), "one bill a year, oldest first"
    assert years[-1] == max(current, financial_year_of(last_day))
    assert all(line.period_end <= last_day for line in ending.charges)
    for bill in bills:
        charges = [line for line in ending.charges if line.financial_year == bill.financial_year]
        instalments = [i for i in ending.instalments if i.financial_year == bill.financial_year]
        assert bill.charge_pence == sum(line.charge_pence for line in charges)
        if bill.balance_pence > 0:  # nothing held was demanded: the plan is the balance
            assert sum(i.amount_pence for i in instalments) == bill.balance_pence
            assert all(i.due_date >= notice + timedelta(days=NOTICE_PERIOD_DAYS) for i in instalments)
        else:
            assert instalments == []
        if FinancialYear(bill.financial_year) < current:  # an earlier year only loses liability: never more to pay
            assert bill.balance_pence <= 0
    if current in years:
        (this_year,) = (bill for bill in bills if bill.financial_year == current.start_year)
        assert (this_year.paid_pence, this_year.paid_is_assumed) == (paid, False)
