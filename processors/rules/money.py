"""Rounding money the way a demand notice does: the exact quotient, then half up to the penny or pound."""

from __future__ import annotations


def divide_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up (away from zero for negatives), in whole-number arithmetic.

    No fraction is built: these are the charge and instalment sums made for every line of every notification.
    """
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    if numerator < 0:
        return -divide_half_up(-numerator, denominator)
    return (2 * numerator + denominator) // (2 * denominator)
