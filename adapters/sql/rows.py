"""Database rows back into the port's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, inspect, select, text

from adapters.revenues_port import (
    AccountView,
    AppliedChange,
    AuditNote,
    ChargeRow,
    InstalmentRow,
    PaymentRow,
    RefundRow,
)
from adapters.sql.statements import one_of
from adapters.sql.tables import (
    account_table,
    applied_notification_table,
    audit_note_table,
    charge_table,
    instalment_table,
    liable_person_table,
    payment_table,
    property_table,
    refund_table,
)
from schemas.events import ChargeLine, EndedAccount, Instalment, Payment


def applied_by_id(conn: Connection, notification_ids: list[str]) -> dict[str, AppliedChange]:
    if not notification_ids:
        return {}
    by_id = applied_notification_table.c.notification_id
    rows = conn.execute(select(applied_notification_table).where(one_of(conn, by_id, notification_ids))).mappings()
    return {row["notification_id"]: applied_from_row(row) for row in rows}


def utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def applied_from_row(row: Any) -> AppliedChange:
    refs = tuple(ref for ref in row["account_refs"].split(",") if ref)
    return AppliedChange(row["notification_id"], row["reference"], refs, utc(row["applied_at"]), False)


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
                                r["instructed_on"]) for r in refunds),
    )


def _instalment_row(row: Any) -> InstalmentRow:
    return InstalmentRow(**{k: row[k] for k in InstalmentRow.__dataclass_fields__})


def last_ended_accounts(conn: Connection, uprns: list[str]) -> dict[str, EndedAccount]:
    """For each of these properties, the account whose liability ended last, with the notification that ended it.

    Two queries for the whole batch: the accounts, then the reference of the last of our notifications that
    wrote a note on each (the one that ended it).
    """
    rows = conn.execute(
        select(account_table).where(and_(one_of(conn, account_table.c.uprn, uprns),
                                         account_table.c.liability_end.is_not(None)))
        .order_by(account_table.c.liability_end, account_table.c.liability_start)
    ).mappings().all()
    latest = {row["uprn"]: row for row in rows}  # the latest end wins, as ordered
    if not latest:
        return {}
    refs = [row["account_ref"] for row in latest.values()]
    last_note = (select(audit_note_table.c.account_ref, func.max(audit_note_table.c.id).label("id"))
                 .where(and_(one_of(conn, audit_note_table.c.account_ref, refs),
                             audit_note_table.c.notification_id.is_not(None)))
                 .group_by(audit_note_table.c.account_ref).subquery())
    enders = dict(conn.execute(
        select(last_note.c.account_ref, applied_notification_table.c.reference)
        .join(audit_note_table, audit_note_table.c.id == last_note.c.id)
        .join(applied_notification_table,
              applied_notification_table.c.notification_id == audit_note_table.c.notification_id)
    ).all())
    held = current_holdings(conn, refs)
    return {uprn: EndedAccount(
        account_ref=row["account_ref"], liability_start=row["liability_start"], liability_end=row["liability_end"],
        discount_code=row["discount_code"], discount_percent=row["discount_percent"],
        ended_by_reference=enders.get(row["account_ref"]),
        twelve_instalments=row["twelve_instalments"], payment_day=row["payment_day"],
        unoccupied_since=row["unoccupied_since"], **held.money(row["account_ref"]),
    ) for uprn, row in latest.items()}


@dataclass(frozen=True)
class Holdings:
    """What accounts hold besides their own row: liable people, current charge lines and instalments, payments."""

    persons: dict[str, tuple[str, ...]]
    charges: dict[str, tuple[ChargeLine, ...]]
    instalments: dict[str, tuple[Instalment, ...]]
    payments: dict[str, tuple[Payment, ...]]

    def money(self, ref: str) -> dict[str, Any]:
        return {"charges": self.charges.get(ref, ()), "instalments": self.instalments.get(ref, ()),
                "payments": self.payments.get(ref, ())}


def current_holdings(conn: Connection, account_refs: list[str]) -> Holdings:
    """The liable people, current charge lines and instalments, and payments of these accounts: a query each."""
    if not account_refs:
        return Holdings({}, {}, {}, {})
    persons: dict[str, list[str]] = {}
    for ref, name in conn.execute(
            select(liable_person_table.c.account_ref, liable_person_table.c.full_name)
            .where(one_of(conn, liable_person_table.c.account_ref, account_refs))
            .order_by(liable_person_table.c.account_ref, liable_person_table.c.position)).all():
        persons.setdefault(ref, []).append(name)
    charges: dict[str, list[ChargeLine]] = {}
    for row in conn.execute(
            select(charge_table).where(and_(one_of(conn, charge_table.c.account_ref, account_refs),
                                            charge_table.c.superseded.is_(False)))
            .order_by(charge_table.c.account_ref, charge_table.c.financial_year, charge_table.c.period_start)
    ).mappings():
        charges.setdefault(row["account_ref"], []).append(
            ChargeLine(**{k: row[k] for k in ChargeLine.model_fields}))
    instalments: dict[str, list[Instalment]] = {}
    for row in conn.execute(
            select(instalment_table).where(and_(one_of(conn, instalment_table.c.account_ref, account_refs),
                                                instalment_table.c.superseded.is_(False)))
            .order_by(instalment_table.c.account_ref, instalment_table.c.due_date, instalment_table.c.id)
    ).mappings():
        instalments.setdefault(row["account_ref"], []).append(
            Instalment(**{k: row[k] for k in Instalment.model_fields}))
    payments: dict[str, list[Payment]] = {}
    for row in conn.execute(
            select(payment_table).where(one_of(conn, payment_table.c.account_ref, account_refs))
            .order_by(payment_table.c.account_ref, payment_table.c.paid_on, payment_table.c.id)
    ).mappings():
        payments.setdefault(row["account_ref"], []).append(Payment(**{k: row[k] for k in Payment.model_fields}))
    return Holdings({ref: tuple(names) for ref, names in persons.items()},
                    {ref: tuple(lines) for ref, lines in charges.items()},
                    {ref: tuple(rows) for ref, rows in instalments.items()},
                    {ref: tuple(rows) for ref, rows in payments.items()})


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
