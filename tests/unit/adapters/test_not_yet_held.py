"""What an adapter cannot pass on yet is refused with a reason a person can act on, never dropped."""

from __future__ import annotations

from datetime import date

from adapters.not_yet_held import NOT_HELD_CODE, not_yet_held
from processors.rules.liability import assess
from schemas.events import AccountChange
from tests.builders import RULES, address, facts, move_in, notification, open_account, validated


def _change(change: dict[str, object]) -> AccountChange:
    n = notification(change)
    result = assess(validated(n, facts(open_account=open_account())), RULES, n.submitted_at)
    assert isinstance(result, AccountChange)
    return result


def test_an_amendment_is_refused_by_an_adapter_that_cannot_hold_it() -> None:
    spd = _change({"kind": "single_person_discount", "uprn": "100090000004", "address": address(),
                   "action": "claim", "reason": "only_adult", "effective_date": date(2025, 10, 1)})
    refusal = not_yet_held(spd, "SOAP")
    assert refusal is not None
    assert refusal.code == NOT_HELD_CODE
    assert "key it in the back office" in str(refusal)


def test_moves_pass() -> None:
    assert not_yet_held(_change(move_in()), "SOAP") is None
