"""Payments in the simulated back office: posted by `ctax legacy pay`, read back with the account."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctax.admin.payments import pence_of, post_payment
from ctax.cli import main
from legacy.database import connect, create_schema
from legacy.ledger import Ledger, load_register
from legacy.records import Account, Payment

UPRN = "100090000001"


def _database(tmp_path: Path) -> Path:
    database = tmp_path / "bo.db"
    create_schema(database)
    conn = connect(database)
    try:
        load_register(conn, [{"uprn": UPRN, "property_ref": "P1", "address_line_1": "1 Acacia Avenue",
                              "address_line_2": None, "town": "Exampleton", "postcode": "ZY1 5AB", "band": "C"}],
                      [Account("500000001", UPRN, "2021-03-01", None, None, 0, ("Ann Example",),
                               payments=(Payment(2026, date(2026, 4, 1), 16000),))])
    finally:
        conn.close()
    return database


def _payments(database: Path) -> tuple[Payment, ...]:
    conn = connect(database)
    try:
        account = Ledger(conn).account("500000001")
    finally:
        conn.close()
    assert account is not None
    return account.payments


def test_a_migrated_account_keeps_its_payments_and_a_posted_one_joins_them(tmp_path: Path) -> None:
    database = _database(tmp_path)
    said = post_payment(database, "500000001", "£1,234.56", date(2027, 2, 1), None)
    assert said == "posted £1,234.56 paid 2027-02-01 to account 500000001 for 2026/27"
    assert _payments(database) == (Payment(2026, date(2026, 4, 1), 16000), Payment(2026, date(2027, 2, 1), 123456))


def test_a_payment_towards_a_past_year_is_posted_to_that_year(tmp_path: Path) -> None:
    database = _database(tmp_path)
    result = CliRunner().invoke(main, ["legacy", "pay", "--database", str(database), "--account", "500000001",
                                       "--amount", "56.46", "--paid-on", "2026-05-03", "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert _payments(database)[-1] == Payment(2025, date(2026, 5, 3), 5646)


def test_an_unknown_account_or_a_bad_amount_is_refused_and_nothing_posted(tmp_path: Path) -> None:
    database = _database(tmp_path)
    with pytest.raises(ValueError, match="no account 999"):
        post_payment(database, "999", "10.00", date(2026, 5, 1), None)
    result = CliRunner().invoke(main, ["legacy", "pay", "--database", str(database), "--account", "500000001",
                                       "--amount", "-5"])
    assert result.exit_code != 0
    assert "not a positive amount" in result.output
    assert _payments(database) == (Payment(2026, date(2026, 4, 1), 16000),)


@pytest.mark.parametrize(("text", "pence"), [("12", 1200), ("12.3", 1230), ("£0.01", 1), ("1,000.00", 100000)])
def test_amounts_in_pounds_are_read_to_the_penny(text: str, pence: int) -> None:
    assert pence_of(text) == pence


@pytest.mark.parametrize("text", ["12.345", "0", "abc", ""])
def test_amounts_that_are_not_whole_pence_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="amount"):
        pence_of(text)


def test_a_database_made_before_payments_carries_its_paid_this_year_figures_once(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    conn = connect(database)
    conn.execute("CREATE TABLE account (account_no TEXT PRIMARY KEY, uprn TEXT NOT NULL, liability_start TEXT NOT "
                 "NULL, liability_end TEXT, discount_code TEXT, discount_percent INTEGER NOT NULL DEFAULT 0, "
                 "paid_this_year_pence INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)")
    conn.execute("INSERT INTO account VALUES ('500000001', '1', '2021-03-01', NULL, NULL, 0, 91200, 'migrated'), "
                 "('500000002', '2', '2021-03-01', NULL, NULL, 0, 0, 'migrated')")
    conn.close()
    create_schema(database)
    create_schema(database)  # a later start-up carries nothing again
    today = date.today()  # noqa: DTZ011 - the upgrade's day, as the back office takes it
    year = today.year if today.month >= 4 else today.year - 1
    assert _payments(database) == (Payment(year, today, 91200),)
