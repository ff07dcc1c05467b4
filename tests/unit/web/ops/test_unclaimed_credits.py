"""Ops: credits left on closed accounts, by how long ago the liability ended (transferred or refunded ones are not)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, update

from adapters.revenues_port import ChargeRow, ExistingAccount, PaymentRow
from adapters.sql.revenues import SqlRevenuesSystem
from adapters.sql.tables import account_table, refund_table
from tests.builders import existing_account, register_property
from tests.unit.web.staff_shell.fixtures import running, sign_in, staff_shell_app

TODAY = date.today()  # noqa: DTZ011 - the page ages credits by the council's day


def _closed(ref: str, uprn: str, ended_days_ago: int, charged: int,
            paid: tuple[int, ...]) -> tuple[ExistingAccount, date]:
    """An account charged ``charged`` for 2025/26 with ``paid`` payments, ended ``ended_days_ago`` days ago."""
    charge = ChargeRow(2025, date(2025, 4, 1), date(2025, 9, 30), 183, "D", 228000, None, 0, charged)
    payments = tuple(PaymentRow(2025, date(2025, 4, 1), pence) for pence in paid)
    account = replace(existing_account(ref, uprn, start=date(2020, 6, 1)), charges=(charge,), payments=payments)
    return account, TODAY - timedelta(days=ended_days_ago)


async def test_the_page_shows_each_age_bands_accounts_and_credit(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    seeded = [
        _closed("700000001", "100090000701", 10, 100000, (130000,)),  # £300 credit, 10 days
        _closed("700000002", "100090000702", 45, 100000, (100000, 5000)),  # £50 credit, 45 days
        _closed("700000003", "100090000703", 200, 100000, (160000,)),  # £600 credit, held for approval
        _closed("700000004", "100090000704", 400, 100000, (120000, -20000)),  # refunded: settled
        _closed("700000005", "100090000705", 20, 100000, (90000,)),  # balance due: no credit
    ]
    revenues = SqlRevenuesSystem(create_engine(f"sqlite:///{tmp_path}/revenues.db"))
    revenues.load_register([register_property(a.uprn) for a, _ in seeded], [a for a, _ in seeded])
    with revenues.engine.begin() as conn:
        for account, ended in seeded:
            conn.execute(update(account_table).where(account_table.c.account_ref == account.account_ref)
                         .values(liability_end=ended))
        conn.execute(refund_table.insert().values(
            account_ref="700000003", notification_id="n", financial_year=2025, amount_pence=60000,
            bank_sealed="token", bank_masked="sort code **-**-99, account ****4958", held_for_approval=True,
            instructed_on=TODAY))
    revenues.dispose()
    async with running(app) as client:
        await sign_in(client, "officer")
        assert (await client.get("/ops/credits")).status_code == 403
        client.cookies.clear()
        await sign_in(client, "operator")
        page = (await client.get("/ops/credits")).text
    rows = {label: cells for label, *cells in re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*'
        r'<td[^>]*>(\d+)</td>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>', page)}
    assert rows == {"Up to 30 days": ["1", "£300.00", "£0.00"], "31 to 90 days": ["1", "£50.00", "£0.00"],
                    "91 days to a year": ["1", "£600.00", "£600.00"], "Over a year": ["0", "£0.00", "£0.00"]}
    assert "3 account(s), £950.00 in credit" in page
