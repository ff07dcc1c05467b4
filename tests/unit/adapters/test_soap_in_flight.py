"""The SOAP adapter keeps changes to different properties in flight together, and one property's in order."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from adapters.revenues_port import AppliedChange, RevenuesUnavailableError
from adapters.soap.client import CallTimedOut
from adapters.soap.lanes import lanes
from adapters.soap.revenues import SoapRevenuesSystem
from processors.rules.assessment import assess
from schemas.events import AccountChange
from tests.builders import RULES, facts, move_in, move_out, notification, open_account, validated

AT = datetime(2025, 10, 10, 12, 0, tzinfo=UTC)


def moving_in(uprn: str) -> AccountChange:
    change = assess(validated(notification(move_in(uprn=uprn)), facts(uprn)), RULES, AT)
    assert isinstance(change, AccountChange)
    return change


def moving_out(uprn: str, account_ref: str) -> AccountChange:
    held = facts(uprn, open_account=open_account(account_ref, start=date(2021, 3, 1)))
    change = assess(validated(notification(move_out(uprn=uprn)), held), RULES, AT)
    assert isinstance(change, AccountChange)
    return change


class FakeService:
    """Answers as an empty back office would, records what is in flight, and can hold writes at a barrier."""

    def __init__(self, barrier: threading.Barrier | None = None, fail_uprn: str | None = None) -> None:
        self.barrier = barrier
        self.fail_uprn = fail_uprn
        self.lock = threading.Lock()
        self.in_flight: Counter[str] = Counter()
        self.overlapped: list[str] = []
        self.writes: list[str] = []
        self.notes: list[SimpleNamespace] = []

    def call(self, operation: str, **arguments: Any) -> Any:
        if operation == "FindAccountsAtProperty":
            return []
        if operation == "ListNotesByReference":
            with self.lock:
                return [n for n in self.notes if n.Reference in arguments["Reference"]]
        target = str(arguments.get("Uprn") or arguments.get("AccountNumber"))
        with self.lock:
            self.in_flight[target] += 1
            if self.in_flight[target] > 1:
                self.overlapped.append(target)
        try:
            if operation != "AddNote":
                if self.barrier is not None:
                    self.barrier.wait()
                time.sleep(0.01)  # room for a second call on the same target to overlap, were it sent
                if target == self.fail_uprn:
                    raise RevenuesUnavailableError("the service timed out")
                with self.lock:
                    self.writes.append(f"{operation}:{target}:{arguments['Note']['Reference']}")
                    self.notes.append(SimpleNamespace(AccountNumber=target, **arguments["Note"]))
            return target
        finally:
            with self.lock:
                self.in_flight[target] -= 1

    def close(self) -> None:
        """Nothing to let go of."""


def adapter(service: FakeService, calls_in_flight: int) -> SoapRevenuesSystem:
    return SoapRevenuesSystem("http://unused.invalid/revenues", calls_in_flight=calls_in_flight, attempts=1,
                              make_caller=lambda: service)


def test_changes_sharing_a_property_or_an_account_share_a_lane_in_batch_order() -> None:
    a, b, c = moving_in("100090000011"), moving_out("100090000012", "500000002"), moving_in("100090000012")
    d = moving_out("100090000013", "500000002")  # another property, but the same account as b
    assert lanes([a, b, c, d, a]) == [[0, 4], [1, 2, 3]]


def test_changes_to_different_properties_are_in_flight_together() -> None:
    changes = [moving_in(f"10009000002{i}") for i in range(4)]
    service = FakeService(barrier=threading.Barrier(4, timeout=10))  # a one-at-a-time adapter breaks it
    system = adapter(service, calls_in_flight=4)
    try:
        results = system.apply_account_changes(changes, AT)
    finally:
        system.close()
    assert all(isinstance(r, AppliedChange) and r.newly_applied for r in results)
    assert [r.notification_id for r in results if isinstance(r, AppliedChange)] == [
        c.notification_id for c in changes]


def test_changes_to_one_property_are_made_one_after_another_in_batch_order() -> None:
    first, then = moving_in("100090000031"), moving_in("100090000031")  # the empty fake holds no account
    others = [moving_in(f"10009000004{i}") for i in range(3)]
    service = FakeService()
    system = adapter(service, calls_in_flight=4)
    try:
        system.apply_account_changes([first, *others, then], AT)
    finally:
        system.close()
    assert service.overlapped == []
    assert [w for w in service.writes if ":100090000031:" in w] == [
        f"CreateAccount:100090000031:{first.notification_id}", f"CreateAccount:100090000031:{then.notification_id}"]


def test_a_lane_that_cannot_reach_the_back_office_lets_the_others_finish_then_asks_for_a_retry() -> None:
    changes = [moving_in(f"10009000005{i}") for i in range(4)]
    service = FakeService(fail_uprn="100090000052")
    system = adapter(service, calls_in_flight=4)
    try:
        with pytest.raises(RevenuesUnavailableError):
            system.apply_account_changes(changes, AT)
    finally:
        system.close()
    assert sorted(w.rsplit(":", 1)[0] for w in service.writes) == [
        f"CreateAccount:10009000005{i}" for i in (0, 1, 3)]


def test_one_change_held_by_two_calls_of_a_worker_at_once_is_made_once() -> None:
    change = moving_in("100090000061")
    service = FakeService()
    system = adapter(service, calls_in_flight=2)
    results: list[Any] = []
    callers = [threading.Thread(target=lambda: results.extend(system.apply_account_changes([change], AT)))
               for _ in range(2)]  # e.g. a parked copy retried while the source topic delivers it again
    try:
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join()
    finally:
        system.close()
    assert [w.rsplit(":", 1)[0] for w in service.writes] == ["CreateAccount:100090000061"]
    assert sorted(r.newly_applied for r in results) == [False, True]


class LandsAfterTimeout(FakeService):
    """The first write times out at the caller, and lands at the service a moment later."""

    def __init__(self) -> None:
        super().__init__()
        self.timed_out = False
        self.landing: threading.Timer | None = None

    def call(self, operation: str, **arguments: Any) -> Any:
        if operation == "CreateAccount" and not self.timed_out:
            self.timed_out = True
            self.landing = threading.Timer(0.1, lambda: super(LandsAfterTimeout, self).call(operation, **arguments))
            self.landing.start()
            raise CallTimedOut("revenues service CreateAccount timed out")
        return super().call(operation, **arguments)


def test_a_write_that_timed_out_is_given_time_to_land_before_it_is_looked_for() -> None:
    change = moving_in("100090000071")
    service = LandsAfterTimeout()
    system = SoapRevenuesSystem("http://unused.invalid/revenues", timeout_seconds=1.0, attempts=2,
                                backoff_seconds=0, make_caller=lambda: service)
    try:
        (result,) = system.apply_account_changes([change], AT)
    finally:
        system.close()
    assert service.landing is not None
    service.landing.join()
    assert [w.rsplit(":", 1)[0] for w in service.writes] == ["CreateAccount:100090000071"]
    assert isinstance(result, AppliedChange)
