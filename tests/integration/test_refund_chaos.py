"""Refunds made once under worker kills, on the web-service and import-file back offices.

Move-outs whose final bills are in credit, each with a sealed bank account, flow to the real worker while it is
killed again and again and the back office times out after committing some calls (SOAP) or answers slowly
(files). Afterwards the back office's own database holds exactly one refund per move-out, posted once, for the
credit worked out independently, and the account numbers only where the back office keeps them.
"""

from __future__ import annotations

import asyncio
import random
import signal
import sqlite3
import time
import uuid
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ctax.kafka_admin.topic_setup import ensure_topics
from schemas.bank_details import BankDetailsSealer
from schemas.notification import BankAccountDetails, ChangeNotification
from schemas.topics import STATUS
from tests.builders import BANK_KEY, RULES, existing_account, register_property
from tests.integration.load_harness import Batch, produce_in_background
from tests.integration.running_stack import RunningStack, run_coroutine
from tests.integration.test_back_office_chaos import adapter_settings, read_finals
from tests.legacy_back_office import back_office
from tests.unit.rules.ledger_reading import Liability, year_charge_pence

MOVERS = 30
KILLS = 4
TODAY = datetime.now(ZoneInfo("Europe/London")).date()
MOVE = TODAY - timedelta(days=3)
YEAR = MOVE.year if MOVE.month >= 4 else MOVE.year - 1
START = date(2020, 6, 1)
KEPT = year_charge_pence(Liability(START, MOVE - timedelta(days=1), "D", ((START, 0),)), YEAR,
                         RULES.band_d_pence[YEAR])
BANK = BankAccountDetails(account_holder="Alex Jones", sort_code="089999", account_number="66374958")
MISBEHAVIOUR = {"soap": ("--latency-ms", "30", "--timeout-after-commit-rate", "0.1"),
                "files": ("--latency-ms", "20", "--record-latency-ms", "10")}


def _uprn(i: int) -> str:
    return str(100090000500 + i)


def _credit(i: int) -> int:
    return 1000 + i * 37  # each mover's own credit, under the approval threshold


def _move_out(i: int, sealer: BankDetailsSealer) -> ChangeNotification:
    return ChangeNotification.model_validate({
        "notification_id": str(uuid.uuid4()), "reference": f"CTX-RF{i:02d}-{i:04d}",
        "submitted_at": datetime.now(UTC), "channel": "api", "council_code": "E99999999",
        "contact": {"full_name": "Alex Jones", "email": "alex@example.com"},
        "change": {"kind": "move_out", "uprn": _uprn(i),
                   "address": {"line_1": f"{i + 1} Refund Row", "town": "Exampleton", "postcode": "ZY1 5AB"},
                   "move_out_date": MOVE,
                   "forwarding_address": {"line_1": "9 Far Away", "town": "Elsewhere", "postcode": "ZY9 9AA"},
                   "refund_to": sealer.seal(BANK).model_dump()},
    })


@pytest.mark.parametrize("style", ["soap", "files"])
def test_each_refund_is_made_once_with_the_worker_killed(style: str, kafka_bootstrap: str, tmp_path: Path) -> None:
    rng = random.Random(20261206)
    sealer = BankDetailsSealer([BANK_KEY])
    with back_office(tmp_path / "back-office", style, *MISBEHAVIOUR[style], "--seed", "3",
                     stall_seconds=4) as running:
        running.seed([register_property(_uprn(i), band="D", line_1=f"{i + 1} Refund Row") for i in range(MOVERS)],
                     [existing_account(f"7000005{i:02d}", _uprn(i), start=START, paid=KEPT + _credit(i),
                                       paid_year=YEAR) for i in range(MOVERS)])
        stack = RunningStack(kafka_bootstrap, f"sqlite:///{tmp_path}/unused.db", tmp_path, extra_env={
            **adapter_settings(style, running, tmp_path / "adapter"), "CTAX_BANK_DETAILS_KEYS": BANK_KEY})
        try:
            run_coroutine(ensure_topics(stack.bootstrap, 2, prefix=stack.prefix))
            stack.start_worker()
            batch = Batch([_move_out(i, sealer) for i in range(MOVERS)], {})
            producing = produce_in_background(stack.bootstrap, stack.prefix, batch, per_second=6)
            for _ in range(KILLS):
                time.sleep(rng.uniform(1.0, 3.0))
                stack.stop_worker(signal.SIGKILL)
                stack.start_worker()
            producing.join()
            wanted = {n.notification_id for n in batch.notifications}
            finals, reasons = asyncio.run(read_finals(stack.bootstrap, f"{stack.prefix}{STATUS.name}", wanted,
                                                      seconds=240))
        finally:
            stack.stop()
        assert {nid: set(got) for nid, got in finals.items()} == {nid: {"applied"} for nid in wanted}, reasons
        with closing(sqlite3.connect(running.database)) as conn:
            refunds = conn.execute("SELECT account_no, amount_pence, sort_code, account_number, held_for_approval "
                                   "FROM refund ORDER BY account_no").fetchall()
            postings = conn.execute("SELECT account_no, amount_pence FROM payment WHERE amount_pence < 0 "
                                    "ORDER BY account_no").fetchall()
    expected = [(f"7000005{i:02d}", _credit(i)) for i in range(MOVERS)]
    assert [(account, pence) for account, pence, *_ in refunds] == expected  # one each, the credit to the penny
    assert {(sort_code, number, held) for *_, sort_code, number, held in refunds} == {("089999", "66374958", 0)}
    assert postings == [(account, -pence) for account, pence in expected]  # posted once each
    if style == "files":  # the adapter's own journal keeps the import files sealed
        with closing(sqlite3.connect(tmp_path / "adapter" / "journal.db")) as conn:
            kept = repr(conn.execute("SELECT content FROM import_file").fetchall())
        assert "66374958" not in kept
        assert "sealed:" in kept
