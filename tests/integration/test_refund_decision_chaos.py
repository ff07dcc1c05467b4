"""Held refunds released once under worker kills, on the web-service and import-file back offices.

Move-outs whose credits are above the council's threshold leave refunds held for approval; officers' decisions
(approve, and for a few reject) then flow to the real worker while it is killed again and again and the back
office times out after committing some calls (SOAP) or answers slowly (files). Afterwards the back office holds
one decision per refund, and exactly one posting per approved refund, for the credit to the penny.
"""

from __future__ import annotations

import asyncio
import random
import signal
import sqlite3
import time
import uuid
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ctax.kafka_admin.topic_setup import ensure_topics
from schemas.bank_details import BankDetailsSealer
from schemas.notification import ChangeNotification
from schemas.topics import STATUS
from tests.builders import BANK_KEY, RULES, existing_account, register_property
from tests.integration.load_harness import Batch, produce_in_background
from tests.integration.running_stack import RunningStack, run_coroutine
from tests.integration.test_back_office_chaos import adapter_settings, read_finals
from tests.integration.test_refund_chaos import BANK, KEPT, MISBEHAVIOUR, MOVE, START, TODAY, YEAR
from tests.legacy_back_office import back_office

MOVERS = 12
KILLS = 3


def _uprn(i: int) -> str:
    return str(100090000600 + i)


def _credit(i: int) -> int:
    return RULES.refund_approval_threshold_pence + 1000 + i * 37  # above the threshold: held


def _approved(i: int) -> bool:
    return i % 4 != 3


def _address(i: int) -> dict[str, str]:
    return {"line_1": f"{i + 1} Approval Row", "town": "Exampleton", "postcode": "ZY1 5AB"}


def _notification(i: int, channel: str, change: dict[str, Any]) -> ChangeNotification:
    return ChangeNotification.model_validate({
        "notification_id": str(uuid.uuid4()), "reference": f"CTX-{change['kind'][:2].upper()}{i:02d}-{i:04d}",
        "submitted_at": datetime.now(UTC), "channel": channel, "council_code": "E99999999",
        "contact": {"full_name": "Alex Jones", "email": "alex@example.com"}, "change": change})


def _move_out(i: int, sealer: BankDetailsSealer) -> ChangeNotification:
    return _notification(i, "api", {
        "kind": "move_out", "uprn": _uprn(i), "address": _address(i), "move_out_date": MOVE,
        "forwarding_address": {"line_1": "9 Far Away", "town": "Elsewhere", "postcode": "ZY9 9AA"},
        "refund_to": sealer.seal(BANK).model_dump()})


def _decision(i: int) -> ChangeNotification:
    return _notification(i, "officer_correction", {
        "kind": "refund_decision", "uprn": _uprn(i), "address": _address(i), "account_reference": f"7000006{i:02d}",
        "financial_year": YEAR, "approved": _approved(i), "decided_on": TODAY, "reason": "Checked the payments"})


def _all_applied(stack: RunningStack, batch: Batch) -> None:
    wanted = {n.notification_id for n in batch.notifications}
    finals, reasons = asyncio.run(read_finals(stack.bootstrap, f"{stack.prefix}{STATUS.name}", wanted, seconds=240))
    assert {nid: set(finals.get(nid, ())) for nid in wanted} == {nid: {"applied"} for nid in wanted}, reasons


@pytest.mark.parametrize("style", ["soap", "files"])
def test_each_held_refund_is_released_once_with_the_worker_killed(style: str, kafka_bootstrap: str,
                                                                  tmp_path: Path) -> None:
    rng = random.Random(20261207)
    with back_office(tmp_path / "back-office", style, *MISBEHAVIOUR[style], "--seed", "5",
                     stall_seconds=4) as running:
        running.seed([register_property(_uprn(i), band="D", line_1=f"{i + 1} Approval Row") for i in range(MOVERS)],
                     [existing_account(f"7000006{i:02d}", _uprn(i), start=START, paid=KEPT + _credit(i),
                                       paid_year=YEAR) for i in range(MOVERS)])
        stack = RunningStack(kafka_bootstrap, f"sqlite:///{tmp_path}/unused.db", tmp_path, extra_env={
            **adapter_settings(style, running, tmp_path / "adapter"), "CTAX_BANK_DETAILS_KEYS": BANK_KEY})
        try:
            run_coroutine(ensure_topics(stack.bootstrap, 2, prefix=stack.prefix))
            stack.start_worker()
            moves = Batch([_move_out(i, BankDetailsSealer([BANK_KEY])) for i in range(MOVERS)], {})
            produce_in_background(stack.bootstrap, stack.prefix, moves, per_second=20).join()
            _all_applied(stack, moves)
            decisions = Batch([_decision(i) for i in range(MOVERS)], {})
            producing = produce_in_background(stack.bootstrap, stack.prefix, decisions, per_second=4)
            for _ in range(KILLS):
                time.sleep(rng.uniform(1.0, 2.5))
                stack.stop_worker(signal.SIGKILL)
                stack.start_worker()
            producing.join()
            _all_applied(stack, decisions)
        finally:
            stack.stop()
        with closing(sqlite3.connect(running.database)) as conn:
            decided = conn.execute("SELECT account_no, decision FROM refund_decision ORDER BY account_no").fetchall()
            postings = conn.execute("SELECT account_no, amount_pence FROM payment WHERE amount_pence < 0 "
                                    "ORDER BY account_no").fetchall()
    assert decided == [(f"7000006{i:02d}", "approved" if _approved(i) else "rejected") for i in range(MOVERS)]
    assert postings == [(f"7000006{i:02d}", -_credit(i)) for i in range(MOVERS) if _approved(i)]  # once each
