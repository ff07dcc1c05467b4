"""Whole-number half-up division gives exactly what rounding the exact fraction gives."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from processors.rules.money import divide_half_up


@given(st.integers(min_value=-10**12, max_value=10**12), st.integers(min_value=1, max_value=10**8))
def test_divide_half_up_is_rounding_the_exact_fraction(numerator: int, denominator: int) -> None:
    assert divide_half_up(numerator, denominator) == _exact_half_up(Fraction(numerator, denominator))


@pytest.mark.parametrize(("numerator", "denominator", "expected"), [
    (5, 2, 3), (-5, 2, -3), (7, 2, 4), (4, 3, 1), (5, 3, 2), (0, 9, 0), (149, 100, 1), (150, 100, 2),
])
def test_halves_go_up_and_away_from_zero(numerator: int, denominator: int, expected: int) -> None:
    assert divide_half_up(numerator, denominator) == expected


def test_a_denominator_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        divide_half_up(1, 0)


def _exact_half_up(value: Fraction) -> int:
    """The independent reading: the exact amount rounded half up, halves of negatives away from zero."""
    sign = -1 if value < 0 else 1
    return sign * math.floor(abs(value) + Fraction(1, 2))
