"""The one table from each kind of change to its rules: the pipeline and the rules find a kind only here."""

from __future__ import annotations

from typing import Any

from processors.rules.kinds import (
    change_of_name,
    household_change,
    move_in,
    move_out,
    move_within,
    payment_arrangement,
    rebill,
    refund_decision,
    single_person_discount,
    student_exemption,
)
from processors.rules.kinds.kind_rules import KindRules
from schemas.notification import ChangeKind

KIND_RULES: dict[ChangeKind, KindRules[Any]] = {
    ChangeKind.MOVE_IN: move_in.RULES,
    ChangeKind.MOVE_OUT: move_out.RULES,
    ChangeKind.MOVE_WITHIN: move_within.RULES,
    ChangeKind.SINGLE_PERSON_DISCOUNT: single_person_discount.RULES,
    ChangeKind.HOUSEHOLD_CHANGE: household_change.RULES,
    ChangeKind.STUDENT_EXEMPTION: student_exemption.RULES,
    ChangeKind.CHANGE_OF_NAME: change_of_name.RULES,
    ChangeKind.PAYMENT_ARRANGEMENT: payment_arrangement.RULES,
    ChangeKind.REBILL: rebill.RULES,
    ChangeKind.REFUND_DECISION: refund_decision.RULES,
}


class UnknownKindError(LookupError):
    """A kind of change with no rules in the table (a test names it before it can reach here)."""


def rules_for(kind: ChangeKind) -> KindRules[Any]:
    try:
        return KIND_RULES[kind]
    except KeyError:
        raise UnknownKindError(f"no rules for the kind of change {kind.value!r} in processors/rules/kinds/table.py") \
            from None
