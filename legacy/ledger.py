"""The back office's operations on its database: look up, end a liability, open or amend an account, notes.

Each write is one transaction that also writes the caller's note, so the note is there exactly when the
write is. The back office never looks at a note's reference before writing: asking the same thing twice
does it twice, as a real vendor system would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

from legacy.database import write_transaction
from legacy.field_limits import check_discount_code, check_name, check_note, check_payment_day
from legacy.records import (
    Account,
    Amendment,
    Charge,
    Ending,
    Instalment,
    Note,
    NoteInput,
    Opening,
    Payment,
    Refund,
    RefundDecisionInput,
    RefundHeld,
    RefusalError,
)

AUTHOR = "INTERFACE"  # who the back office says wrote a note that came in through an interface


class Ledger:
    """The back office's books, over one SQLite connection (one per serving thread)."""

    def __init__(self, conn: sqlite3.Connection, clock: type[datetime] = datetime) -> None:
        self._conn = conn
        self._clock = clock

    # -- reads ---------------------------------------------------------------------------------------------

    def properties(self, *, postcode: str | None = None, uprns: Sequence[str] = ()) -> list[sqlite3.Row]:
        if postcode is not None:
            return self._conn.execute(
                "SELECT * FROM property WHERE postcode = ? ORDER BY address_line_1", (postcode,)).fetchall()
        marks = ",".join("?" * len(uprns))
        return self._conn.execute(f"SELECT * FROM property WHERE uprn IN ({marks}) ORDER BY uprn",
                                  tuple(uprns)).fetchall() if uprns else []

    def accounts_at(self, uprns: Sequence[str]) -> list[Account]:
        if not uprns:
            return []
        marks = ",".join("?" * len(uprns))
        rows = self._conn.execute(
            f"SELECT * FROM account WHERE uprn IN ({marks}) ORDER BY liability_start DESC, account_no DESC",
            tuple(uprns)).fetchall()
        return [self._summary(row) for row in rows]

    def account(self, account_no: str, *, include_superseded: bool = False) -> Account | None:
        row = self._conn.execute("SELECT * FROM account WHERE account_no = ?", (account_no,)).fetchone()
        if row is None:
            return None
        persons = tuple(r[0] for r in self._conn.execute(
            "SELECT full_name FROM liable_person WHERE account_no = ? ORDER BY position", (account_no,)))
        charges = tuple(_charge(r) for r in self._conn.execute(
            "SELECT * FROM charge WHERE account_no = ? AND superseded = 0 ORDER BY period_start, id", (account_no,)))
        held = self._conn.execute("SELECT * FROM instalment WHERE account_no = ? " + (
            "" if include_superseded else "AND superseded = 0 ") + "ORDER BY due_date, id", (account_no,)).fetchall()
        instalments = tuple(_instalment(r) for r in held if not r["superseded"])
        superseded = tuple(_instalment(r) for r in held if r["superseded"])
        payments = tuple(_payment(r) for r in self._conn.execute(
            "SELECT * FROM payment WHERE account_no = ? ORDER BY paid_on, id", (account_no,)))
        notes = tuple(_note(r) for r in self._conn.execute(
            "SELECT * FROM note WHERE account_no = ? ORDER BY id", (account_no,)))
        refunds = tuple(_refund(r) for r in self._conn.execute(
            "SELECT refund.*, refund_decision.decision, refund_decision.decided_on FROM refund LEFT JOIN "
            "refund_decision ON refund_decision.account_no = refund.account_no AND refund_decision.financial_year "
            "= refund.financial_year WHERE refund.account_no = ? ORDER BY refund.id", (account_no,)))
        summary = self._summary(row)
        return Account(**{**vars(summary), "liable_persons": persons, "charges": charges,
                          "instalments": instalments, "payments": payments, "notes": notes, "refunds": refunds,
                          "superseded_instalments": superseded})

    def notes_by_reference(self, references: Sequence[str]) -> list[Note]:
        if not references:
            return []
        marks = ",".join("?" * len(references))
        return [_note(r) for r in self._conn.execute(
            f"SELECT * FROM note WHERE reference IN ({marks}) ORDER BY id", tuple(references))]

    # -- writes --------------------------------------------------------------------------------------------

    def end_liability(self, ending: Ending) -> str:
        check_note(ending.note.reference, ending.note.text)
        with write_transaction(self._conn) as conn:
            row = conn.execute("SELECT * FROM account WHERE account_no = ?", (ending.account_no,)).fetchone()
            if row is None:
                raise RefusalError("ACCOUNT_UNKNOWN", f"There is no account {ending.account_no}")
            _check_current_end(row, ending)
            if row["liability_start"] != ending.expected_liability_start.isoformat():
                raise RefusalError("LIABILITY_START_MISMATCH", f"Account {ending.account_no} liability started "
                                                          f"{row['liability_start']}, not as expected")
            # Ending on the day before the start withdraws a liability that never ran (nothing is charged).
            if ending.liability_end < date.fromisoformat(row["liability_start"]) - timedelta(days=1):
                raise RefusalError("END_BEFORE_START", f"Account {ending.account_no} cannot end before it started")
            conn.execute("UPDATE charge SET superseded = 1 WHERE account_no = ? AND financial_year >= ? "
                         "AND superseded = 0", (ending.account_no, ending.replace_from_year))
            conn.execute("UPDATE instalment SET superseded = 1 WHERE account_no = ? AND financial_year >= ? "
                         "AND due_date >= ? AND superseded = 0",
                         (ending.account_no, ending.replace_from_year, ending.instalments_from.isoformat()))
            self._write_lines(ending.account_no, ending.charges, ending.instalments)
            _write_payments(conn, ending.account_no, ending.credit_transfers)
            _write_refunds(conn, ending.account_no, ending.refunds)
            note_id = self._write_note(ending.account_no, ending.note)
            conn.execute("UPDATE account SET liability_end = ?, end_note_id = ? WHERE account_no = ?",
                         (ending.liability_end.isoformat(), note_id, ending.account_no))
        return ending.account_no

    def decide_refund(self, decided: RefundDecisionInput) -> str:
        """Release a refund held for approval or keep its credit, once; refused when no such refund is held or it
        was decided the other way. The note is written either way (the caller's record of the call)."""
        check_note(decided.note.reference, decided.note.text)
        wanted = "approved" if decided.approved else "rejected"
        with write_transaction(self._conn) as conn:
            refund = conn.execute("SELECT amount_pence FROM refund WHERE account_no = ? AND financial_year = ? "
                                  "AND held_for_approval = 1", (decided.account_no, decided.financial_year)).fetchone()
            if refund is None:
                raise RefusalError("NO_HELD_REFUND", f"Account {decided.account_no} has no refund for "
                                                     f"{decided.financial_year} held for approval")
            earlier = conn.execute("SELECT decision FROM refund_decision WHERE account_no = ? AND financial_year = ?",
                                   (decided.account_no, decided.financial_year)).fetchone()
            if earlier is not None and earlier["decision"] != wanted:
                refund_id = f"{decided.account_no}/{decided.financial_year}"
                raise RefusalError("REFUND_ALREADY_DECIDED",
                                   f"The refund {refund_id} was already {earlier['decision']}")
            if earlier is None:
                conn.execute("INSERT INTO refund_decision (account_no, financial_year, decision, decided_on) "
                             "VALUES (?, ?, ?, ?)", (decided.account_no, decided.financial_year, wanted,
                                                     decided.decided_on.isoformat()))
                if decided.approved:
                    _write_payments(conn, decided.account_no, (Payment(decided.financial_year, decided.decided_on,
                                                                       -refund["amount_pence"]),))
            self._write_note(decided.account_no, decided.note)
        return decided.account_no

    def amend_account(self, amendment: Amendment) -> str:
        """Change an open account from a date; refused whole if any value does not fit or the account moved on."""
        if amendment.replace_liable_persons:
            if not amendment.liable_persons:
                raise RefusalError("NAME_MISSING", "An account needs at least one liable person")
            for name in amendment.liable_persons:
                check_name(name)
        check_discount_code(amendment.discount_code)
        check_payment_day(amendment.payment_day)
        check_note(amendment.note.reference, amendment.note.text)
        number = amendment.account_no
        with write_transaction(self._conn) as conn:
            row = conn.execute("SELECT * FROM account WHERE account_no = ?", (number,)).fetchone()
            if row is None:
                raise RefusalError("ACCOUNT_UNKNOWN", f"There is no account {number}")
            if row["liability_end"] is not None:
                raise RefusalError("ACCOUNT_CLOSED", f"Account {number} is closed (liability ended "
                                                f"{row['liability_end']}): it cannot be amended")
            if row["liability_start"] != amendment.expected_liability_start.isoformat():
                raise RefusalError("LIABILITY_START_MISMATCH", f"Account {number} liability started "
                                                          f"{row['liability_start']}, not as expected")
            conn.execute("UPDATE account SET discount_code = ?, discount_percent = ?, twelve_instalments = ?, "
                         "payment_day = ? WHERE account_no = ?",
                         (amendment.discount_code, amendment.discount_percent, int(amendment.twelve_instalments),
                          amendment.payment_day, number))
            if amendment.replace_liable_persons:
                conn.execute("DELETE FROM liable_person WHERE account_no = ?", (number,))
                conn.executemany("INSERT INTO liable_person (account_no, position, full_name) VALUES (?, ?, ?)",
                                 [(number, i, n) for i, n in enumerate(amendment.liable_persons, start=1)])
            charges: tuple[Charge, ...] = ()
            instalments: tuple[Instalment, ...] = ()
            if amendment.recharge_from_year is not None:
                conn.execute("UPDATE charge SET superseded = 1 WHERE account_no = ? AND financial_year >= ? "
                             "AND superseded = 0", (number, amendment.recharge_from_year))
                charges = amendment.charges
            if amendment.replan_years:
                conn.executemany("UPDATE instalment SET superseded = 1 WHERE account_no = ? AND financial_year = ? "
                                 "AND due_date >= ? AND superseded = 0",
                                 [(number, year, amendment.instalments_from.isoformat())
                                  for year in amendment.replan_years])
                instalments = amendment.instalments
            self._write_lines(number, charges, instalments)
            self._write_note(number, amendment.note)
        return number

    def create_account(self, opening: Opening) -> str:
        for name in opening.liable_persons:
            check_name(name)
        if not opening.liable_persons:
            raise RefusalError("NAME_MISSING", "An account needs at least one liable person")
        check_discount_code(opening.discount_code)
        check_payment_day(opening.payment_day)
        check_note(opening.note.reference, opening.note.text)
        with write_transaction(self._conn) as conn:
            if conn.execute("SELECT 1 FROM property WHERE uprn = ?", (opening.uprn,)).fetchone() is None:
                raise RefusalError("PROPERTY_UNKNOWN", f"Property {opening.uprn} is not in the back office's register")
            occupied = _overlapping(conn, opening)
            if occupied is not None:
                raise RefusalError("PROPERTY_OCCUPIED", f"Property {opening.uprn} still has an open account "
                                                   f"{occupied}" if opening.liability_end is None else
                                   f"Property {opening.uprn} has account {occupied} for some of those days")
            number = conn.execute("UPDATE account_counter SET next_number = next_number + 1 WHERE id = 1 "
                                  "RETURNING next_number - 1").fetchone()[0]
            account_no = f"{number:08d}"
            conn.execute("INSERT INTO account (account_no, uprn, liability_start, liability_end, discount_code, "
                         "discount_percent, paid_this_year_pence, created_at, twelve_instalments, payment_day, "
                         "unoccupied_since) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                         (account_no, opening.uprn, opening.liability_start.isoformat(),
                          opening.liability_end.isoformat() if opening.liability_end else None, opening.discount_code,
                          opening.discount_percent, self._now(), int(opening.twelve_instalments),
                          opening.payment_day,
                          opening.unoccupied_since.isoformat() if opening.unoccupied_since else None))
            conn.executemany("INSERT INTO liable_person (account_no, position, full_name) VALUES (?, ?, ?)",
                             [(account_no, i, name) for i, name in enumerate(opening.liable_persons, start=1)])
            self._write_lines(account_no, opening.charges, opening.instalments)
            if opening.unoccupied_since is not None:  # the owner's account: the register names them owner
                conn.execute("UPDATE property SET owner_name = ? WHERE uprn = ?",
                             (opening.liable_persons[0], opening.uprn))
            _write_payments(conn, account_no, opening.credit_transfers)
            note_id = self._write_note(account_no, opening.note)
            if opening.liability_end is not None:  # the note that opened it also ended it
                conn.execute("UPDATE account SET end_note_id = ? WHERE account_no = ?", (note_id, account_no))
        return account_no

    def record_payment(self, account_no: str, payment: Payment) -> None:
        """Post a payment towards one financial year of an account (the cash office's posting)."""
        if payment.amount_pence <= 0:
            raise RefusalError("PAYMENT_NOT_POSITIVE", "A payment is a positive amount (a refund is not a payment)")
        with write_transaction(self._conn) as conn:
            if conn.execute("SELECT 1 FROM account WHERE account_no = ?", (account_no,)).fetchone() is None:
                raise RefusalError("ACCOUNT_UNKNOWN", f"There is no account {account_no}")
            _write_payments(conn, account_no, (payment,))

    def add_note(self, account_no: str, note: NoteInput) -> None:
        check_note(note.reference, note.text)
        with write_transaction(self._conn) as conn:
            if conn.execute("SELECT 1 FROM account WHERE account_no = ?", (account_no,)).fetchone() is None:
                raise RefusalError("ACCOUNT_UNKNOWN", f"There is no account {account_no}")
            self._write_note(account_no, note)

    def log_call(self, operation: str, outcome: str) -> None:
        """The interface log: every call and how it ended (ok, refused, error, maintenance, stalled)."""
        with write_transaction(self._conn) as conn:
            conn.execute("INSERT INTO interface_log VALUES (?, ?, ?)", (self._now(), operation, outcome))

    def log_import(self, file_name: str, records: int, accepted: int) -> None:
        with write_transaction(self._conn) as conn:
            conn.execute("INSERT INTO import_log VALUES (?, ?, ?, ?, ?)",
                         (file_name, self._now(), records, accepted, records - accepted))

    def _write_lines(self, account_no: str, charges: Iterable[Charge], instalments: Iterable[Instalment]) -> None:
        self._conn.executemany(
            "INSERT INTO charge (account_no, financial_year, period_start, period_end, days, band, "
            "annual_charge_pence, discount_code, discount_percent, charge_pence) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(account_no, c.financial_year, c.period_start.isoformat(), c.period_end.isoformat(), c.days, c.band,
              c.annual_charge_pence, c.discount_code, c.discount_percent, c.charge_pence) for c in charges])
        self._conn.executemany(
            "INSERT INTO instalment (account_no, financial_year, sequence, due_date, amount_pence) "
            "VALUES (?,?,?,?,?)",
            [(account_no, i.financial_year, i.sequence, i.due_date.isoformat(), i.amount_pence)
             for i in instalments])

    def _write_note(self, account_no: str, note: NoteInput) -> int:
        row = self._conn.execute("INSERT INTO note (account_no, reference, text, created_by, created_at) "
                                 "VALUES (?, ?, ?, ?, ?) RETURNING id",
                                 (account_no, note.reference, note.text, AUTHOR, self._now())).fetchone()
        return int(row[0])

    def _summary(self, row: sqlite3.Row) -> Account:
        ended_by = None
        if row["liability_end"] is not None and row["end_note_id"] is not None:
            found = self._conn.execute("SELECT * FROM note WHERE id = ?", (row["end_note_id"],)).fetchone()
            ended_by = _note(found) if found is not None else None
        return Account(account_no=row["account_no"], uprn=row["uprn"], liability_start=row["liability_start"],
                       liability_end=row["liability_end"], discount_code=row["discount_code"],
                       discount_percent=row["discount_percent"], twelve_instalments=bool(row["twelve_instalments"]),
                       payment_day=row["payment_day"], ended_by_note=ended_by,
                       unoccupied_since=row["unoccupied_since"])

    def _now(self) -> str:
        return self._clock.now(UTC).isoformat(timespec="milliseconds")


