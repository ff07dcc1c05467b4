"""`ctax pay`: a payment posted to the revenues database is one the rules then see, with its date and year."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.sql.revenues import SqlRevenuesSystem
from ctax.cli import main
from tests.builders import existing_account, register_property

UPRN = "100090000002"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/revenues.db"
    revenues = SqlRevenuesSystem.from_url(url)
    revenues.create_schema()
    revenues.load_register([register_property(UPRN)], [existing_account("500000001", UPRN)])
    revenues.dispose()
    monkeypatch.setenv("CTAX_REVENUES_DATABASE_URL", url)
    return url


def _payments(url: str) -> list[tuple[int, date, int]]:
    revenues = SqlRevenuesSystem.from_url(url)
    try:
        facts = revenues.property_facts_many([UPRN])[UPRN]
    finally:
        revenues.dispose()
    assert facts.open_account is not None
    return [(p.financial_year, p.paid_on, p.amount_pence) for p in facts.open_account.payments]


def test_a_payment_is_posted_towards_the_year_it_names(database: str) -> None:
    result = CliRunner().invoke(main, ["pay", "--account", "500000001", "--amount", "160.00",
                                       "--paid-on", "2026-05-01", "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert "posted £160.00 paid 2026-05-01 to account 500000001 for 2025/26" in result.output
    assert _payments(database) == [(2025, date(2026, 5, 1), 16000)]


def test_an_unknown_account_is_refused_and_nothing_posted(database: str) -> None:
    result = CliRunner().invoke(main, ["pay", "--account", "999", "--amount", "10"])
    assert result.exit_code != 0
    assert "no account 999" in result.output
    assert _payments(database) == []
