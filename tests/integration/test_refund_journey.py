"""A move-out whose final bill is in credit, with bank details given through the API, end to end on the real worker:
the refund reaches the revenues system (held for approval above the council's threshold), and no raw table, no
Kafka topic holds the account number in clear."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ctax.kafka_admin.topic_reading import read_whole_topic
from schemas.topics import all_topic_names
from tests.builders import BANK_KEY, RULES, existing_account, register_property
from tests.integration.running_stack import RunningStack, run_coroutine
from tests.unit.rules.ledger_reading import Liability, year_charge_pence

TODAY = datetime.now(ZoneInfo("Europe/London")).date()
MOVE = TODAY - timedelta(days=3)
YEAR = MOVE.year if MOVE.month >= 4 else MOVE.year - 1
START = date(2020, 6, 1)
SMALL, LARGE = "100090000301", "100090000302"
TABLES = Path(__file__).parents[1] / "unit" / "schemas" / "modulus_tables"
ACCOUNT_NUMBER, SORT_CODE = "66374958", "089999"  # valid by the published modulus test cases
OLD_CHARGE = year_charge_pence(Liability(START, MOVE - timedelta(days=1), "D", ((START, 0),)), YEAR,
                               RULES.band_d_pence[YEAR])
SMALL_CREDIT = 12345


@pytest.fixture
def stack(kafka_bootstrap: str, tmp_path: Path) -> Iterator[RunningStack]:
    running = RunningStack(kafka_bootstrap, f"sqlite:///{tmp_path}/revenues.db", tmp_path, extra_env={
        "CTAX_BANK_DETAILS_KEYS": BANK_KEY, "CTAX_MODULUS_TABLES_DIR": str(TABLES),
        "CTAX_REFUND_APPROVAL_THRESHOLD_PENCE": str(SMALL_CREDIT + 1)})
    try:
        running.start()
        assert running.revenues is not None
        running.revenues.load_register(
            [register_property(SMALL, band="D", line_1="1 Bank Road"),
             register_property(LARGE, band="D", line_1="2 Bank Road")],
            [existing_account("500000301", SMALL, start=START, paid=OLD_CHARGE + SMALL_CREDIT, paid_year=YEAR),
             existing_account("500000302", LARGE, start=START, paid=OLD_CHARGE + SMALL_CREDIT * 2, paid_year=YEAR)])
        yield running
    finally:
        running.stop()


def _body(uprn: str, line: str) -> dict[str, Any]:
    return {
        "contact": {"full_name": "Alex Jones", "email": "alex.jones@example.com"},
        "change": {"kind": "move_out", "uprn": uprn,
                   "address": {"line_1": line, "town": "Exampleton", "postcode": "ZY1 5AB"},
                   "move_out_date": MOVE.isoformat(),
                   "forwarding_address": {"line_1": "9 Far Away", "town": "Elsewhere", "postcode": "ZY9 9AA"}},
        "refund_bank_account": {"account_holder": "Alex Jones", "sort_code": "08-99-99",
                                "account_number": ACCOUNT_NUMBER},
    }


def _raw_sqlite_text(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return "\n".join(repr(row) for table in tables for row in conn.execute(f'SELECT * FROM "{table}"'))


def test_a_refund_reaches_the_revenues_system_and_no_store_or_topic_holds_the_account_number(
        stack: RunningStack) -> None:
    assert stack.revenues is not None
    refs = {}
    for uprn, line in ((SMALL, "1 Bank Road"), (LARGE, "2 Bank Road")):
        response = stack.submit(_body(uprn, line))
        assert response.status_code == 202, response.text
        final = stack.wait_final(response.json()["notification_id"])
        assert final["status"] == "applied", final
        refs[uprn] = final["account_refs"][0]
    small, large = stack.revenues.account(refs[SMALL]), stack.revenues.account(refs[LARGE])
    assert small is not None
    assert large is not None
    masked = "sort code **-**-99, account ****4958"
    assert [(r.amount_pence, r.masked_bank_account, r.held_for_approval) for r in small.refunds] == [
        (SMALL_CREDIT, masked, False)]
    assert sum(p.amount_pence for p in small.payments) == OLD_CHARGE  # the refund posted: nothing left in credit
    assert [(r.amount_pence, r.held_for_approval) for r in large.refunds] == [(SMALL_CREDIT * 2, True)]
    assert sum(p.amount_pence for p in large.payments) == OLD_CHARGE + SMALL_CREDIT * 2  # held: not paid yet
    for database in (stack.workdir / "revenues.db", stack.workdir / "web.db"):
        raw = _raw_sqlite_text(database)
        assert ACCOUNT_NUMBER not in raw, database
        assert SORT_CODE not in raw, database
    masked_seen = 0
    for topic in all_topic_names(stack.prefix):
        for record in run_coroutine(read_whole_topic({"bootstrap_servers": stack.bootstrap}, topic,
                                                     wait_seconds=2)):
            value = record.value or b""
            assert ACCOUNT_NUMBER.encode() not in value, topic
            assert SORT_CODE.encode() not in value, topic
            masked_seen += masked.encode() in value
    assert masked_seen >= 2  # both notifications as submitted (the fused pipeline publishes no later copies)
