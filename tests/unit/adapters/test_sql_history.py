"""The replay's read-only queries on the SQL adapter's tables (SQLite in memory)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.pool import StaticPool

from adapters.sql.history import SqlHistory
from adapters.sql.tables import applied_notification_table, metadata, property_table

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
