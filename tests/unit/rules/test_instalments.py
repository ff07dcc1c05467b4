"""Instalment schemes, SI 1992/613 Sch. 1 Part I, with worked examples."""

from datetime import date

import pytest

from processors.rules.instalments import (
    InvalidPaymentDayError,
    PaymentPlanTerms,
    Scheme,
    SmallInstalmentPolicy,
    instalment_amounts,
    instalment_count,
    instalment_plan,
    split_amounts,
)
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
    assert instalment_count(FY, notice, Scheme.TWELVE) == count


def test_equal_instalments_when_the_total_divides_into_whole_pounds() -> None:
    assert split_amounts(100000, 10) == [10000] * 10


def test_first_instalment_takes_the_odd_pence() -> None:
    # £884.24 / 4 = £221.06: later ones £221, the first £884.24 - 3 x £221 = £221.24
    assert split_amounts(88424, 4) == [22124, 22100, 22100, 22100]


def test_later_instalments_round_to_the_nearest_pound_even_upwards() -> None:
    # £95.60 / 10 = £9.56 -> £10; the first is £95.60 - 9 x £10 = £5.60
    assert split_amounts(9560, 10) == [560] + [1000] * 9


def test_para_2_6_rounds_to_the_nearest_pound_even_when_that_leaves_the_first_nothing() -> None:
    # £66 / 12 = £5.50 -> A = £6; B = £66 - 11 x £6 = £0 (para 2(7) then folds, below)
    assert split_amounts(6600, 12) == [0] + [600] * 11
    # £54 / 12 = £4.50 -> A = £5; B = £54 - 55 = -£1
    assert split_amounts(5400, 12) == [-100] + [500] * 11


BOTH = SmallInstalmentPolicy(fold_small_first=True, minimum_five_pounds=True)


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [
        (6600, 12, [600] * 11),  # para 2(7): £0 + £6 folded, 11 instalments
        (5500, 10, [700] + [600] * 8),  # £1 + 9 x £6 -> para 2(7): £7 + 8 x £6
        (3000, 10, [500] * 6),  # para 2(5) £3 each, then para 3(1)(b): 6 x £5
        (999, 10, [999]),  # para 3(1)(a): under £10, one instalment
        (1000, 10, [500, 500]),  # para 3(1)(b): 2 x £5
        (5400, 12, [900] + [500] * 9),  # -£1 + 11 x £5 -> fold £4 + 10 x £5 -> para 3: 10, £9 + 9 x £5
        (5000, 10, [500] * 10),
    ],
)
def test_no_instalment_under_five_pounds(total: int, count: int, expected: list[int]) -> None:
    assert instalment_amounts(total, count, BOTH) == expected


def test_a_council_that_does_not_fold_still_re_counts_under_para_3() -> None:
    no_fold = SmallInstalmentPolicy(fold_small_first=False, minimum_five_pounds=True)
    # £55 / 10: £1 + 9 x £6 -> para 3(1)(b): 11 x £5 <= £55 but para 2 had 10 months: 10, £5.50 -> £6, B = £1
    # (no fold: the council chose not to), so a £1 first instalment stands
    assert instalment_amounts(5500, 10, no_fold) == [100] + [600] * 9


def test_a_council_that_uses_neither_rule_keeps_small_instalments_but_never_a_nil_one() -> None:
    neither = SmallInstalmentPolicy(fold_small_first=False, minimum_five_pounds=False)
    assert instalment_amounts(5500, 10, neither) == [100] + [600] * 9
    # £66 / 12 leaves a nil first instalment: that is never demanded, so para 2(7) folds regardless
    assert instalment_amounts(6600, 12, neither) == [600] * 11


def test_a_payment_day_must_be_a_day_of_the_month() -> None:
    with pytest.raises(InvalidPaymentDayError):
        PaymentPlanTerms(Scheme.TEN, 32)
    with pytest.raises(InvalidPaymentDayError):
        instalment_plan(10000, FY, date(2025, 5, 1), payment_day=0)


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


def test_twelve_requested_in_april_fit_the_months_left_in_the_year() -> None:
    # para 2(3A) gives 12, but 14 days after 1 April the first payment day 1 left is 1 May: 11, May to March
    plan = instalment_plan(120000, FY, date(2025, 4, 1), payment_day=1, scheme=Scheme.TWELVE)
    assert (len(plan), plan[0].due_date, plan[-1].due_date) == (11, date(2025, 5, 1), date(2026, 3, 1))
    # with payment day 15 all 12 fit: 15 April to 15 March
    plan = instalment_plan(120000, FY, date(2025, 4, 1), payment_day=15, scheme=Scheme.TWELVE)
    assert (len(plan), plan[0].due_date, plan[-1].due_date) == (12, date(2025, 4, 15), date(2026, 3, 15))


def test_a_december_notice_never_asks_for_payment_after_31_march() -> None:
    # para 2(3A)(a)(ii): 3 whole months left (January-March); the first payment day after 3 January is
    # 1 February, so 2 instalments (para 2(4))
    plan = instalment_plan(30000, FY, date(2025, 12, 20), payment_day=1, scheme=Scheme.TWELVE)
    assert [i.due_date for i in plan] == [date(2026, 2, 1), date(2026, 3, 1)]


@pytest.mark.parametrize(
    ("notice", "due"),
    [
        (date(2026, 2, 10), date(2026, 3, 1)),  # para 2(1): one amount, on the payment day
        (date(2026, 3, 10), date(2026, 3, 31)),  # 24 March is the earliest; no payment day left: 31 March
        (date(2026, 3, 31), date(2026, 4, 14)),  # notice period runs past the year: when it ends
        (date(2026, 6, 1), date(2026, 6, 15)),  # a notice after the year has ended
    ],
)
def test_a_notice_from_january_demands_one_amount_within_the_year_where_the_notice_period_allows(
    notice: date, due: date
) -> None:
    (only,) = instalment_plan(4321, FY, notice, payment_day=1, scheme=Scheme.TWELVE)
    assert (only.due_date, only.amount_pence) == (due, 4321)


def test_nothing_to_pay_means_no_instalments() -> None:
    assert instalment_plan(0, FY, date(2025, 10, 10), payment_day=1) == ()
    assert instalment_plan(-500, FY, date(2025, 10, 10), payment_day=1) == ()


def test_instalments_always_add_up_to_the_total() -> None:
    for total in range(1, 300000, 997):
        for notice in (date(2025, 4, 1), date(2025, 7, 19), date(2025, 12, 2), date(2026, 2, 1)):
            plan = instalment_plan(total, FY, notice, payment_day=15)
            assert sum(i.amount_pence for i in plan) == total
            assert all(i.amount_pence > 0 for i in plan)
