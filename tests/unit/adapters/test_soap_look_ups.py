"""The SOAP adapter's look-ups: validate's reads handed on to the reads after them, and never trusted past a
change another call of the worker made meanwhile."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

from adapters.revenues_port import AppliedChange
from adapters.soap.keyed_locks import KeyedLocks
from adapters.soap.revenues import SoapRevenuesSystem
from tests.unit.adapters.test_soap_in_flight import AT, FakeService, moving_in

VACANT = "100090000081"


class CountingService(FakeService):
    """The empty back office of ``FakeService``, with one vacant property in its register, counting calls."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def call(self, operation: str, **arguments: Any) -> Any:
        with self.lock:
            self.calls.append(operation)
        if operation == "SearchProperties":
            # As zeep gives a register entry: every element of the type, the optional ones None when absent.
            return [SimpleNamespace(Uprn=u, Postcode="ZY1 5AB", Band="B", OwnerName=None, Furnished=None,
                                    PremiumException=None, PremiumExceptionFrom=None)
                    for u in arguments["Uprn"] if u == VACANT]
        return super().call(operation, **arguments)


def adapter(service: FakeService) -> SoapRevenuesSystem:
    return SoapRevenuesSystem("http://unused.invalid/revenues", calls_in_flight=4, attempts=1,
                              make_caller=lambda: service)


def in_another_thread(work: Any) -> Any:
    done: list[Any] = []
    thread = threading.Thread(target=lambda: done.append(work()))
    thread.start()
    thread.join()
    return done[0]


def test_the_register_read_takes_what_the_duplicate_look_just_read() -> None:
    service = CountingService()
    system = adapter(service)
    try:
        system.applied_with_fingerprints(["fp-1"], uprns=[VACANT])
        assert sorted(service.calls) == ["FindAccountsAtProperty", "ListNotesByReference"]  # side by side
        service.calls.clear()
        facts = system.property_facts_many([VACANT])
        assert service.calls == ["SearchProperties"]
        service.calls.clear()
        again = in_another_thread(lambda: system.property_facts_many([VACANT]))  # no look there: asks
    finally:
        system.close()
    assert sorted(service.calls) == ["FindAccountsAtProperty", "SearchProperties"]
    assert facts == again
    assert facts[VACANT].open_account is None


def test_the_apply_takes_the_steps_validate_just_looked_up() -> None:
    change = moving_in(VACANT)
    service = CountingService()
    system = adapter(service)
    try:
        assert system.applied_many([change.notification_id]) == {}
        (result,) = system.apply_account_changes([change], AT)
    finally:
        system.close()
    assert isinstance(result, AppliedChange)
    assert result.newly_applied
    # Validate's look for the steps made, then the apply: its check of the property, the write and the marker.
    assert service.calls == ["ListNotesByReference", "FindAccountsAtProperty", "CreateAccount", "AddNote"]


def test_a_change_made_by_another_call_since_validate_looked_is_looked_up_again_and_not_made_twice() -> None:
    change = moving_in(VACANT)
    service = CountingService()
    system = adapter(service)
    try:
        assert system.applied_many([change.notification_id]) == {}  # this thread's look: nothing made yet
        # Meanwhile another call of the worker (a parked copy retried) makes the change, and lets it go.
        (elsewhere,) = in_another_thread(lambda: system.apply_account_changes([change], AT))
        (here,) = system.apply_account_changes([change], AT)
    finally:
        system.close()
    assert [w.rsplit(":", 1)[0] for w in service.writes] == [f"CreateAccount:{VACANT}"]
    assert isinstance(elsewhere, AppliedChange)
    assert elsewhere.newly_applied
    assert isinstance(here, AppliedChange)
    assert not here.newly_applied


def test_holding_tells_whether_another_holder_let_a_key_go_since_the_mark() -> None:
    locks = KeyedLocks()
    mine, other = locks.mark(), locks.mark()
    with locks.holding(["uprn:1"], mine) as touched:
        assert not touched
    with locks.holding(["uprn:1"], mine) as touched:
        assert not touched  # let go by the same look's holder: nothing new
    with locks.holding(["uprn:2"], other) as touched:
        assert not touched
    with locks.holding(["uprn:2", "id:9"], mine) as touched:
        assert touched  # another holder let uprn:2 go after this mark
    with locks.holding(["uprn:3"], locks.mark()) as touched:
        assert not touched
