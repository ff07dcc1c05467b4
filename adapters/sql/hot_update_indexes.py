"""Migration ``hot_update_indexes_dbcpu``: superseding a line and ending an account rewrite no index entry.

A batch supersedes charge lines and instalments (``superseded``, ``superseded_by``) and ends accounts
(``liability_end``). While ``superseded`` was a column of ``charge_by_account`` and ``instalment_by_account``, and
``liability_end`` of ``account_by_uprn``, every such UPDATE was a new row version with a new entry in each of
the table's indexes, its WAL, and a dead entry for vacuum to clear. Now those indexes hold only the column the
reads look rows up by (the reads filter ``superseded`` and ``liability_end`` on the few rows of one account or
property), so on PostgreSQL the UPDATE can stay on the row's page as a heap-only tuple: no index entry at all.
Fill factor 90 on the three tables leaves each page the room that needs (at 100, most instalment pages are full
and the update moves the row off the page anyway). Measured on the batch bench's database: of 6,762 instalment
updates, 1,501 were heap-only without the room and 6,573 with it; the batch's WAL records fell about 12%.

A database made before is brought up to date on start-up (``SqlRevenuesSystem.create_schema``): each of these
indexes still in its old shape is rebuilt (holding off writes to its table while it builds: once), and the fill
factor set (it applies to pages filled from then on; no table is rewritten).
"""

from __future__ import annotations

from sqlalchemy import Connection, Index, Table, inspect, text

from adapters.sql.tables import account_table, charge_table, instalment_table

MIGRATION = "hot_update_indexes_dbcpu"

# Each table and the index whose columns no batch UPDATE changes.
_LOOKUP_INDEXES: tuple[tuple[Table, str], ...] = (
    (account_table, "account_by_uprn"),
    (charge_table, "charge_by_account"),
    (instalment_table, "instalment_by_account"),
)


def lookup_index(table: Table, name: str) -> Index:
    return next(index for index in table.indexes if index.name == name)


def fill_factor(table: Table) -> int:
    """The fill factor the table is declared with (``tables.py``)."""
    return int(table.dialect_options["postgresql"]["with"]["fillfactor"])


def upgrade_hot_update_indexes(conn: Connection) -> list[str]:
    """Rebuild the lookup indexes still in their old shape and set the fill factor (PostgreSQL); return what
    changed (nothing for a database made with them)."""
    held = inspect(conn)
    changed = []
    for table, name in _LOOKUP_INDEXES:
        index = lookup_index(table, name)
        wanted = [column.name for column in index.columns]
        found = {found["name"]: found["column_names"] for found in held.get_indexes(table.name)}
        if found.get(name) == wanted:
            continue
        if name in found:
            index.drop(conn)
        index.create(conn)
        changed.append(f"index {name}")
    if conn.dialect.name == "postgresql":
        for table, _ in _LOOKUP_INDEXES:
            factor = fill_factor(table)
            options = conn.execute(text("SELECT reloptions FROM pg_class WHERE oid = CAST(:name AS regclass)"),
                                   {"name": table.name}).scalar_one() or []
            if f"fillfactor={factor}" not in options:
                conn.execute(text(f"ALTER TABLE {table.name} SET (fillfactor = {factor})"))
                changed.append(f"fillfactor {table.name}")
    return changed
