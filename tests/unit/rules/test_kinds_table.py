"""The kinds' table: the assess stage finds each kind's rules there, and holds a kind to what it declares."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from processors.rules.assessment import UndeclaredRequestError, assess
from processors.rules.kinds import move_out
from processors.rules.kinds.kind_rules import BackOfficeRequest
from processors.rules.kinds.table import KIND_RULES, UnknownKindError, rules_for
from schemas.events import AccountChange
from schemas.notification import ChangeKind
from tests.builders import RULES, facts, notification, open_account, validated
from tests.builders import move_out as move_out_change

NOW = datetime(2025, 10, 10, 12, tzinfo=UTC)


def test_each_kind_s_rules_are_for_its_own_model() -> None:
    for kind, kind_rules in KIND_RULES.items():
        assert kind_rules.kind is kind
        assert kind_rules.change_type.model_fields["kind"].default is kind


def test_a_kind_may_ask_the_back_office_only_for_what_it_declares(monkeypatch: pytest.MonkeyPatch) -> None:
    leaving = validated(notification(move_out_change(move_date=date(2025, 10, 1))),
                        facts(band="D", open_account=open_account()))
    assert isinstance(assess(leaving, RULES, NOW), AccountChange)
    amends_only = replace(move_out.RULES, asks_back_office=frozenset({BackOfficeRequest.AMEND_ACCOUNT}))
    monkeypatch.setitem(KIND_RULES, ChangeKind.MOVE_OUT, amends_only)
    with pytest.raises(UndeclaredRequestError, match="move_out asked the back office to end_liability"):
        assess(leaving, RULES, NOW)


def test_a_kind_without_rules_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(KIND_RULES, ChangeKind.REBILL)
    with pytest.raises(UnknownKindError, match="'rebill'"):
        rules_for(ChangeKind.REBILL)
