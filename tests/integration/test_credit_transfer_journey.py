"""Moves within the area whose final bills are in credit, end to end on the real worker (HTTP intake -> Kafka ->
Faust stages -> revenues database), with the worker killed while they flow: each credit reaches the mover's
new account exactly once, to the penny, with a note on both accounts."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.audit_notes import money
from tests.builders import RULES, existing_account, register_property
from tests.integration.running_stack import RunningStack
from tests.unit.rules.ledger_reading import Liability, year_charge_pence

TODAY = datetime.now(ZoneInfo("Europe/London")).date()
MOVE = TODAY - timedelta(days=3)
YEAR = MOVE.year if MOVE.month >= 4 else MOVE.year - 1
START = date(2020, 6, 1)
MOVERS = 12
PAID = RULES.band_d_pence[YEAR]  # each mover paid the whole year's Band D charge on 1 April


def _old_uprn(i: int) -> str:
    return str(100090000100 + i)


def _new_uprn(i: int) -> str:
    return str(100090000200 + i)


@pytest.fixture
def stack(kafka_bootstrap: str, tmp_path: Path) -> Iterator[RunningStack]:
    running = RunningStack(kafka_bootstrap, f"sqlite:///{tmp_path}/revenues.db", tmp_path)
    try:
        running.start()
        assert running.revenues is not None
        running.revenues.load_register(
            [*(register_property(_old_uprn(i), band="D", line_1=f"{i + 1} Old Road") for i in range(MOVERS)),
             *(register_property(_new_uprn(i), band="G", line_1=f"{i + 1} New Road") for i in range(MOVERS))],
            [existing_account(f"5000001{i:02d}", _old_uprn(i), start=START, paid=PAID, paid_year=YEAR)
             for i in range(MOVERS)],
        )
        yield running
    finally:
        running.stop()


def _body(i: int) -> dict[str, Any]:
    return {
        "contact": {"full_name": "Robin Moss", "email": "robin.moss@example.com"},
        "change": {"kind": "move_within", "from_uprn": _old_uprn(i),
                   "from_address": {"line_1": f"{i + 1} Old Road", "town": "Exampleton", "postcode": "ZY1 5AB"},
                   "to_uprn": _new_uprn(i),
                   "to_address": {"line_1": f"{i + 1} New Road", "town": "Exampleton", "postcode": "ZY1 5AB"},
                   "move_date": MOVE.isoformat(), "residents": [{"full_name": "Robin Moss"}],
                   "tenure": "owner_occupier"},
    }


def _expected_move() -> int:
    """What moves: the credit (paid less the old charge to the day before the move), at most the new charge."""
    old = year_charge_pence(Liability(START, MOVE - timedelta(days=1), "D", ((START, 0),)), YEAR,
                            RULES.band_d_pence[YEAR])
    new = year_charge_pence(Liability(MOVE, None, "G", ((MOVE, 25),)), YEAR, RULES.band_d_pence[YEAR])
    return min(PAID - old, new)


def test_each_credit_reaches_the_new_account_once_to_the_penny_with_the_worker_killed(
        stack: RunningStack) -> None:
    assert stack.revenues is not None
    ids = []
    for i in range(MOVERS):
        response = stack.submit(_body(i))
        assert response.status_code == 202, response.text
        ids.append(response.json()["notification_id"])
        if i in {3, 7}:  # killed while the notifications before are in the pipeline
            time.sleep(0.5)
            stack.stop_worker(signal.SIGKILL)
            stack.start_worker()
    moved = _expected_move()
    assert moved > 0
    for i, notification_id in enumerate(ids):
        final = stack.wait_final(notification_id, timeout=120)
        assert final["status"] == "applied", final
        # The old account, the mover's new one, and (the old home left empty) its owner's account.
        touched = {ref: stack.revenues.account(ref) for ref in final["account_refs"]}
        old_ref = final["account_refs"][0]
        old = touched[old_ref]
        assert old is not None
        (new_ref,) = [ref for ref, view in touched.items() if view is not None and view.uprn == _new_uprn(i)]
        new = touched[new_ref]
        assert new is not None
        assert old_ref == f"5000001{i:02d}"
        assert new.uprn == _new_uprn(i)
        assert [p.amount_pence for p in old.payments] == [PAID, -moved]
        assert [(p.financial_year, p.amount_pence) for p in new.payments] == [(YEAR, moved)]
        assert sum(i.amount_pence for i in new.instalments) == sum(c.charge_pence for c in new.charges) - moved
        assert [n.notification_id for n in old.audit_notes].count(notification_id) == 1
        assert f"transferred to the mover's new account at property {new.uprn}" in old.audit_notes[-1].note
        assert f"Credit {money(moved)} transferred from account {old_ref}" in new.audit_notes[-1].note
