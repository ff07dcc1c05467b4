"""The revenues workspace without Kafka: an account as the legacy system holds it, search, the updates feed."""

from __future__ import annotations

from pathlib import Path

from tests.unit.web.staff_shell.fixtures import OCCUPIED, running, sign_in, staff_shell_app


async def test_the_workspace_reads_accounts_and_searches_the_register(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    async with running(app) as client:
        await sign_in(client, "officer")
        account = await client.get("/staff/accounts/500000021")
        assert "21 Acacia Avenue" in account.text
        assert "Alex Jones" in account.text
        assert "1 March 2021" in account.text  # liable from, as GOV.UK writes dates
        assert "2021-03-01" not in account.text
        assert (await client.get("/staff/accounts/999")).status_code == 404
        by_uprn = await client.get("/staff/search", params={"q": OCCUPIED})
        assert "500000021" in by_uprn.text
        by_postcode = await client.get("/staff/search", params={"q": "zy1 5ab"})
        assert "22 Acacia Avenue" in by_postcode.text
        by_account = await client.get("/staff/search", params={"q": "500000021"})
        assert by_account.headers["location"] == "/staff/accounts/500000021"
        nonsense = await client.get("/staff/search", params={"q": "???"})
        assert nonsense.status_code == 400
        feed = (await client.get("/staff/api/updates")).json()
        assert feed["updates"] == []
        assert feed["counts"]["waiting_for_review"] == 0
