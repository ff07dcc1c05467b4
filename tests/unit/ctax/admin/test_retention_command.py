"""``ctax retention run`` purges the configured web store with the configured periods and says what went; and
``ctax bank-details-key`` makes a key for sealing refunds' bank details."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from adapters.sql.revenues import SqlRevenuesSystem
from adapters.sql.tables import refund_table
from ctax.cli import main
from schemas.bank_details import BankDetailsSealer
from schemas.notification import BankAccountDetails
from tests.builders import existing_account, register_property
from web.stores.database import create_store_engine
from web.stores.progress import ProgressStore, idempotency_table


def test_the_command_uses_the_configured_periods(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/web.db"
    engine = create_store_engine(url)
    store = ProgressStore(engine)
    store.create_schema()
    now = datetime.now(UTC)
    store.claim_key("three-days-old", "h", "00000000-0000-4000-8000-000000000001", "CTX-AAAA-0001",
                    ("move_in", now - timedelta(days=3)))
    store.claim_key("fresh", "h", "00000000-0000-4000-8000-000000000002", "CTX-AAAA-0002", ("move_in", now))
    with engine.begin() as conn:
        conn.execute(idempotency_table.update().where(idempotency_table.c.key == "three-days-old")
                     .values(created_at=now - timedelta(days=3)))
    monkeypatch.setenv("CTAX_WEB_DATABASE_URL", url)
    monkeypatch.setenv("CTAX_RETENTION_IDEMPOTENCY_KEY_DAYS", "2")
    result = CliRunner().invoke(main, ["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "idempotency keys" in result.output
    with engine.connect() as conn:
        assert set(conn.execute(select(idempotency_table.c.key)).scalars()) == {"fresh"}
    engine.dispose()


def test_the_command_purges_the_sealed_bank_details_of_refunds_paid_long_enough_ago(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    revenues_url = f"sqlite:///{tmp_path}/revenues.db"
    revenues = SqlRevenuesSystem.from_url(revenues_url)
    revenues.create_schema()
    revenues.load_register([register_property("100090000004")], [existing_account("500000001", "100090000004")])
    today = date.today()  # noqa: DTZ011 - the command purges by the council's day
    rows = [(today - timedelta(days=40), False), (today - timedelta(days=40), True), (today - timedelta(days=5), False)]
    with revenues.engine.begin() as conn:
        conn.execute(refund_table.insert(), [
            {"account_ref": "500000001", "notification_id": f"n{i}", "financial_year": 2025, "amount_pence": 100,
             "bank_sealed": "gAAAA-token", "bank_masked": "sort code **-**-99, account ****4958",
             "held_for_approval": held, "instructed_on": day} for i, (day, held) in enumerate(rows)])
    monkeypatch.setenv("CTAX_WEB_DATABASE_URL", f"sqlite:///{tmp_path}/web.db")
    monkeypatch.setenv("CTAX_REVENUES_DATABASE_URL", revenues_url)
    monkeypatch.setenv("CTAX_RETENTION_REFUND_BANK_DETAILS_DAYS", "35")
    result = CliRunner().invoke(main, ["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "refund bank details" in result.output
    with revenues.engine.connect() as conn:
        kept = conn.execute(select(refund_table.c.notification_id, refund_table.c.bank_sealed,
                                   refund_table.c.bank_masked).order_by(refund_table.c.id)).all()
    # Paid 40 days ago: purged; held for approval, or paid 5 days ago: kept. The masked form stays for the ledger.
    assert [(nid, sealed) for nid, sealed, _ in kept] == [("n0", ""), ("n1", "gAAAA-token"), ("n2", "gAAAA-token")]
    assert {masked for _, _, masked in kept} == {"sort code **-**-99, account ****4958"}
    revenues.dispose()


def test_a_new_bank_details_key_seals_and_opens() -> None:
    result = CliRunner().invoke(main, ["bank-details-key"])
    assert result.exit_code == 0, result.output
    sealer = BankDetailsSealer([result.output.strip()])
    details = BankAccountDetails(account_holder="Alex Jones", sort_code="089999", account_number="66374958")
    assert sealer.open(sealer.seal(details)) == details
