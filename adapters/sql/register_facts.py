"""The register facts of a batch of properties, as the validate stage reads them: one query per table (SQLite; on
PostgreSQL ``register_facts_postgres.py`` reads the same records, picked and ordered the same way, in one statement).

Each fact record is read from the table of the same shape: a field of the record that is a column of its table
is read by name (so a new column is one field on the model and one on the table), and the fields this module
composes from other tables are named in ``COMPOSED``; ``tests/unit/adapters/test_register_facts.py`` fails,
naming the field, when a record gains a field that is neither. The records are validated as usual: pydantic's
validation of a flat record runs in its compiled core and costs less than ``model_construct``'s Python.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Table

from adapters.sql.driver_sql import Row, in_values, run, select_where_in
from adapters.sql.tables import (
    account_table,
    charge_table,
    instalment_table,
    liable_person_table,
    payment_table,
    property_table,
)
from schemas.events import ChargeLine, EndedAccount, Instalment, OpenAccount, Payment, PropertyFacts

M = TypeVar("M", bound=BaseModel)


def columns_of(model: type[BaseModel], table: Table) -> tuple[str, ...]:
    """The model's fields that are columns of the table, in the model's order."""
    return tuple(name for name in model.model_fields if name in table.c)


# What this module fills in from other tables (not columns of the record's own table).
COMPOSED: dict[type[BaseModel], frozenset[str]] = {
    PropertyFacts: frozenset({"open_account", "last_ended_account"}),
    OpenAccount: frozenset({"liable_persons", "charges", "instalments", "payments"}),
    EndedAccount: frozenset({"ended_by_reference", "charges", "instalments", "payments"}),
}
SOURCE_TABLE: dict[type[BaseModel], Table] = {
    PropertyFacts: property_table, OpenAccount: account_table, EndedAccount: account_table,
    ChargeLine: charge_table, Instalment: instalment_table, Payment: payment_table,
}

PROPERTY_FIELDS = columns_of(PropertyFacts, property_table)
OPEN_FIELDS = columns_of(OpenAccount, account_table)
ENDED_FIELDS = columns_of(EndedAccount, account_table)
# Both kinds of account come from one query: the union of their columns, plus what picks them.
ACCOUNT_COLUMNS = tuple(dict.fromkeys(("uprn", "liability_start", "liability_end", *OPEN_FIELDS, *ENDED_FIELDS)))
CHARGE_FIELDS = columns_of(ChargeLine, charge_table)
INSTALMENT_FIELDS = columns_of(Instalment, instalment_table)
PAYMENT_FIELDS = columns_of(Payment, payment_table)


def read_property_facts(conn: Connection, uprns: Sequence[str]) -> dict[str, PropertyFacts]:
    """Register facts for these UPRNs (sorted, distinct); UPRNs not in the register are left out."""
    properties = select_where_in(conn, property_table, PROPERTY_FIELDS, "uprn", uprns)
    if not properties:
        return {}
    open_rows, ended_rows = _accounts_by_uprn(select_where_in(
        conn, account_table, ACCOUNT_COLUMNS, "uprn", uprns, order_by="liability_start, account_ref"))
    held = _Holdings.read(conn, sorted({row["account_ref"] for row in (*open_rows.values(), *ended_rows.values())}))
    enders = _enders(conn, sorted(row["account_ref"] for row in ended_rows.values()))
    facts: dict[str, PropertyFacts] = {}
    for row in properties:
        fields = dict(zip(PROPERTY_FIELDS, row, strict=True))
        uprn = fields["uprn"]
        opened, ended = open_rows.get(uprn), ended_rows.get(uprn)
        facts[uprn] = PropertyFacts(
            **fields,
            open_account=None if opened is None else OpenAccount(
                **{name: opened[name] for name in OPEN_FIELDS},
                liable_persons=held.persons.get(opened["account_ref"], ()), **held.money(opened["account_ref"])),
            last_ended_account=None if ended is None else EndedAccount(
                **{name: ended[name] for name in ENDED_FIELDS},
                ended_by_reference=enders.get(ended["account_ref"]), **held.money(ended["account_ref"])),
        )
    return facts


def _accounts_by_uprn(rows: list[Row]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Each property's open account (the latest start) and the account whose liability ended last."""
    open_rows: dict[str, dict[str, Any]] = {}
    ended_rows: dict[str, dict[str, Any]] = {}
    for row in rows:  # in order of liability start
        account = dict(zip(ACCOUNT_COLUMNS, row, strict=True))
        uprn, end = account["uprn"], account["liability_end"]
        if end is None:
            open_rows[uprn] = account
            continue
        latest = ended_rows.get(uprn)
        if latest is None or end >= latest["liability_end"]:
            ended_rows[uprn] = account
    return open_rows, ended_rows


