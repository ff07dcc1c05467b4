"""Checking a batch of account changes against the accounts as they stand, and the rows the batch writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, update

from adapters.audit_notes import amendment_note, ending_note, opening_note, stale_ending_message
from adapters.revenues_port import (
    PROCESSOR_AUTHOR,
    AppliedChange,
    ApplyResult,
    replanned_years,
    superseded_from_day,
)
from adapters.sql.batch_writes_postgres import amend_statements, insert_rows, owners_statement, supersede_statements
from adapters.sql.driver_sql import Statement, run_all
from adapters.sql.statements import amend_accounts, bulk_insert, supersede
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
from schemas.events import AccountAmendment, AccountChange, ChargeLine, CreditTransfer, Instalment, LiabilityEnding
from schemas.financial_year import financial_year_of


def check(
    change: AccountChange,
    accounts: dict[str, tuple[str, date, date | None]],
    open_at: dict[str, set[str]],
    amended: set[str] | None = None,
) -> str | None:
    """Why the change no longer fits the accounts (as changed by earlier ones in the batch), or None."""
    ending_refs = set()
    for amendment in change.amendments:
        found = accounts.get(amendment.account_ref)
        if found is None or found[2] is not None or found[1] != amendment.expected_liability_start:
            return f"Account {amendment.account_ref} is no longer open as it was when this change was assessed"
        if amended is not None and amendment.account_ref in amended:
            return f"Account {amendment.account_ref} was changed by another notification in the same batch"
    for ending in change.endings:
        found = accounts.get(ending.account_ref)
        if found is None or found[2] != ending.expected_liability_end or found[1] != ending.expected_liability_start:
            return stale_ending_message(ending)
        ending_refs.add(ending.account_ref)
    for opening in (o for o in change.openings if o.liability_end is None):  # a closed one lies between others
        still_open = open_at.get(opening.uprn, set()) - ending_refs
        if still_open:
            shown = sorted(ref for ref in still_open if not ref.startswith("@"))
            return (f"Property {opening.uprn} still has open account {', '.join(shown) or '(opened just now)'}; "
                    "it was not expected")
    return None


class BatchWrites:
    """The rows a batch of changes writes, gathered so each table gets one multi-row statement."""

    def __init__(self) -> None:
        self.applied_ids: dict[str, AppliedChange] = {}
        self.supersede: list[dict[str, Any]] = []
        self.accounts: list[dict[str, Any]] = []
        self.owners: list[dict[str, Any]] = []  # the register's owner of each home an owner's account opened for
        self.persons: list[dict[str, Any]] = []
        self.charges: list[dict[str, Any]] = []
        self.instalments: list[dict[str, Any]] = []
        self.notes: list[dict[str, Any]] = []
        self.payments: list[dict[str, Any]] = []  # credit moved off or onto accounts, posted as payments
        self.refunds: list[dict[str, Any]] = []  # final bills' credit refunded (bank details sealed)
        self.refund_decisions: list[dict[str, Any]] = []  # officers' decisions on held refunds
        self.applied_rows: list[dict[str, Any]] = []
        self.amended_accounts: list[dict[str, Any]] = []
        self.amended: set[str] = set()  # the accounts of amended_accounts
        self.replaced_persons: list[str] = []
        self.recharged: list[dict[str, Any]] = []
        self.replanned: list[dict[str, Any]] = []
        self._refs: dict[str, str] = {}

    def amend(self, change: AccountChange, amendment: AccountAmendment, applied_at: datetime) -> None:
        ref = amendment.account_ref
        self.amended.add(ref)
        self.amended_accounts.append({
            "b_ref": ref, "b_code": amendment.discount_code, "b_percent": amendment.discount_percent,
            "b_twelve": amendment.twelve_instalments, "b_day": amendment.payment_day})
        if amendment.replaces_liable_persons:
            self.replaced_persons.append(ref)
            self.persons.extend({"account_ref": ref, "position": i, "full_name": name}
                                for i, name in enumerate(amendment.liable_persons, start=1))
        if amendment.first_recharged_year is not None:
            self.recharged.append({"b_ref": ref, "b_first_year": amendment.first_recharged_year,
                                   "b_by": change.notification_id})
            self._lines(ref, change.notification_id, amendment.charges, ())
        if amendment.replanned_year is not None:
            superseded_from = superseded_from_day(change, amendment.year_bills)
            self.replanned.extend({"b_ref": ref, "b_year": year, "b_notice": superseded_from,
                                   "b_by": change.notification_id}
                                  for year in replanned_years(amendment))
            self._lines(ref, change.notification_id, (), amendment.instalments)
        self.notes.append(note(ref, applied_at, change.notification_id, amendment_note(change, amendment)))

    def end(self, change: AccountChange, ending: Any, applied_at: datetime) -> None:
        self.supersede.append({"ref": ending.account_ref, "end": ending.liability_end,
                               "first_year": financial_year_of(ending.liability_end).start_year,
                               "notice": superseded_from_day(change, ending.year_bills),
                               "by_nid": change.notification_id})
        self._lines(ending.account_ref, change.notification_id, ending.charges, ending.instalments)
        self._transfers(ending.account_ref, ending.credit_transfers)
        self._refunds(change, ending)
        self.notes.append(note(ending.account_ref, applied_at, change.notification_id, ending_note(change, ending)))

    def open(self, change: AccountChange, opening: Any, placeholder: str, applied_at: datetime) -> None:
        self.accounts.append({
            "account_ref": placeholder, "uprn": opening.uprn, "liability_start": opening.liability_start,
            "liability_end": opening.liability_end, "discount_code": opening.discount_code,
            "discount_percent": opening.discount_percent, "paid_this_year_pence": 0,
            "opened_by_notification": change.notification_id, "twelve_instalments": opening.twelve_instalments,
            "payment_day": opening.payment_day, "unoccupied_since": opening.unoccupied_since,
        })
        self.persons.extend({"account_ref": placeholder, "position": i, "full_name": name}
                            for i, name in enumerate(opening.liable_persons, start=1))
        if opening.unoccupied_since is not None and opening.liable_persons:  # the owner, as the register's
            self.owners.append({"b_uprn": opening.uprn, "b_owner": opening.liable_persons[0]})
        self._lines(placeholder, change.notification_id, opening.charges, opening.instalments)
        self._transfers(placeholder, opening.credit_transfers)
        self.notes.append(note(placeholder, applied_at, change.notification_id, opening_note(change, opening)))

    def _lines(self, ref: str, notification_id: str, charges: Iterable[ChargeLine],
               instalments: Iterable[Instalment]) -> None:
        # The lines are flat models: their field values as they stand (``vars``) are the row, without the cost of
        # model_dump for each of the dozens of lines a notification writes.
        extra = {"account_ref": ref, "notification_id": notification_id, "superseded": False}
        self.charges.extend({**vars(line), **extra} for line in charges)
        self.instalments.extend({**vars(i), **extra} for i in instalments)

    def _transfers(self, ref: str, transfers: Iterable[CreditTransfer]) -> None:
        self.payments.extend({"account_ref": ref, "financial_year": t.financial_year, "paid_on": t.transferred_on,
                              "amount_pence": t.amount_pence} for t in transfers)

    def _refunds(self, change: AccountChange, ending: LiabilityEnding) -> None:
        for refund in ending.refunds:
            self.refunds.append({
                "account_ref": ending.account_ref, "notification_id": change.notification_id,
                "financial_year": refund.financial_year, "amount_pence": refund.amount_pence,
                "bank_sealed": refund.bank.ciphertext, "bank_masked": refund.bank.masked,
                "held_for_approval": refund.held_for_approval, "instructed_on": refund.instructed_on})
            if not refund.held_for_approval:  # posted at once: the year's credit is settled
                self.payments.append({"account_ref": ending.account_ref, "financial_year": refund.financial_year,
                                      "paid_on": refund.instructed_on, "amount_pence": -refund.amount_pence})

    def record(self, change: AccountChange, touched: list[str], applied_at: datetime) -> None:
        self.applied_ids[change.notification_id] = AppliedChange(
            change.notification_id, change.reference, tuple(touched), applied_at, True)
        self.applied_rows.append({"notification_id": change.notification_id, "reference": change.reference,
                                  "change_fingerprint": change.change_fingerprint, "applied_at": applied_at,
                                  "account_refs": touched})

    def result_for(self, notification_id: str) -> AppliedChange:
        return self.applied_ids[notification_id]

    def number_accounts(self, refs: dict[str, str]) -> None:
        self._refs = refs
        for rows in (self.accounts, self.persons, self.charges, self.instalments, self.notes, self.payments):
            for row in rows:
                row["account_ref"] = refs.get(row["account_ref"], row["account_ref"])

    def resolve(self, result: ApplyResult) -> ApplyResult:
        if isinstance(result, AppliedChange) and result.newly_applied:  # built, not ``replace``d: that costs more
            refs = self._refs
            return AppliedChange(result.notification_id, result.reference,
                                 tuple([refs.get(r, r) for r in result.account_refs]), result.applied_at, True)
        return result

    def write(self, conn: Connection) -> None:
        """Write everything with a few statements: one UPDATE per kind of change, multi-row INSERTs (on
        PostgreSQL all of them in one round trip: ``batch_writes_postgres.py``)."""
        applied_rows = [{**row, "account_refs": ",".join(self._refs.get(r, r) for r in row["account_refs"])}
                        for row in self.applied_rows]
        inserts = ((account_table, self.accounts), (liable_person_table, self.persons),
                   (charge_table, self.charges), (instalment_table, self.instalments),
                   (audit_note_table, self.notes), (payment_table, self.payments),
                   (refund_table, self.refunds), (refund_decision_table, self.refund_decisions),
                   (applied_notification_table, applied_rows))
        if conn.dialect.name == "postgresql":
            run_all(conn, self._postgres_statements(inserts))
            return
        if self.supersede:
            supersede(conn, self.supersede)
        if self.amended_accounts:
            amend_accounts(conn, self.amended_accounts, self.replaced_persons, self.recharged, self.replanned)
        if self.owners:
            conn.execute(update(property_table).where(property_table.c.uprn == bindparam("b_uprn"))
                         .values(owner_name=bindparam("b_owner")), self.owners)
        for table, rows in inserts:
            if rows:
                bulk_insert(conn, table, rows)

    def _postgres_statements(self, inserts: Sequence[tuple[Table, list[dict[str, Any]]]]) -> list[Statement]:
        statements = []
        if self.supersede:
            statements += supersede_statements(self.supersede)
        if self.amended_accounts:
            statements += amend_statements(self.amended_accounts, self.replaced_persons, self.recharged,
                                           self.replanned)
        if self.owners:
            statements.append(owners_statement(self.owners))
        inserted = insert_rows(inserts)
        return statements + ([inserted] if inserted else [])


def note(account_ref: str, noted_at: datetime, notification_id: str, text: str) -> dict[str, Any]:
    return {"account_ref": account_ref, "noted_at": noted_at, "author": PROCESSOR_AUTHOR,
            "notification_id": notification_id, "note": text}
