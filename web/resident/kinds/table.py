"""The one table from each kind of change a resident can tell us about to its journey.

A kind only an officer sends (a rebill) has no journey: :mod:`web.kind_wording` says so (``resident=None``),
and a test keeps the two in step.
"""

from __future__ import annotations

from schemas.notification import ChangeKind
from web.resident.kinds import (
    change_of_name,
    household_change,
    move_in,
    move_out,
    move_within,
    payment_arrangement,
    single_person_discount,
    student_exemption,
)
from web.resident.kinds.resident_kind import ResidentKind

RESIDENT_KINDS: dict[ChangeKind, ResidentKind] = {
    ChangeKind.MOVE_IN: move_in.JOURNEY,
    ChangeKind.MOVE_OUT: move_out.JOURNEY,
    ChangeKind.MOVE_WITHIN: move_within.JOURNEY,
    ChangeKind.SINGLE_PERSON_DISCOUNT: single_person_discount.JOURNEY,
    ChangeKind.HOUSEHOLD_CHANGE: household_change.JOURNEY,
    ChangeKind.STUDENT_EXEMPTION: student_exemption.JOURNEY,
    ChangeKind.CHANGE_OF_NAME: change_of_name.JOURNEY,
    ChangeKind.PAYMENT_ARRANGEMENT: payment_arrangement.JOURNEY,
}
