"""On a real PostgreSQL, ending an account and superseding its lines rewrite no index entry (heap-only updates),
and a database made with the old lookup indexes is brought up to date on start-up (migration
hot_update_indexes_dbcpu)."""

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import text

from adapters.sql.batch_writes_postgres import supersede_statements
from adapters.sql.driver_sql import run_all
from adapters.sql.revenues import SqlRevenuesSystem
from tests.postgres_fixtures import fresh_revenues

pytestmark = pytest.mark.postgres

TABLES = ("account", "charge", "instalment")


@pytest.fixture
def revenues() -> Iterator[SqlRevenuesSystem]:
    yield from fresh_revenues()


def _one_account_with_lines(revenues: SqlRevenuesSystem) -> None:
    with revenues.engine.begin() as conn:
        conn.execute(text("INSERT INTO property (uprn, property_ref, address_line_1, town, postcode, band)"
                          " VALUES ('1', 'P1', '1 Acacia Avenue', 'Exampleton', 'ZY1 5AB', 'B')"))
        conn.execute(text("INSERT INTO account (account_ref, uprn, liability_start, discount_percent,"
                          " paid_this_year_pence) VALUES ('A1', '1', '2026-04-01', 0, 0)"))
        conn.execute(text(
            "INSERT INTO charge (account_ref, financial_year, period_start, period_end, days, band,"
            " annual_charge_pence, discount_percent, charge_pence, superseded)"
            " VALUES ('A1', 2026, '2026-04-01', '2027-03-31', 365, 'B', 150000, 0, 150000, false)"))
        conn.execute(text(
            "INSERT INTO instalment (account_ref, financial_year, sequence, due_date, amount_pence, superseded)"
            " SELECT 'A1', 2026, n, CAST(DATE '2026-04-01' + (n - 1) * INTERVAL '1 month' AS date), 15000, false"
            " FROM generate_series(1, 10) n"))


def test_ending_an_account_and_superseding_its_lines_are_heap_only_updates(revenues: SqlRevenuesSystem) -> None:
    _one_account_with_lines(revenues)
    with revenues.engine.begin() as conn:
        run_all(conn, supersede_statements([{"ref": "A1", "end": date(2026, 9, 30), "first_year": 2026,
                                             "notice": date(2026, 10, 1), "by_nid": "n-1"}]))
        counts = {table: conn.execute(text(
            "SELECT pg_stat_get_xact_tuples_updated(CAST(:t AS regclass)),"
            " pg_stat_get_xact_tuples_hot_updated(CAST(:t AS regclass))"), {"t": table}).one()
            for table in TABLES}
    # The account, its one charge line and its instalments due from 1 October (four of ten, April to January):
    # every one heap-only.
    assert counts == {"account": (1, 1), "charge": (1, 1), "instalment": (4, 4)}


def test_old_lookup_indexes_and_fill_factor_are_brought_up_to_date(revenues: SqlRevenuesSystem) -> None:
    with revenues.engine.begin() as conn:
        for name, table, columns in (("account_by_uprn", "account", "uprn, liability_end"),
                                     ("charge_by_account", "charge", "account_ref, superseded"),
                                     ("instalment_by_account", "instalment", "account_ref, superseded")):
            conn.execute(text(f"DROP INDEX {name}"))
            conn.execute(text(f"CREATE INDEX {name} ON {table} ({columns})"))
            conn.execute(text(f"ALTER TABLE {table} RESET (fillfactor)"))
    revenues.create_schema()
    _one_account_with_lines(revenues)
    with revenues.engine.connect() as conn:
        definitions: dict[str, str] = dict(conn.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN"
            " ('account_by_uprn', 'charge_by_account', 'instalment_by_account')")).all())
        options: dict[str, list[str]] = dict(conn.execute(text(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN ('account', 'charge', 'instalment')")).all())
    assert {name: definition.split(" USING btree ")[1] for name, definition in definitions.items()} == {
        "account_by_uprn": "(uprn)", "charge_by_account": "(account_ref)", "instalment_by_account": "(account_ref)"}
    assert options == {table: ["fillfactor=90"] for table in TABLES}
    assert revenues.account("A1") is not None
