"""Reads the register and accounts from the back office's read-only reporting database.

Import-file back offices take changes only through files; councils read them through a reporting copy of
the database (ODBC/SQL access, read-only). Here that is the simulated back office's SQLite file, opened
read-only; the queries are the only place that knows its table names.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from adapters.revenues_port import (
    AccountView,
    AuditNote,
    ChargeRow,
    HeldRefund,
    InstalmentRow,
    PaymentRow,
    RefundDecision,
    RefundRow,
    RegisterProperty,
    RevenuesUnavailableError,
)
from schemas.events import ChargeLine, EndedAccount, Instalment, OpenAccount, Payment, PropertyFacts

_PROPERTY_COLUMNS = ("SELECT uprn, property_ref, address_line_1, address_line_2, town, postcode, band, owner_name, "
                     "furnished, premium_exception, premium_exception_from")
# Our references of the notifications with these ids (the back office's notes carry our notification id).
ReferencesOf = Callable[[Collection[str]], dict[str, str]]


class ReportingReader:
    def __init__(self, database: Path) -> None:
        self._uri = f"file:{database}?mode=ro"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self._uri, uri=True, timeout=30)
        except sqlite3.OperationalError as error:
            raise RevenuesUnavailableError(f"revenues reporting database unavailable: {error}") from None
        conn.row_factory = sqlite3.Row
        try:
            yield conn
        finally:
            conn.close()

    def properties_by_postcode(self, postcode: str) -> list[RegisterProperty]:
        with self._connect() as conn:
            rows = conn.execute(_PROPERTY_COLUMNS + " FROM property WHERE postcode = ? ORDER BY address_line_1",
                                (postcode,)).fetchall()
        return [_register_property(row) for row in rows]

    def property(self, uprn: str) -> RegisterProperty | None:
        with self._connect() as conn:
            row = conn.execute(_PROPERTY_COLUMNS + " FROM property WHERE uprn = ?", (uprn,)).fetchone()
        return _register_property(row) if row else None

    def property_facts_many(self, uprns: Collection[str], references_of: ReferencesOf) -> dict[str, PropertyFacts]:
        """Register facts, the open account (with its people, current charges and payment arrangement) and the
        account whose liability ended most recently, with the reference of the notification that ended it."""
        wanted = sorted(set(uprns))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        with self._connect() as conn:
            props = conn.execute(f"{_PROPERTY_COLUMNS} FROM property WHERE uprn IN ({marks})", wanted).fetchall()
            open_rows = conn.execute(f"SELECT * FROM account WHERE uprn IN ({marks}) AND liability_end IS NULL "
                                     f"ORDER BY liability_start", wanted).fetchall()
            ended_rows = conn.execute(
                f"SELECT a.*, n.reference AS ended_by FROM account a LEFT JOIN note n ON n.id = a.end_note_id "
                f"WHERE a.uprn IN ({marks}) AND a.liability_end IS NOT NULL "
                f"ORDER BY a.liability_end, a.liability_start", wanted).fetchall()
            open_by_uprn = {row["uprn"]: _view(conn, row) for row in open_rows}  # the latest start wins
            ended_by_uprn = {row["uprn"]: row for row in ended_rows}  # the latest end wins, as ordered
            # The ended account's money too: a later ending (completed or brought back) re-bills it.
            ended_views = {uprn: _view(conn, row) for uprn, row in ended_by_uprn.items()}
        references = references_of({row["ended_by"] for row in ended_by_uprn.values() if row["ended_by"]})
        facts = {}
        for row in props:
            prop, uprn = _register_property(row), row["uprn"]
            view, ended = open_by_uprn.get(uprn), ended_by_uprn.get(uprn)
            facts[uprn] = PropertyFacts(
                uprn=uprn, postcode=prop.postcode, band=prop.band, owner_name=prop.owner_name,
                furnished=prop.furnished, premium_exception=prop.premium_exception,
                premium_exception_from=prop.premium_exception_from, open_account=_open_account(view) if view else None,
                last_ended_account=_ended_account(ended_views[uprn], references.get(ended["ended_by"] or ""))
                if ended else None)
        return facts

    def held_refunds(self) -> list[HeldRefund]:
        """Refunds held for approval that no officer decided, oldest first; the notification that instructed each
        is the reference of the note written with the liability's end (our notification id)."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT refund.account_no, refund.financial_year, refund.amount_pence, refund.sort_code, "
                "refund.account_number, refund.instructed_on, note.reference, property.uprn, property.address_line_1, "
                "property.town, property.postcode FROM refund JOIN account ON account.account_no = refund.account_no "
                "JOIN property ON property.uprn = account.uprn LEFT JOIN note ON note.id = account.end_note_id "
                "LEFT JOIN refund_decision ON refund_decision.account_no = refund.account_no AND "
                "refund_decision.financial_year = refund.financial_year WHERE refund.held_for_approval = 1 AND "
                "refund_decision.decision IS NULL ORDER BY refund.instructed_on, refund.id").fetchall()
        return [HeldRefund(account_ref=r["account_no"], financial_year=r["financial_year"],
                           amount_pence=r["amount_pence"], masked_bank_account=_masked(r),
                           instructed_on=date.fromisoformat(r["instructed_on"]), notification_id=r["reference"] or "",
                           uprn=r["uprn"], address_line_1=r["address_line_1"], town=r["town"],
                           postcode=r["postcode"]) for r in rows]

    def account(self, account_ref: str) -> AccountView | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM account WHERE account_no = ?", (account_ref,)).fetchone()
            return None if row is None else _view(conn, row, with_superseded=True)

    def accounts_at(self, uprn: str) -> list[AccountView]:
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM account WHERE uprn = ? ORDER BY liability_start DESC, account_no DESC",
                                (uprn,)).fetchall()
            return [_view(conn, row, with_superseded=True) for row in rows]


