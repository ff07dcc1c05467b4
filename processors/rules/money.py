"""Rounding money the way a demand notice does: exact fractions, then half up to the penny or pound."""

from __future__ import annotations

from fractions import Fraction


def round_half_up(value: Fraction) -> int:
    """Round a non-negative exact amount to the nearest whole unit, halves going up."""
    if value < 0:
        return -round_half_up(-value)
    whole, remainder = divmod(value.numerator, value.denominator)
    return whole + (1 if 2 * remainder >= value.denominator else 0)



def divide_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up (away from zero for negatives), in whole-number arithmetic.

    The same result as ``round_half_up(Fraction(numerator, denominator))`` without building the fraction, for
    the charge and instalment sums made for every line of every notification.
    """
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    if numerator < 0:
        return -divide_half_up(-numerator, denominator)
    return (2 * numerator + denominator) // (2 * denominator)
