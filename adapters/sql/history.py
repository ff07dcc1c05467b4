"""Read-only queries of what the revenues database recorded, for replaying applied notifications.

Nothing here writes. The replay asks which notifications were applied in a period, the accounts and
properties they touched, and every charge and instalment row of those accounts with the notification
that wrote it and whether it is superseded, and the payments recorded towards them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, and_, inspect, or_, select

from adapters.sql.rows import utc
from adapters.sql.statements import one_of
from adapters.sql.tables import (
    account_table,
    applied_notification_table,
    charge_table,
    instalment_table,
    payment_table,
    property_table,
)
from schemas.financial_year import financial_year_of


@dataclass(frozen=True)
class AppliedRecord:
    """One row of ``applied_notification``: a notification the revenues system took, when, and what it touched."""

    notification_id: str
    reference: str
    applied_at: datetime
    account_refs: tuple[str, ...]


@dataclass(frozen=True)
class PropertyRecord:
    uprn: str
    address_line_1: str
    address_line_2: str | None
    town: str
    postcode: str
    band: str
    owner_name: str | None = None  # the owner (liable while empty), and the facts the empty-home premiums need
    furnished: bool = False
    premium_exception: str | None = None
    premium_exception_from: date | None = None


@dataclass(frozen=True)
class AccountRecord:
    """An account row as it stands now."""

    account_ref: str
    uprn: str
    liability_start: date
    liability_end: date | None
    discount_code: str | None
    discount_percent: int
    opened_by_notification: str | None
    twelve_instalments: bool
    payment_day: int | None
    unoccupied_since: date | None = None  # an owner's account for the empty home


@dataclass(frozen=True)
class WrittenCharge:
    """A charge row with the notification that wrote it (None: loaded with the register)."""

    account_ref: str
    financial_year: int
    period_start: date
    period_end: date
    days: int
    band: str
    annual_charge_pence: int
    discount_code: str | None
    discount_percent: int
    charge_pence: int
    notification_id: str | None
    superseded: bool
    superseded_by: str | None = None  # the notification that superseded it, where the database recorded it


@dataclass(frozen=True)
class WrittenInstalment:
    account_ref: str
    financial_year: int
    sequence: int
    due_date: date
    amount_pence: int
    notification_id: str | None
    superseded: bool
    superseded_by: str | None = None  # the notification that superseded it, where the database recorded it


@dataclass(frozen=True)
class RecordedPayment:
    """A payment the back office recorded towards one financial year of an account."""

    account_ref: str
    financial_year: int
    paid_on: date
    amount_pence: int


class SqlHistory:
    """The replay's read-only view of the revenues database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def applied_between(self, start: datetime, end: datetime) -> list[AppliedRecord]:
        """Notifications applied from ``start`` (inclusive) to ``end`` (exclusive), oldest first."""
        column = applied_notification_table.c.applied_at
        with self._engine.connect() as conn:
            rows = conn.execute(select(applied_notification_table)
                                .where(and_(column >= start, column < end))
                                .order_by(column, applied_notification_table.c.notification_id)).mappings().all()
        return [_applied(row) for row in rows]

    def applied_since(self, start: datetime) -> list[AppliedRecord]:
        """Every notification applied from ``start`` on, oldest first (to tell what happened after another)."""
        column = applied_notification_table.c.applied_at
        with self._engine.connect() as conn:
            rows = conn.execute(select(applied_notification_table).where(column >= start)
                                .order_by(column, applied_notification_table.c.notification_id)).mappings().all()
        return [_applied(row) for row in rows]

    def applied_ids(self, notification_ids: Collection[str]) -> set[str]:
        """Those of these notification ids the revenues system has applied."""
        wanted = sorted(set(notification_ids))
        if not wanted:
            return set()
        column = applied_notification_table.c.notification_id
        with self._engine.connect() as conn:
            return set(conn.execute(select(column).where(one_of(conn, column, wanted))).scalars())

    def properties(self, uprns: Collection[str]) -> dict[str, PropertyRecord]:
        wanted = sorted(set(uprns))
        if not wanted:
            return {}
        with self._engine.connect() as conn:
            rows = conn.execute(select(property_table).where(one_of(conn, property_table.c.uprn, wanted))).mappings()
            return {row["uprn"]: PropertyRecord(**{k: row[k] for k in PropertyRecord.__dataclass_fields__})
                    for row in rows}

    def accounts(self, uprns: Collection[str], account_refs: Collection[str]) -> list[AccountRecord]:
        """Every account at these properties, and these accounts wherever they are."""
        at, refs = sorted(set(uprns)), sorted(set(account_refs))
        if not at and not refs:
            return []
        with self._engine.connect() as conn:
            # A database an earlier version made may lack the columns added since (the worker adds them when
            # it starts): read what is there, and take the defaults those columns get for the rest.
            present = {column["name"] for column in inspect(conn).get_columns(account_table.name)}
            columns = [c for c in account_table.c if c.name in present]
            rows = conn.execute(select(*columns).where(or_(
                one_of(conn, account_table.c.uprn, at or [""]),
                one_of(conn, account_table.c.account_ref, refs or [""]),
            )).order_by(account_table.c.liability_start, account_table.c.account_ref)).mappings().all()
        return [_account(row, present) for row in rows]

    def charges(self, account_refs: Collection[str]) -> list[WrittenCharge]:
        """Every charge row of these accounts, superseded or not."""
        wanted = sorted(set(account_refs))
        if not wanted:
            return []
        with self._engine.connect() as conn:
            present = {column["name"] for column in inspect(conn).get_columns(charge_table.name)}
            rows = conn.execute(select(*(c for c in charge_table.c if c.name in present))
                                .where(one_of(conn, charge_table.c.account_ref, wanted))
                                .order_by(charge_table.c.id)).mappings().all()
        return [WrittenCharge(**{k: row[k] for k in WrittenCharge.__dataclass_fields__ if k in row}) for row in rows]

    def instalments(self, account_refs: Collection[str]) -> list[WrittenInstalment]:
        """Every instalment row of these accounts, superseded or not."""
        wanted = sorted(set(account_refs))
        if not wanted:
            return []
        with self._engine.connect() as conn:
            # ``superseded_by`` is missing from a database made before it until the worker starts and adds it.
            present = {column["name"] for column in inspect(conn).get_columns(instalment_table.name)}
            rows = conn.execute(select(*(c for c in instalment_table.c if c.name in present))
                                .where(one_of(conn, instalment_table.c.account_ref, wanted))
                                .order_by(instalment_table.c.id)).mappings().all()
        return [WrittenInstalment(**{k: row[k] for k in WrittenInstalment.__dataclass_fields__ if k in row})
                for row in rows]

    def payments(self, account_refs: Collection[str], today: date | None = None) -> list[RecordedPayment]:
        """Every payment recorded towards these accounts, oldest first.

        A database made before payments holds one paid-this-year figure per account, towards the financial year
        of ``today`` (when given): each non-zero one is read as a payment dated the first day of that year (its
        real dates were never recorded; the rules that wrote the history took it as paid before every notice of
        the year). Without ``today``, such a database has no payments.
        """
        wanted = sorted(set(account_refs))
        if not wanted:
            return []
        with self._engine.connect() as conn:
            if not inspect(conn).has_table(payment_table.name):
                return [] if today is None else _paid_this_year(conn, wanted, today)
            rows = conn.execute(select(payment_table).where(one_of(conn, payment_table.c.account_ref, wanted))
                                .order_by(payment_table.c.paid_on, payment_table.c.id)).mappings().all()
        return [RecordedPayment(**{k: row[k] for k in RecordedPayment.__dataclass_fields__}) for row in rows]


def _paid_this_year(conn: Connection, account_refs: list[str], today: date) -> list[RecordedPayment]:
    year = financial_year_of(today)
    rows = conn.execute(select(account_table.c.account_ref, account_table.c.paid_this_year_pence).where(and_(
        one_of(conn, account_table.c.account_ref, account_refs), account_table.c.paid_this_year_pence > 0))
        .order_by(account_table.c.account_ref)).all()
    return [RecordedPayment(ref, year.start_year, year.start, pence) for ref, pence in rows]


def _applied(row: RowMapping) -> AppliedRecord:
    refs = tuple(ref for ref in str(row["account_refs"]).split(",") if ref)
    return AppliedRecord(row["notification_id"], row["reference"], utc(row["applied_at"]), refs)


# The values columns added to ``account`` since the first version take when they are missing.
_ADDED_ACCOUNT_COLUMNS: dict[str, Any] = {"twelve_instalments": False, "payment_day": None, "unoccupied_since": None}


def _account(row: RowMapping, present: set[str]) -> AccountRecord:
    values: dict[str, Any] = {name: row[name] if name in present else _ADDED_ACCOUNT_COLUMNS[name]
                              for name in AccountRecord.__dataclass_fields__}
    return AccountRecord(**values)