def _masked(row: sqlite3.Row) -> str:
    return f"sort code **-**-{row['sort_code'][-2:]}, account ****{row['account_number'][-4:]}"


def _money(view: AccountView) -> dict[str, Any]:
    """The account's current charge lines, the instalments it still demands and its payments, for the rules."""
    return {"charges": tuple(ChargeLine(**vars(c)) for c in view.charges),
            "instalments": tuple(Instalment(**vars(i)) for i in view.instalments),
            "payments": tuple(Payment(**vars(p)) for p in view.payments)}


def _open_account(view: AccountView) -> OpenAccount:
    return OpenAccount(account_ref=view.account_ref, liability_start=view.liability_start,
                       discount_code=view.discount_code, discount_percent=view.discount_percent,
                       liable_persons=view.liable_persons, twelve_instalments=view.twelve_instalments,
                       payment_day=view.payment_day, unoccupied_since=view.unoccupied_since, **_money(view))


def _ended_account(view: AccountView, ended_by_reference: str | None) -> EndedAccount:
    assert view.liability_end is not None
    return EndedAccount(account_ref=view.account_ref, liability_start=view.liability_start,
                        liability_end=view.liability_end, discount_code=view.discount_code,
                        discount_percent=view.discount_percent, ended_by_reference=ended_by_reference,
                        twelve_instalments=view.twelve_instalments, payment_day=view.payment_day,
                        unoccupied_since=view.unoccupied_since, **_money(view))


def _instalment(row: sqlite3.Row) -> InstalmentRow:
    return InstalmentRow(row["financial_year"], row["sequence"], date.fromisoformat(row["due_date"]),
                         row["amount_pence"])


def _view(conn: sqlite3.Connection, row: sqlite3.Row, *, with_superseded: bool = False) -> AccountView:
    number = row["account_no"]
    persons = tuple(r[0] for r in conn.execute(
        "SELECT full_name FROM liable_person WHERE account_no = ? ORDER BY position", (number,)))
    charges = tuple(ChargeRow(r["financial_year"], date.fromisoformat(r["period_start"]),
                              date.fromisoformat(r["period_end"]), r["days"], r["band"], r["annual_charge_pence"],
                              r["discount_code"], r["discount_percent"], r["charge_pence"])
                    for r in conn.execute("SELECT * FROM charge WHERE account_no = ? AND superseded = 0 "
                                          "ORDER BY period_start, id", (number,)))
    # The rules read the instalments still demanded; the staff page the superseded ones too.
    held = conn.execute("SELECT * FROM instalment WHERE account_no = ? " + ("" if with_superseded else
                        "AND superseded = 0 ") + "ORDER BY due_date, id", (number,)).fetchall()
    instalments = tuple(_instalment(r) for r in held if not r["superseded"])
    superseded = tuple(_instalment(r) for r in held if r["superseded"])
    payments = tuple(PaymentRow(r["financial_year"], date.fromisoformat(r["paid_on"]), r["amount_pence"])
                     for r in conn.execute("SELECT * FROM payment WHERE account_no = ? ORDER BY paid_on, id",
                                           (number,)))
    notes = tuple(AuditNote(datetime.fromisoformat(r["created_at"]), r["created_by"], r["reference"], r["text"])
                  for r in conn.execute("SELECT * FROM note WHERE account_no = ? ORDER BY id", (number,)))
    refunds = tuple(RefundRow(r["financial_year"], r["amount_pence"], _masked(r),
                              bool(r["held_for_approval"]), date.fromisoformat(r["instructed_on"]),
                              RefundDecision(r["decision"]) if r["decision"] else None,
                              date.fromisoformat(r["decided_on"]) if r["decided_on"] else None)
                    for r in conn.execute(
                        "SELECT refund.*, refund_decision.decision, refund_decision.decided_on FROM refund LEFT JOIN "
                        "refund_decision ON refund_decision.account_no = refund.account_no AND "
                        "refund_decision.financial_year = refund.financial_year WHERE refund.account_no = ? "
                        "ORDER BY refund.id", (number,)))
    end = row["liability_end"]
    return AccountView(account_ref=number, uprn=row["uprn"], liability_start=date.fromisoformat(row["liability_start"]),
                       liability_end=date.fromisoformat(end) if end else None, liable_persons=persons,
                       discount_code=row["discount_code"], discount_percent=row["discount_percent"],
                       charges=charges, instalments=instalments,
                       audit_notes=notes, twelve_instalments=bool(row["twelve_instalments"]),
                       payment_day=row["payment_day"], payments=payments, refunds=refunds,
                       superseded_instalments=superseded,
                       unoccupied_since=_optional_day(row["unoccupied_since"]))


def _register_property(row: sqlite3.Row) -> RegisterProperty:
    values = dict(row)
    return RegisterProperty(**{**values, "furnished": bool(values["furnished"]),
                               "premium_exception_from": _optional_day(values["premium_exception_from"])})


def _optional_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
