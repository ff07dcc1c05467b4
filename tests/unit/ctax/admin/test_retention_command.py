"""``ctax retention run`` purges the configured web store with the configured periods and says what went."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ctax.cli import main
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
