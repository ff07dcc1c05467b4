"""Database rows back into the port's records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, inspect, select, text

from adapters.revenues_port import (
    AccountView,
    AppliedChange,
    AuditNote,
    ChargeRow,
    InstalmentRow,
    PaymentRow,
    RefundDecision,
    RefundRow,
)
from adapters.sql.driver_sql import Row, WhereIn, select_all, where_in
from adapters.sql.tables import (
    account_table,
    applied_notification_table,
    audit_note_table,
    charge_table,
    instalment_table,
    liable_person_table,
    payment_table,
    property_table,
    refund_decision_table,
    refund_table,
)

APPLIED_COLUMNS = ("notification_id", "reference", "applied_at", "account_refs")


def applied_by_id(conn: Connection, notification_ids: list[str]) -> dict[str, AppliedChange]:
    return applied_from_rows(select_all(conn, [applied_query(conn, notification_ids)])[0])


def applied_query(conn: Connection, notification_ids: list[str]) -> WhereIn | None:
    """The query :func:`applied_by_id` runs, to run with others (``driver_sql.select_all``)."""
    return where_in(conn, applied_notification_table, APPLIED_COLUMNS, "notification_id", notification_ids)


def applied_from_rows(rows: list[Row]) -> dict[str, AppliedChange]:
    return {row[0]: applied_from_values(*row) for row in rows}


def utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def applied_from_values(notification_id: str, reference: str, applied_at: datetime, account_refs: str) -> AppliedChange:
    refs = tuple(ref for ref in account_refs.split(",") if ref)
    return AppliedChange(notification_id, reference, refs, utc(applied_at), False)


def account_view(conn: Connection, row: Any) -> AccountView:
    ref = row["account_ref"]
    persons = conn.execute(
        select(liable_person_table.c.full_name).where(liable_person_table.c.account_ref == ref)
        .order_by(liable_person_table.c.position)
    ).scalars().all()
    charges = conn.execute(
        select(charge_table).where(and_(charge_table.c.account_ref == ref, charge_table.c.superseded.is_(False)))
        .order_by(charge_table.c.financial_year, charge_table.c.period_start)
    ).mappings().all()
    instalments = conn.execute(  # still demanded and superseded alike: the back office keeps both
        select(instalment_table).where(instalment_table.c.account_ref == ref)
        .order_by(instalment_table.c.due_date, instalment_table.c.id)
    ).mappings().all()
    notes = conn.execute(
        select(audit_note_table).where(audit_note_table.c.account_ref == ref).order_by(audit_note_table.c.id)
    ).mappings().all()
    payments = conn.execute(
        select(payment_table).where(payment_table.c.account_ref == ref).order_by(payment_table.c.paid_on,
                                                                                  payment_table.c.id)
    ).mappings().all()
    refunds = conn.execute(
        select(refund_table).where(refund_table.c.account_ref == ref).order_by(refund_table.c.id)
    ).mappings().all()
    decisions = {d["financial_year"]: (RefundDecision(d["decision"]), d["decided_on"]) for d in conn.execute(
        select(refund_decision_table).where(refund_decision_table.c.account_ref == ref)).mappings()}
    return AccountView(
        account_ref=ref, uprn=row["uprn"], liability_start=row["liability_start"],
        liability_end=row["liability_end"], liable_persons=tuple(persons),
        discount_code=row["discount_code"], discount_percent=row["discount_percent"],
        twelve_instalments=row["twelve_instalments"], payment_day=row["payment_day"],
        unoccupied_since=row["unoccupied_since"],
        payments=tuple(PaymentRow(**{k: p[k] for k in PaymentRow.__dataclass_fields__}) for p in payments),
        charges=tuple(ChargeRow(**{k: c[k] for k in ChargeRow.__dataclass_fields__}) for c in charges),
        instalments=tuple(_instalment_row(i) for i in instalments if not i["superseded"]),
        superseded_instalments=tuple(_instalment_row(i) for i in instalments if i["superseded"]),
        audit_notes=tuple(AuditNote(utc(n["noted_at"]), n["author"], n["notification_id"], n["note"])
                          for n in notes),
        refunds=tuple(RefundRow(r["financial_year"], r["amount_pence"], r["bank_masked"], r["held_for_approval"],
                                r["instructed_on"], *decisions.get(r["financial_year"], (None, None)))
                      for r in refunds),
    )


def _instalment_row(row: Any) -> InstalmentRow:
    return InstalmentRow(**{k: row[k] for k in InstalmentRow.__dataclass_fields__})


def add_missing_columns(conn: Connection) -> None:
    """Bring a database made by an earlier version up to date (columns added since; nothing removed)."""
    have = {column["name"] for column in inspect(conn).get_columns(account_table.name)}
    if "twelve_instalments" not in have:
        conn.execute(text("ALTER TABLE account ADD COLUMN twelve_instalments BOOLEAN NOT NULL DEFAULT false"))
    if "payment_day" not in have:
        conn.execute(text("ALTER TABLE account ADD COLUMN payment_day INTEGER"))
    for table in (charge_table, instalment_table):
        if "superseded_by" not in {column["name"] for column in inspect(conn).get_columns(table.name)}:
            conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN superseded_by VARCHAR(36)"))
    if "unoccupied_since" not in have:
        conn.execute(text("ALTER TABLE account ADD COLUMN unoccupied_since DATE"))
    held = {column["name"] for column in inspect(conn).get_columns(property_table.name)}
    for name, kind in (("owner_name", "VARCHAR(100)"), ("furnished", "BOOLEAN NOT NULL DEFAULT false"),
                       ("premium_exception", "VARCHAR(1)"), ("premium_exception_from", "DATE")):
        if name not in held:
            conn.execute(text(f"ALTER TABLE property ADD COLUMN {name} {kind}"))
