"""The replay's read-only queries on the SQL adapter's tables (SQLite in memory)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, inspect, text
from sqlalchemy.pool import StaticPool

from adapters.sql.history import SqlHistory
from adapters.sql.revenues import SqlRevenuesSystem
from adapters.sql.tables import applied_notification_table, metadata, property_table
from tests.builders import address
from tests.unit.adapters.revenues_contract import LEDGERED, OCCUPIED, apply_one, change_for, seed_ledgered

AT = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def _database(*, old_schema: bool = False) -> Engine:
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    with engine.begin() as conn:
        metadata.create_all(conn)
        if old_schema:  # as the first version made it, before the payment arrangement columns
            conn.execute(text("ALTER TABLE account DROP COLUMN twelve_instalments"))
            conn.execute(text("ALTER TABLE account DROP COLUMN payment_day"))
        conn.execute(insert(property_table).values(uprn="1", property_ref="P1", address_line_1="1 Acacia Avenue",
                                                   town="Exampleton", postcode="ZY1 5AB", band="B"))
        conn.execute(text("INSERT INTO account (account_ref, uprn, liability_start, discount_percent, "
                          "paid_this_year_pence) VALUES ('A1', '1', '2020-06-01', 0, 0)"))
        conn.execute(insert(applied_notification_table), [
            {"notification_id": f"n{i}", "reference": f"CTX-0000-000{i}", "change_fingerprint": f"f{i}",
             "applied_at": AT + timedelta(days=i), "account_refs": "A1"} for i in range(3)])
    return engine


def test_accounts_of_a_database_an_earlier_version_made_take_the_new_columns_defaults() -> None:
    (found,) = SqlHistory(_database(old_schema=True)).accounts(["1"], [])
    assert found.account_ref == "A1"
    assert found.twelve_instalments is False
    assert found.payment_day is None


def test_accounts_by_property_or_by_reference() -> None:
    history = SqlHistory(_database())
    assert [a.account_ref for a in history.accounts([], ["A1"])] == ["A1"]
    assert history.accounts(["2"], []) == []


def test_applied_between_includes_the_start_and_excludes_the_end() -> None:
    history = SqlHistory(_database())
    assert [r.notification_id for r in history.applied_between(AT, AT + timedelta(days=2))] == ["n0", "n1"]
    assert [r.notification_id for r in history.applied_since(AT + timedelta(days=1))] == ["n1", "n2"]
    assert history.applied_between(AT, AT)[:1] == []
    (first,) = history.applied_between(AT, AT + timedelta(days=1))
    assert first.account_refs == ("A1",)
    assert first.applied_at == AT
    assert history.applied_ids(["n1", "n9"]) == {"n1"}


def test_each_superseded_instalment_and_charge_line_names_the_notification_that_superseded_it(tmp_path: Path) -> None:
    """So a replay knows exactly what an account still demanded before each notification."""
    revenues = SqlRevenuesSystem.from_url(f"sqlite:///{tmp_path}/revenues.db")
    try:
        seed_ledgered(revenues)
        claim = change_for(revenues, {"kind": "single_person_discount", "uprn": OCCUPIED,
                                      "address": address("2 Acacia Avenue"), "action": "claim",
                                      "effective_date": date(2025, 10, 1), "reason": "others_left"})
        apply_one(revenues, claim)
        history = SqlHistory(revenues.engine)
        rows, lines = history.instalments([LEDGERED]), history.charges([LEDGERED])
    finally:
        revenues.dispose()
    for written in (rows, lines):
        superseded = [r for r in written if r.superseded]
        assert superseded
        assert {r.superseded_by for r in superseded} == {claim.notification_id}
        assert {r.superseded_by for r in written if not r.superseded} == {None}


def test_rows_of_a_database_made_before_superseded_by_was_recorded_read_without_it() -> None:
    engine = _database()
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE instalment DROP COLUMN superseded_by"))
        conn.execute(text("ALTER TABLE charge DROP COLUMN superseded_by"))
        conn.execute(text("INSERT INTO charge (account_ref, financial_year, period_start, period_end, days, band, "
                          "annual_charge_pence, discount_percent, charge_pence, superseded) "
                          "VALUES ('A1', 2026, '2026-04-01', '2027-03-31', 365, 'B', 100, 0, 100, 1)"))
        conn.execute(text("INSERT INTO instalment (account_ref, financial_year, sequence, due_date, amount_pence, "
                          "superseded) VALUES ('A1', 2026, 1, '2026-04-01', 100, 1)"))
    (row,) = SqlHistory(engine).instalments(["A1"])
    assert (row.superseded, row.superseded_by) == (True, None)
    (line,) = SqlHistory(engine).charges(["A1"])
    assert (line.superseded, line.superseded_by) == (True, None)


def test_starting_on_a_database_made_before_superseded_by_adds_the_column(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/revenues.db"
    first = SqlRevenuesSystem.from_url(url)
    first.create_schema()
    with first.engine.begin() as conn:
        conn.execute(text("ALTER TABLE instalment DROP COLUMN superseded_by"))
        conn.execute(text("ALTER TABLE charge DROP COLUMN superseded_by"))
    first.dispose()
    again = SqlRevenuesSystem.from_url(url)
    try:
        again.create_schema()
        with again.engine.connect() as conn:
            for table in ("charge", "instalment"):
                assert "superseded_by" in {c["name"] for c in inspect(conn).get_columns(table)}
    finally:
        again.dispose()


def test_a_database_made_before_payments_reads_paid_this_year_as_paid_at_the_years_start() -> None:
    """The rules that wrote such a history took the figure as paid before every notice of the year."""
    engine = _database()
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE payment"))
        conn.execute(text("UPDATE account SET paid_this_year_pence = 91200 WHERE account_ref = 'A1'"))
    history = SqlHistory(engine)
    (carried,) = history.payments(["A1"], today=date(2026, 12, 6))
    assert (carried.financial_year, carried.paid_on, carried.amount_pence) == (2026, date(2026, 4, 1), 91200)
    assert history.payments(["A1"]) == []