@dataclass(frozen=True)
class _Holdings:
    """What accounts hold besides their own row: liable people, current charge lines and instalments, payments."""

    persons: dict[str, tuple[str, ...]]
    charges: dict[str, tuple[ChargeLine, ...]]
    instalments: dict[str, tuple[Instalment, ...]]
    payments: dict[str, tuple[Payment, ...]]

    @classmethod
    def read(cls, conn: Connection, refs: Sequence[str]) -> _Holdings:
        if not refs:
            return cls({}, {}, {}, {})
        charges = select_where_in(conn, charge_table, ("account_ref", *CHARGE_FIELDS), "account_ref", refs,
                                  also="superseded = false",
                                  order_by="account_ref, financial_year, period_start")
        instalments = select_where_in(conn, instalment_table, ("account_ref", *INSTALMENT_FIELDS), "account_ref",
                                      refs, also="superseded = false", order_by="account_ref, due_date, id")
        payments = select_where_in(conn, payment_table, ("account_ref", *PAYMENT_FIELDS), "account_ref", refs,
                                   order_by="account_ref, paid_on, id")
        return cls(
            liable_persons(conn, refs),
            _records(charges, ChargeLine, CHARGE_FIELDS),
            _records(instalments, Instalment, INSTALMENT_FIELDS),
            _records(payments, Payment, PAYMENT_FIELDS),
        )

    def money(self, ref: str) -> dict[str, Any]:
        return {"charges": self.charges.get(ref, ()), "instalments": self.instalments.get(ref, ()),
                "payments": self.payments.get(ref, ())}


def liable_persons(conn: Connection, refs: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The liable people of each of these accounts, in order."""
    rows = select_where_in(conn, liable_person_table, ("account_ref", "full_name"), "account_ref", refs,
                           order_by="account_ref, position")
    return {ref: tuple(names) for ref, names in _grouped(rows, lambda row: row[1]).items()}


def _grouped(rows: list[Row], value: Any) -> dict[str, list[Any]]:
    """Rows whose first column is an account reference, grouped by it (order kept)."""
    found: dict[str, list[Any]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(value(row))
    return found


def _records(rows: list[Row], model: type[M], fields: tuple[str, ...]) -> dict[str, tuple[M, ...]]:
    validate = model.model_validate
    grouped = _grouped(rows, lambda row: validate(dict(zip(fields, row[1:], strict=True))))
    return {ref: tuple(records) for ref, records in grouped.items()}


def _enders(conn: Connection, refs: Collection[str]) -> dict[str, str | None]:
    """The reference of the last of our notifications that wrote a note on each account (the one that ended it);
    None when that note's notification is not among the applied."""
    if not refs:
        return {}
    among, params = in_values(conn, list(refs))
    return dict(run(conn, (
        "SELECT n.account_ref, (SELECT a.reference FROM applied_notification a"
        " WHERE a.notification_id = n.notification_id) FROM audit_note n WHERE n.id IN"
        f" (SELECT max(id) FROM audit_note WHERE account_ref {among} AND notification_id IS NOT NULL"
        " GROUP BY account_ref)"), params))
