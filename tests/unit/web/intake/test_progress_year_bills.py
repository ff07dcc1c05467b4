"""An applied change's progress says each year's balance due or credit, through the API and the status page."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.builders import move_out, notification
from tests.unit.web.staff_shell.fixtures import OCCUPIED, csrf_token_from, running, staff_shell_app
from web.stores.database import create_store_engine
from web.stores.progress import ProgressStore

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


async def test_a_credit_is_a_credit_for_its_year_never_a_negative_balance(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    case = notification(move_out(uprn=OCCUPIED), submitted_at=AT)
    async with running(app) as client:
        progress = ProgressStore(create_store_engine(f"sqlite:///{tmp_path}/web.db"))
        progress.record_status(case.notification_id, case.reference, "move_out", "applied", AT, AT, AT, AT, [],
                               ["500000021"], year_bills=[{"financial_year": 2025, "balance_pence": 12000},
                                                          {"financial_year": 2026, "balance_pence": -46205}])
        found = (await client.get(f"/api/v1/notifications/{case.notification_id}")).json()
        assert found["year_bills"] == [
            {"financial_year": 2025, "year": "2025/26", "balance_due_pence": 12000, "credit_pence": 0},
            {"financial_year": 2026, "year": "2026/27", "balance_due_pence": 0, "credit_pence": 46205}]
        csrf = await csrf_token_from(client, "/status")
        page = await client.post("/status", data={"reference": case.reference, "csrf_token": csrf})
        assert "2025/26: £120.00 left to pay" in page.text
        assert "2026/27: you have paid £462.05 more than you owe" in page.text
        assert "refund it or transfer it" in page.text
        assert "-£" not in page.text
