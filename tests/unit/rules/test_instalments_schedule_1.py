"""The instalment rules against a second reading of SI 1992/613 Sch. 1 Part I, and the invariants of a demand.

Random cases (hypothesis) and an exhaustive sweep over every notice date of a year, both schemes and payment
days 1, 15 and 28 (the 1,650 combinations of issue 11).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from processors.rules.instalments import Scheme, SmallInstalmentPolicy, instalment_plan
from schemas.financial_year import FinancialYear
from tests.unit.rules.sch1_reading import NOTICE_DAYS, CouncilChoices, Demand, read_schedule_1

FIVE_POUNDS = 500


def code_plan(total: int, year: int, notice: date, payment_day: int, twelve: bool,
              choices: CouncilChoices) -> Demand:
    """The rules' plan in the reading's shape."""
    plan = instalment_plan(total, FinancialYear(year), notice, payment_day,
                           scheme=Scheme.TWELVE if twelve else Scheme.TEN,
                           policy=SmallInstalmentPolicy(choices.fold_second_into_small_first,
                                                        choices.small_instalment_rule))
    assert all(i.financial_year == year for i in plan)
    assert [i.sequence for i in plan] == list(range(1, len(plan) + 1))
    return Demand(tuple(i.due_date for i in plan), tuple(i.amount_pence for i in plan))


def check_invariants(demand: Demand, total: int, year: int, notice: date, twelve: bool,
                     choices: CouncilChoices) -> None:
    fy = FinancialYear(year)
    earliest = notice + timedelta(days=NOTICE_DAYS)
    amounts, dates = demand.amounts_pence, demand.due_dates
    assert sum(amounts) == total, "instalments add up to the aggregate exactly"
    assert all(a > 0 for a in amounts), "no nil or negative instalment"
    assert len(amounts) == len(dates) >= 1
    assert all(d >= earliest for d in dates), "no due date inside the notice period"
    if earliest <= fy.end:
        assert all(fy.start <= d <= fy.end for d in dates), "para 2(4): every due date in the relevant year"
    else:
        assert dates == (earliest,), "a notice too late for the year: one amount when the notice period ends"
    assert list(dates) == sorted(set(dates)), "due dates in order, one a month"
    assert len(amounts) <= statutory_number(year, notice, twelve), "no more than para 2(3)/(3A) allows"
    if choices.fold_second_into_small_first and choices.small_instalment_rule and len(amounts) > 1:
        assert min(amounts) >= FIVE_POUNDS, "paras 2(7) and 3: no instalment under £5"


def statutory_number(year: int, notice: date, twelve: bool) -> int:
    """The count para 2(3)/(3A) gives, before any para 2(4), 2(7) or 3 reduction (table form)."""
    if notice > date(year, 12, 31):
        return 1
    if notice < date(year, 4, 1) or notice <= date(year, 4, 15 if twelve else 30):
        return 12 if twelve else 10
    # Whole months left after the notice: a notice in month m (April = 0) leaves 11 - m.
    left = 11 - ((notice.month - 4) % 12)
    return left if twelve else left - 1


totals = st.integers(min_value=1, max_value=1_000_000)  # 1p to £10,000
years = st.integers(min_value=2019, max_value=2031)  # includes the leap years 2020, 2024, 2028
offsets = st.integers(min_value=-45, max_value=400)  # notices before, during and after the relevant year
payment_days = st.integers(min_value=1, max_value=31)


@settings(max_examples=1000, deadline=None)
@given(total=totals, year=years, offset=offsets, payment_day=payment_days, twelve=st.booleans())
def test_the_rules_agree_with_the_regulation_for_random_demands(
    total: int, year: int, offset: int, payment_day: int, twelve: bool
) -> None:
    notice = date(year, 4, 1) + timedelta(days=offset)
    choices = CouncilChoices()
    expected = read_schedule_1(total, year, notice, payment_day, twelve=twelve, choices=choices)
    check_invariants(expected, total, year, notice, twelve, choices)  # the reading keeps them too
    actual = code_plan(total, year, notice, payment_day, twelve, choices)
    check_invariants(actual, total, year, notice, twelve, choices)
    assert actual == expected


@settings(max_examples=800, deadline=None)
@given(total=st.integers(min_value=1, max_value=30_000), year=years, offset=offsets,
       payment_day=payment_days, twelve=st.booleans())
def test_small_totals_follow_paras_2_7_and_3(total: int, year: int, offset: int, payment_day: int,
                                             twelve: bool) -> None:
    notice = date(year, 4, 1) + timedelta(days=offset)
    choices = CouncilChoices()
    expected = read_schedule_1(total, year, notice, payment_day, twelve=twelve, choices=choices)
    actual = code_plan(total, year, notice, payment_day, twelve, choices)
    check_invariants(actual, total, year, notice, twelve, choices)
    assert actual == expected


@settings(max_examples=800, deadline=None)
@given(total=st.integers(min_value=1, max_value=30_000), year=years, offset=offsets, payment_day=payment_days,
       twelve=st.booleans(), fold=st.booleans(), minimum=st.booleans())
def test_each_councils_choice_under_paras_2_7_and_3_is_followed(
    total: int, year: int, offset: int, payment_day: int, twelve: bool, fold: bool, minimum: bool
) -> None:
    notice = date(year, 4, 1) + timedelta(days=offset)
    choices = CouncilChoices(fold_second_into_small_first=fold, small_instalment_rule=minimum)
    expected = read_schedule_1(total, year, notice, payment_day, twelve=twelve, choices=choices)
    actual = code_plan(total, year, notice, payment_day, twelve, choices)
    check_invariants(actual, total, year, notice, twelve, choices)
    assert actual == expected


SWEEP_NOTICES = [date(2025, 4, 1) + timedelta(days=n) for n in range(275)]  # 1 April to 31 December 2025


@pytest.mark.parametrize("twelve", [False, True])
@pytest.mark.parametrize("payment_day", [1, 15, 28])
@pytest.mark.parametrize("total", [123456, 6600, 5500, 1653])
def test_every_notice_date_of_a_year_gives_a_lawful_plan(total: int, payment_day: int, twelve: bool) -> None:
    choices = CouncilChoices()
    wrong = []
    for notice in SWEEP_NOTICES:
        expected = read_schedule_1(total, 2025, notice, payment_day, twelve=twelve, choices=choices)
        actual = code_plan(total, 2025, notice, payment_day, twelve, choices)
        check_invariants(expected, total, 2025, notice, twelve, choices)
        if actual != expected:
            wrong.append((notice.isoformat(), actual, expected))
    assert not wrong, f"{len(wrong)} of {len(SWEEP_NOTICES)} notice dates differ, first: {wrong[0]}"


@pytest.mark.parametrize(
    ("total", "notice", "twelve", "amounts"),
    [
        # para 2(6): £66.00 / 12 = £5.50 -> A = £6, B = £66 - 11 x £6 = £0; para 2(7) folds the second
        # into the first: 11 instalments of £6.
        (6600, date(2025, 3, 20), True, (600,) * 11),
        # £55.00 / 10 = £5.50 -> A = £6, B = £1; para 2(7): £7 then 8 x £6.
        (5500, date(2025, 3, 20), False, (700,) + (600,) * 8),
        # Notice 10 October: 4 instalments; £16.53 / 4 = £4.1325 -> A = £4, B = £4.53; para 2(7) folds:
        # £8.53, £4, £4 - still under £5, so para 3(1)(b): 3 x £5 <= £16.53, £5.51 -> A = £6, B = £4.53;
        # para 2(7) via para 3(3): £10.53, £6.
        (1653, date(2025, 10, 10), False, (1053, 600)),
        # para 2(5): £30 / 10 = £3, a whole number of pounds, so para 2(7) does not apply; para 3(1)(b):
        # 6 x £5.
        (3000, date(2025, 3, 20), False, (500,) * 6),
        (999, date(2025, 3, 20), False, (999,)),  # para 3(1)(a): under £10, one instalment
    ],
)
def test_worked_examples_of_the_small_instalment_rules(total: int, notice: date, twelve: bool,
                                                       amounts: tuple[int, ...]) -> None:
    # Payment day 15: every notice here leaves room for the para 2(3)/(3A) number of instalments.
    assert read_schedule_1(total, 2025, notice, 15, twelve=twelve).amounts_pence == amounts
    assert code_plan(total, 2025, notice, 15, twelve, CouncilChoices()).amounts_pence == amounts
