"""Discounts and exemptions that follow from who lives in the dwelling."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from schemas.notification import DisregardReason, Resident

# Residents who, if they are everyone living there, make the dwelling exempt (class N: students only).
_STUDENT_REASONS = frozenset({DisregardReason.FULL_TIME_STUDENT, DisregardReason.STUDENT_NURSE})


@dataclass(frozen=True)
class Discount:
    code: str | None
    percent: int
    description: str


NO_DISCOUNT = Discount(None, 0, "no discount")
SINGLE_PERSON = Discount("SPD", 25, "single person discount: one adult counts")
NONE_COUNT = Discount("DIS50", 50, "discount: no adult counts")
STUDENT_EXEMPTION = Discount("EXN", 100, "exempt, class N: occupied only by students")


def discount_for(residents: Sequence[Resident]) -> Discount:
    """Return the discount or exemption for a dwelling with these adult residents."""
    if residents and all(r.disregard in _STUDENT_REASONS for r in residents):
        return STUDENT_EXEMPTION
    counted = sum(1 for r in residents if r.disregard is None)
    if counted == 0:
        return NONE_COUNT
    if counted == 1:
        return SINGLE_PERSON
    return NO_DISCOUNT


def discount_from_account(code: str | None, percent: int) -> Discount:
    """Rebuild the discount an existing account carries, so a revised charge keeps it."""
    if not percent:
        return NO_DISCOUNT
    return Discount(code, percent, f"existing discount {code or ''}".strip())
