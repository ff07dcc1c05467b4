"""Worked examples of band charges and daily apportionment (figures worked by hand in the comments)."""

from datetime import date

import pytest

from processors.rules.charges import ChargeInputError, annual_band_charge, apportioned_charge, charge_lines
from processors.rules.discounts import NO_DISCOUNT, SINGLE_PERSON
from tests.builders import RULES


@pytest.mark.parametrize(
    ("band", "pence"),
    # Band D £2,280.00: A 6/9 = £1,520.00, B 7/9 = £1,773.333 -> £1,773.33, E 11/9 = £2,786.666 -> £2,786.67,
    # H 18/9 = £4,560.00
    [("A", 152000), ("B", 177333), ("D", 228000), ("E", 278667), ("H", 456000)],
)
def test_band_charge_is_ninths_of_band_d_to_the_penny(band: str, pence: int) -> None:
    assert annual_band_charge(228000, band) == pence


def test_unknown_band_is_refused() -> None:
    with pytest.raises(ValueError, match="not one of A to H"):
        annual_band_charge(228000, "I")


def test_move_in_on_1_october_pays_182_of_365_days() -> None:
    # Band B 2025/26 £1,773.33 x 182 / 365 = £884.2358 -> £884.24
    (line,) = charge_lines(date(2025, 10, 1), date(2026, 3, 31), "B", NO_DISCOUNT, RULES)
    assert (line.days, line.charge_pence, line.annual_charge_pence) == (182, 88424, 177333)


def test_single_person_discount_takes_a_quarter_off_the_apportioned_charge() -> None:
    # £884.2358 x 0.75 = £663.1768 -> £663.18
    (line,) = charge_lines(date(2025, 10, 1), date(2026, 3, 31), "B", SINGLE_PERSON, RULES)
    assert (line.charge_pence, line.discount_code, line.discount_percent) == (66318, "SPD", 25)


def test_leap_year_divides_by_366() -> None:
    # 2027/28 Band D £2,514.00, Band A £1,676.00; March 2028 is 31 of 366 days: £141.956 -> £141.96
    (line,) = charge_lines(date(2028, 3, 1), date(2028, 3, 31), "A", NO_DISCOUNT, RULES)
    assert (line.days, line.charge_pence) == (31, 14196)


def test_move_on_1_april_pays_the_whole_year() -> None:
    (line,) = charge_lines(date(2026, 4, 1), date(2027, 3, 31), "D", NO_DISCOUNT, RULES)
    assert (line.days, line.charge_pence) == (365, 239400)


def test_move_on_31_march_pays_one_day() -> None:
    # Band D 2026/27 £2,394.00 / 365 = £6.5589 -> £6.56
    (line,) = charge_lines(date(2027, 3, 31), date(2027, 3, 31), "D", NO_DISCOUNT, RULES)
    assert (line.days, line.charge_pence) == (1, 656)


def test_a_period_across_the_year_end_gets_a_line_for_each_year() -> None:
    lines = charge_lines(date(2026, 3, 20), date(2026, 4, 30), "D", NO_DISCOUNT, RULES)
    assert [(line.financial_year, line.days) for line in lines] == [(2025, 12), (2026, 30)]


def test_apportioning_rounds_half_a_penny_up() -> None:
    assert apportioned_charge(annual_pence=73, days=1, days_in_year=2, discount_percent=0) == 37


@pytest.mark.parametrize(
    ("days", "discount", "code"),
    [(-1, 0, "liability_days_invalid"), (366, 0, "liability_days_invalid"), (10, 101, "discount_out_of_range"),
     (10, -5, "discount_out_of_range")],
)
def test_impossible_figures_are_refused_not_turned_into_a_negative_charge(days: int, discount: int,
                                                                          code: str) -> None:
    with pytest.raises(ChargeInputError) as refused:
        apportioned_charge(annual_pence=228000, days=days, days_in_year=365, discount_percent=discount)
    assert refused.value.code == code


def test_a_full_exemption_is_allowed() -> None:
    assert apportioned_charge(annual_pence=228000, days=365, days_in_year=365, discount_percent=100) == 0
