"""Rounding money the way a demand notice does: exact fractions, then half up to the penny or pound."""

from __future__ import annotations

from fractions import Fraction


def round_half_up(value: Fraction) -> int:
    """Round a non-negative exact amount to the nearest whole unit, halves going up."""
    if value < 0:
        return -round_half_up(-value)
    whole, remainder = divmod(value.numerator, value.denominator)
    return whole + (1 if 2 * remainder >= value.denominator else 0)


def pounds(pence: int) -> str:
    """Format pence as pounds for people: 123456 -> '£1,234.56'."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"