def _overlapping(conn: sqlite3.Connection, opening: Opening) -> str | None:
    """An account at the property an opening would overlap: an open one, or (for an opening already ended) one
    liable on any of its days."""
    if opening.liability_end is None:
        row = conn.execute("SELECT account_no FROM account WHERE uprn = ? AND liability_end IS NULL",
                           (opening.uprn,)).fetchone()
    else:
        row = conn.execute("SELECT account_no FROM account WHERE uprn = ? AND liability_start <= ? AND "
                           "(liability_end IS NULL OR (liability_end >= ? AND liability_end >= liability_start))",
                           (opening.uprn, opening.liability_end.isoformat(),
                            opening.liability_start.isoformat())).fetchone()
    return None if row is None else str(row[0])


def _check_current_end(row: sqlite3.Row, ending: Ending) -> None:
    """Open, when no current end is expected; else ended on the day expected, and not ended later than that."""
    held, expected = row["liability_end"], ending.expected_liability_end
    if expected is None:
        if held is not None:
            raise RefusalError("ACCOUNT_CLOSED", f"Account {ending.account_no} is already closed "
                                            f"(liability ended {held})")
        return
    if held != expected.isoformat():
        raise RefusalError("LIABILITY_END_MISMATCH", f"Account {ending.account_no} no longer ends on "
                                                f"{expected.isoformat()} (its liability end is {held or 'open'})")
    if ending.liability_end > expected:
        raise RefusalError("END_AFTER_CURRENT_END", f"Account {ending.account_no} ended {held}: an ending can be "
                                               "completed or brought back, not moved later")


