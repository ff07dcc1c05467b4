"""A revenues database made with the old lookup indexes gets the new ones on start-up, once (migration
hot_update_indexes_dbcpu), keeping its rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, insert, inspect, text

from adapters.sql.hot_update_indexes import upgrade_hot_update_indexes
from adapters.sql.revenues import SqlRevenuesSystem
from adapters.sql.tables import account_table, metadata, property_table

OLD_INDEXES = {"account_by_uprn": ("account", "uprn, liability_end"),
               "charge_by_account": ("charge", "account_ref, superseded"),
               "instalment_by_account": ("instalment", "account_ref, superseded")}


def _old_database(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    with engine.begin() as conn:
        metadata.create_all(conn)
        for name, (table, columns) in OLD_INDEXES.items():
            conn.execute(text(f"DROP INDEX {name}"))
            conn.execute(text(f"CREATE INDEX {name} ON {table} ({columns})"))
        conn.execute(insert(property_table).values(uprn="1", property_ref="P1", address_line_1="1 Acacia Avenue",
                                                   town="Exampleton", postcode="ZY1 5AB", band="B"))
        conn.execute(insert(account_table).values(account_ref="A1", uprn="1", liability_start=date(2020, 6, 1),
                                                  discount_percent=0, paid_this_year_pence=0))
    engine.dispose()
    return url


def _index_columns(url: str) -> dict[str, list[str | None]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        held = inspect(conn)
        found = {index["name"]: index["column_names"] for table in ("account", "charge", "instalment")
                 for index in held.get_indexes(table)}
    engine.dispose()
    return {name: found[name] for name in OLD_INDEXES}


def test_old_lookup_indexes_are_rebuilt_without_the_columns_batch_updates_change(tmp_path: Path) -> None:
    url = _old_database(tmp_path / "old.db")
    assert _index_columns(url)["charge_by_account"] == ["account_ref", "superseded"]
    revenues = SqlRevenuesSystem.from_url(url)
    revenues.create_schema()
    assert _index_columns(url) == {"account_by_uprn": ["uprn"], "charge_by_account": ["account_ref"],
                                   "instalment_by_account": ["account_ref"]}
    account = revenues.account("A1")
    assert account is not None
    assert account.uprn == "1"
    revenues.dispose()


def test_a_database_made_with_the_new_indexes_is_left_alone(tmp_path: Path) -> None:
    revenues = SqlRevenuesSystem.from_url(f"sqlite:///{tmp_path / 'new.db'}")
    revenues.create_schema()
    with revenues.engine.begin() as conn:
        assert upgrade_hot_update_indexes(conn) == []
    revenues.dispose()
