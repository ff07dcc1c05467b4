"""The register facts the validate stage reads: every field of every record is read or composed, and typed."""

from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy import Table

from adapters.sql.driver_sql import select_where_in
from adapters.sql.register_facts import COMPOSED, SOURCE_TABLE, columns_of
from adapters.sql.register_facts_postgres import FACTS_SQL
from adapters.sql.revenues import SqlRevenuesSystem
from adapters.sql.tables import account_table
from tests.unit.adapters.revenues_contract import OCCUPIED, VACANT, seed


@pytest.mark.parametrize("model", list(SOURCE_TABLE), ids=lambda model: model.__name__)
def test_every_field_of_a_fact_record_is_a_column_or_composed(model: type[BaseModel]) -> None:
    table: Table = SOURCE_TABLE[model]
    unread = set(model.model_fields) - set(columns_of(model, table)) - COMPOSED.get(model, frozenset())
    assert not unread, (f"{model.__name__} has fields {sorted(unread)} that are neither columns of "
                        f"{table.name} nor composed in adapters/sql/register_facts.py: add the column or compose them")


@pytest.mark.parametrize("model", list(COMPOSED), ids=lambda model: model.__name__)
def test_the_postgresql_statement_composes_what_the_table_by_table_read_composes(model: type[BaseModel]) -> None:
    missing = sorted(name for name in COMPOSED[model] if f"'{name}', " not in FACTS_SQL)
    assert not missing, (f"{model.__name__}'s {missing} are composed in adapters/sql/register_facts.py but not in "
                         "register_facts_postgres.py's statement")


def test_driver_reads_come_back_typed_on_sqlite(tmp_path: Path) -> None:
    revenues = SqlRevenuesSystem.from_url(f"sqlite:///{tmp_path}/revenues.db")
    try:
        seed(revenues)
        with revenues.engine.connect() as conn:
            rows = select_where_in(conn, account_table, ("uprn", "liability_start", "twelve_instalments"), "uprn",
                                   [VACANT, OCCUPIED], also="liability_end IS NULL")
        assert [(uprn, type(start), type(twelve)) for uprn, start, twelve in rows] == [(OCCUPIED, date, bool)]
    finally:
        revenues.dispose()


def test_no_values_reads_nothing(tmp_path: Path) -> None:
    revenues = SqlRevenuesSystem.from_url(f"sqlite:///{tmp_path}/revenues.db")
    try:
        seed(revenues)
        with revenues.engine.connect() as conn:
            assert select_where_in(conn, account_table, ("uprn",), "uprn", []) == []
    finally:
        revenues.dispose()