def _charge(row: sqlite3.Row) -> Charge:
    return Charge(row["financial_year"], date.fromisoformat(row["period_start"]),
                  date.fromisoformat(row["period_end"]), row["days"], row["band"], row["annual_charge_pence"],
                  row["discount_code"], row["discount_percent"], row["charge_pence"])


def _instalment(row: sqlite3.Row) -> Instalment:
    return Instalment(row["financial_year"], row["sequence"], date.fromisoformat(row["due_date"]),
                      row["amount_pence"])


def _payment(row: sqlite3.Row) -> Payment:
    return Payment(row["financial_year"], date.fromisoformat(row["paid_on"]), row["amount_pence"])


def _write_payments(conn: sqlite3.Connection, account_no: str, payments: Iterable[Payment]) -> None:
    conn.executemany("INSERT INTO payment (account_no, financial_year, paid_on, amount_pence) VALUES (?, ?, ?, ?)",
                     [(account_no, p.financial_year, p.paid_on.isoformat(), p.amount_pence) for p in payments])


def _write_refunds(conn: sqlite3.Connection, account_no: str, refunds: Iterable[Refund]) -> None:
    """Record each refund; one not held for approval is posted at once as a negative payment towards its year."""
    for refund in refunds:
        if len(refund.sort_code) != 6 or len(refund.account_number) != 8 or not refund.account_holder:
            raise RefusalError("BANK_DETAILS_INVALID", "A refund needs the account holder, a 6-digit sort code and "
                                                       "an 8-digit account number")
        conn.execute("INSERT INTO refund (account_no, financial_year, amount_pence, account_holder, sort_code, "
                     "account_number, instructed_on, held_for_approval) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (account_no, refund.financial_year, refund.amount_pence, refund.account_holder,
                      refund.sort_code, refund.account_number, refund.instructed_on.isoformat(),
                      int(refund.held_for_approval)))
        if not refund.held_for_approval:
            _write_payments(conn, account_no, (Payment(refund.financial_year, refund.instructed_on,
                                                       -refund.amount_pence),))


