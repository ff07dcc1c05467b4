"""Rounding money the way a demand notice does: exact fractions, then half up to the penny or pound."""

from __future__ import annotations

from fractions import Fraction


def round_half_up(value: Fraction) -> int:
    """Round a non-negative exact amount to the nearest whole unit, halves going up."""
    if value < 0:
        return -round_half_up(-value)
    whole, remainder = divmod(value.numerator, value.denominator)
    return whole + (1 if 2 * remainder >= value.denominator else 0)

