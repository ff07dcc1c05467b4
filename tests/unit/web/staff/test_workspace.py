"""The revenues workspace without Kafka: an account as the legacy system holds it, search, the updates feed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import create_engine

from adapters.sql.tables import refund_table
from schemas.bank_details import BankDetailsSealer
from schemas.notification import BankAccountDetails
from tests.builders import BANK_KEY
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


async def test_an_accounts_refunds_show_the_bank_account_masked_and_their_status(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    sealed = BankDetailsSealer([BANK_KEY]).seal(
        BankAccountDetails(account_holder="Alex Jones", sort_code="089999", account_number="66374958"))
    engine = create_engine(f"sqlite:///{tmp_path}/revenues.db")
    with engine.begin() as conn:
        conn.execute(refund_table.insert(), [
            {"account_ref": "500000021", "notification_id": f"n{held}", "financial_year": 2025,
             "amount_pence": pence, "bank_sealed": sealed.ciphertext, "bank_masked": sealed.masked,
             "held_for_approval": held, "instructed_on": date(2025, 10, 10)}
            for held, pence in ((False, 12345), (True, 67890))])
    engine.dispose()
    async with running(app) as client:
        await sign_in(client, "officer")
        page = (await client.get("/staff/accounts/500000021")).text
        refunds = page[page.index('id="refunds"'):page.index("Audit notes")]
        assert refunds.count("sort code **-**-99, account ****4958") == 2
        assert "Refunded 10 October 2025" in refunds
        assert "Waiting for an officer's approval" in refunds
        assert "£123.45" in refunds
        assert "£678.90" in refunds
        assert "66374958" not in page
        assert "089999" not in page