def _refund(row: sqlite3.Row) -> RefundHeld:
    masked = f"sort code **-**-{row['sort_code'][-2:]}, account ****{row['account_number'][-4:]}"
    return RefundHeld(row["financial_year"], row["amount_pence"], masked, bool(row["held_for_approval"]),
                      date.fromisoformat(row["instructed_on"]), row["decision"],
                      date.fromisoformat(row["decided_on"]) if row["decided_on"] else None)


def _note(row: sqlite3.Row) -> Note:
    return Note(row["account_no"], row["reference"], row["text"], row["created_by"], row["created_at"])


def load_register(conn: sqlite3.Connection, properties: Iterable[dict[str, str | None]],
                  accounts: Iterable[Account]) -> None:
    """Load a register and accounts migrated from an older system (they keep their numbers)."""
    with write_transaction(conn):
        conn.executemany("INSERT INTO property (uprn, property_ref, address_line_1, address_line_2, town, postcode, "
                         "band, owner_name, furnished, premium_exception, premium_exception_from) VALUES (:uprn, "
                         ":property_ref, :address_line_1, :address_line_2, :town, :postcode, :band, :owner_name, "
                         ":furnished, :premium_exception, :premium_exception_from)",
                         [{"owner_name": None, "furnished": False, "premium_exception": None,
                           "premium_exception_from": None, **prop} for prop in properties])
        for account in accounts:
            conn.execute("INSERT INTO account (account_no, uprn, liability_start, liability_end, discount_code, "
                         "discount_percent, paid_this_year_pence, created_at, twelve_instalments, payment_day, "
                         "unoccupied_since) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                         (account.account_no, account.uprn, account.liability_start, account.liability_end,
                          account.discount_code, account.discount_percent,
                          "migrated", int(account.twelve_instalments), account.payment_day,
                          account.unoccupied_since))
            conn.executemany("INSERT INTO liable_person (account_no, position, full_name) VALUES (?, ?, ?)",
                             [(account.account_no, i, n) for i, n in enumerate(account.liable_persons, start=1)])
            Ledger(conn)._write_lines(account.account_no, account.charges, account.instalments)
            _write_payments(conn, account.account_no, account.payments)
