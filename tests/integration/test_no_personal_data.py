"""No personal data in logs or in the metrics stream: notifications carrying marker values go through the
whole product (accepted, rejected, sent to review), then every log line and metrics event is searched."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer

from schemas.topics import METRICS
from tests.integration.running_stack import RunningStack
from tests.integration.test_move_journeys import MOVE

MARKERS = {
    "name": "Zebedee Quixotic-Marker", "email": "zebedee.quixotic@example.com", "phone": "01632 960 777",
    "street": "77 Markerton Parade", "dob": "1977-07-07", "forwarding": "99 Farawayish Lane",
}


@pytest.fixture
def stack(kafka_bootstrap: str, tmp_path: Path) -> Iterator[RunningStack]:
    running = RunningStack(kafka_bootstrap, f"sqlite:///{tmp_path}/revenues.db", tmp_path)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def bodies() -> list[dict[str, object]]:
    contact = {"full_name": MARKERS["name"], "email": MARKERS["email"], "phone": MARKERS["phone"]}
    address = {"line_1": MARKERS["street"], "town": "Exampleton", "postcode": "ZY1 5AB"}
    people = [{"full_name": MARKERS["name"], "date_of_birth": MARKERS["dob"]}]
    return [
        # not in the register: goes to review
        {"contact": contact, "change": {"kind": "move_in", "uprn": "100090000099", "address": address,
                                        "move_in_date": MOVE.isoformat(), "residents": people,
                                        "tenure": "owner_occupier"}},
        # in the register but the postcode is wrong: rejected
        {"contact": contact, "change": {"kind": "move_in", "uprn": "100090000011",
                                        "address": {**address, "postcode": "ZY9 9ZZ"},
                                        "move_in_date": MOVE.isoformat(), "residents": people,
                                        "tenure": "owner_occupier"}},
        # valid: applied
        {"contact": contact, "change": {"kind": "move_in", "uprn": "100090000011", "address": address,
                                        "move_in_date": MOVE.isoformat(), "residents": people,
                                        "tenure": "owner_occupier"}},
        # a move out with a forwarding address: applied
        {"contact": contact, "change": {"kind": "move_out", "uprn": "100090000012", "address": address,
                                        "move_out_date": MOVE.isoformat(),
                                        "forwarding_address": {"line_1": MARKERS["forwarding"], "town": "Away",
                                                               "postcode": "ZY8 1AA"}}},
    ]


async def metrics_bytes(bootstrap: str, topic: str) -> list[bytes]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    values: list[bytes] = []
    try:
        for _ in range(6):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                values.extend(bytes(r.value) for r in records)
    finally:
        await consumer.stop()
    return values


def test_marker_values_appear_in_no_log_line_and_no_metrics_event(stack: RunningStack) -> None:
    from tests.builders import existing_account, register_property

    assert stack.revenues is not None
    stack.revenues.load_register(
        [register_property("100090000011", line_1=MARKERS["street"]),
         register_property("100090000012", line_1=MARKERS["street"].replace("77", "78"))],
        [existing_account("500000012", "100090000012")])
    body = bodies()[3]
    body["change"]["address"]["line_1"] = MARKERS["street"].replace("77", "78")  # type: ignore[index]
    ids = []
    for request in [*bodies()[:3], body]:
        response = stack.submit(request)
        assert response.status_code == 202, response.text
        ids.append(response.json()["notification_id"])
    outcomes = [stack.wait_final(nid)["status"] for nid in ids]
    assert outcomes == ["review", "rejected", "applied", "applied"]
    invalid = stack.submit({**bodies()[0], "contact": {**bodies()[0]["contact"], "email": "not an email"}})  # type: ignore[dict-item]
    assert invalid.status_code == 422
    events = asyncio.run(metrics_bytes(stack.bootstrap, f"{stack.prefix}{METRICS.name}"))
    assert len(events) >= 4
    logs = {name: (stack.workdir / f"{name}.log").read_text(errors="replace") for name in ("worker", "web")}
    assert all(logs.values()), "expected some log lines to search"
    for label, marker in MARKERS.items():
        needles = {marker, marker.lower(), marker.replace(" ", "")}
        for name, text in logs.items():
            assert not any(n in text for n in needles), f"{label} found in the {name} log"
        for event in events:
            assert not any(n.encode() in event for n in needles), f"{label} found in a metrics event"
