"""Instalment schemes, SI 1992/613 Sch. 1 Part I, with worked examples."""

from datetime import date

import pytest

from processors.rules.instalments import apply_minimum, instalment_count, instalment_plan, split_amounts
from schemas.financial_year import FinancialYear

FY = FinancialYear(2025)


@pytest.mark.parametrize(
    ("notice", "count"),
    [
        (date(2025, 3, 1), 10),   # issued before the year starts
        (date(2025, 4, 30), 10),  # before 1 May
        (date(2025, 5, 1), 9),    # June..March = 10 whole months left, less one
        (date(2025, 10, 10), 4),  # November..March = 5, less one
        (date(2025, 12, 31), 2),  # January..March = 3, less one
        (date(2026, 1, 1), 1),    # from 1 January, a single instalment
        (date(2026, 4, 2), 1),    # after the year has ended
    ],
)
def test_number_of_instalments_depends_on_when_the_notice_is_issued(notice: date, count: int) -> None:
    assert instalment_count(FY, notice) == count


@pytest.mark.parametrize(
    ("notice", "count"), [(date(2025, 4, 15), 12), (date(2025, 4, 16), 11), (date(2025, 10, 10), 5)]
)
def test_twelve_instalments_on_request(notice: date, count: int) -> None:
    assert instalment_count(FY, notice, twelve_requested=True) == count


def test_equal_instalments_when_the_total_divides_into_whole_pounds() -> None:
    assert split_amounts(100000, 10) == [10000] * 10


def test_first_instalment_takes_the_odd_pence() -> None:
    # £884.24 / 4 = £221.06: later ones £221, the first £884.24 - 3 x £221 = £221.24
    assert split_amounts(88424, 4) == [22124, 22100, 22100, 22100]


def test_later_instalments_round_to_the_nearest_pound_even_upwards() -> None:
    # £95.60 / 10 = £9.56 -> £10; the first is £95.60 - 9 x £10 = £5.60
    assert split_amounts(9560, 10) == [560] + [1000] * 9


def test_rounding_up_never_leaves_the_first_instalment_empty() -> None:
    # £66 / 12 = £5.50 would round to £6 and leave £0 for the first: round down instead
    assert split_amounts(6600, 12) == [1100] + [500] * 11


@pytest.mark.parametrize(("total", "count", "expected"), [(3000, 10, 6), (999, 10, 1), (1000, 10, 2), (5000, 10, 10)])
def test_no_instalment_under_five_pounds(total: int, count: int, expected: int) -> None:
    assert apply_minimum(total, count) == expected


def test_plan_dates_fall_on_the_payment_day_at_least_14_days_after_the_notice() -> None:
    plan = instalment_plan(88424, FY, date(2025, 10, 10), payment_day=1)
    assert [(i.sequence, i.due_date, i.amount_pence) for i in plan] == [
        (1, date(2025, 11, 1), 22124), (2, date(2025, 12, 1), 22100),
        (3, date(2026, 1, 1), 22100), (4, date(2026, 2, 1), 22100)]


def test_a_notice_issued_late_in_the_month_moves_the_first_payment_on() -> None:
    plan = instalment_plan(50000, FY, date(2025, 10, 20), payment_day=1)
    assert plan[0].due_date == date(2025, 12, 1)


def test_a_payment_day_past_the_end_of_a_short_month_falls_on_its_last_day() -> None:
    plan = instalment_plan(100000, FY, date(2025, 12, 31), payment_day=28)
    assert [i.due_date for i in plan] == [date(2026, 1, 28), date(2026, 2, 28)]


def test_nothing_to_pay_means_no_instalments() -> None:
    assert instalment_plan(0, FY, date(2025, 10, 10), payment_day=1) == ()
    assert instalment_plan(-500, FY, date(2025, 10, 10), payment_day=1) == ()


def test_instalments_always_add_up_to_the_total() -> None:
    for total in range(1, 300000, 997):
        for notice in (date(2025, 4, 1), date(2025, 7, 19), date(2025, 12, 2), date(2026, 2, 1)):
            plan = instalment_plan(total, FY, notice, payment_day=15)
            assert sum(i.amount_pence for i in plan) == total
            assert all(i.amount_pence > 0 for i in plan)
