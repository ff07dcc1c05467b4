"""Widening a text column that an earlier release created too narrow, where the database enforces the width, and
adding a text column an earlier release did not have.

``create_all`` creates missing tables but never changes existing ones: a PostgreSQL web store created when
``kind`` was ``VARCHAR(20)`` would refuse ``single_person_discount`` (22 characters). SQLite does not
enforce ``VARCHAR`` lengths, so there is nothing to do there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Engine, String, inspect, text


def widen_to_declared(engine: Engine, column: Column[str]) -> None:
    """Make the database's column as wide as ``column`` declares, if it is narrower (PostgreSQL only)."""
    if engine.dialect.name != "postgresql" or not isinstance(column.type, String) or column.type.length is None:
        return
    table = column.table.name
    found = {c["name"]: c["type"] for c in inspect(engine).get_columns(table)}
    current = getattr(found.get(column.name), "length", None)
    if current is None or current >= column.type.length:
        return
    with engine.begin() as conn:
        # Names come from our own table definitions, never from input.
        conn.execute(text(f'ALTER TABLE "{table}" ALTER COLUMN "{column.name}" TYPE VARCHAR({column.type.length})'))


def add_missing_nullable_column(engine: Engine, column: Column[Any]) -> None:
    """Add a nullable column a later release declared to a table an earlier one created (NULL in each row)."""
    table = column.table.name
    if column.name in {c["name"] for c in inspect(engine).get_columns(table)}:
        return
    kind = column.type.compile(dialect=engine.dialect)
    with engine.begin() as conn:
        # Names and types come from our own table definitions, never from input.
        conn.execute(text(f'ALTER TABLE "{table}" ADD COLUMN "{column.name}" {kind}'))


def add_missing_text_column(engine: Engine, column: Column[str]) -> None:
    """Add a text column a later release declared to a table an earlier one created (empty list ``[]`` in each row)."""
    table = column.table.name
    if column.name in {c["name"] for c in inspect(engine).get_columns(table)}:
        return
    with engine.begin() as conn:
        # Names come from our own table definitions, never from input.
        conn.execute(text(f"ALTER TABLE \"{table}\" ADD COLUMN \"{column.name}\" TEXT NOT NULL DEFAULT '[]'"))
