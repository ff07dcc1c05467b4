"""The intake's gate: a bounded number of accepts at once, a bounded line, and a bounded wait."""

from __future__ import annotations

import asyncio

import pytest

from web.intake.admission import AdmissionGate, NoPlaceFreeError


async def _hold(gate: AdmissionGate, release: asyncio.Event, entered: list[int], index: int) -> None:
    async with gate.admitted():
        entered.append(index)
        await release.wait()


async def test_requests_beyond_the_places_wait_and_enter_as_places_free() -> None:
    gate = AdmissionGate(in_flight=2, waiting=2, wait_seconds=5)
    release, entered = asyncio.Event(), list[int]()
    tasks = [asyncio.create_task(_hold(gate, release, entered, i)) for i in range(4)]
    await asyncio.sleep(0.05)
    assert entered == [0, 1]
    assert gate.waiting == 2
    release.set()
    await asyncio.gather(*tasks)
    assert sorted(entered) == [0, 1, 2, 3]
    assert gate.waiting == 0


async def test_a_full_line_turns_a_request_away_at_once() -> None:
    gate = AdmissionGate(in_flight=1, waiting=1, wait_seconds=5)
    release, entered = asyncio.Event(), list[int]()
    held = [asyncio.create_task(_hold(gate, release, entered, i)) for i in range(2)]
    await asyncio.sleep(0.05)
    started = asyncio.get_running_loop().time()
    with pytest.raises(NoPlaceFreeError, match="line"):
        async with gate.admitted():
            pass
    assert asyncio.get_running_loop().time() - started < 1  # not after the 5 s wait
    release.set()
    await asyncio.gather(*held)


async def test_a_wait_that_runs_out_turns_the_request_away_and_leaves_the_line() -> None:
    gate = AdmissionGate(in_flight=1, waiting=4, wait_seconds=0.05)
    release, entered = asyncio.Event(), list[int]()
    held = asyncio.create_task(_hold(gate, release, entered, 0))
    await asyncio.sleep(0.01)
    with pytest.raises(NoPlaceFreeError, match="in time"):
        async with gate.admitted():
            pass
    assert gate.waiting == 0
    release.set()
    await held
    async with gate.admitted():  # the place came back
        pass


async def test_a_failing_body_gives_its_place_back() -> None:
    gate = AdmissionGate(in_flight=1, waiting=0, wait_seconds=0)
    with pytest.raises(RuntimeError):
        async with gate.admitted():
            raise RuntimeError("store failed")
    async with gate.admitted():
        pass


def test_limits_that_could_never_admit_are_refused() -> None:
    with pytest.raises(ValueError, match="in_flight"):
        AdmissionGate(in_flight=0)
