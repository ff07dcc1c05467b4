"""The import file layout (CSV with header and trailer control records), written from account changes.

See adapters/README.md, "The import-file adapter", for the layout. Values are checked against the field
widths the back office documents before anything is written: a value that does not fit is refused (the change
goes to review), never cut short. Text a spreadsheet would run as a formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import datetime

from adapters.audit_notes import amendment_note, ending_note, opening_note
from adapters.revenues_port import RefusedChangeError, replanned_years, superseded_from_day
from schemas.events import AccountChange, ChargeLine, CreditTransfer, Instalment, RefundInstruction
from schemas.financial_year import financial_year_of
from schemas.notification import BankAccountDetails, SealedBankAccount

# Opens a refund's sealed bank details for the back office (None: the worker holds no key, and refunds are refused).
Opener = Callable[[SealedBankAccount], BankAccountDetails] | None
SEALED_PREFIX = "sealed:"

FILE_TYPE, LAYOUT_VERSION = "CTAXCHG", "2"  # 2: expected current end, payment arrangements, amendments
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Field widths of the back office's import specification (characters).
WIDTHS = {"liable person name": 40, "note": 2000, "discount code": 6, "notification id": 40, "reference": 20}


def neutralised(value: str) -> str:
    """A leading apostrophe stops a spreadsheet running the value as a formula; the importer removes it.

    Amounts (a minus sign then digits) are numbers, not formulas, and are left as they are."""
    if value.removeprefix("-").isdigit():
        return value
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def check_fits(change: AccountChange) -> None:
    """Raise RefusedChangeError when a value of the change is wider than its field."""
    values = [("notification id", change.notification_id), ("reference", change.reference)]
    for opening in change.openings:
        values += [("liable person name", name) for name in opening.liable_persons]
        values += [("discount code", opening.discount_code or ""), ("note", opening_note(change, opening))]
    values += [("note", ending_note(change, ending)) for ending in change.endings]
    for amendment in change.amendments:
        if amendment.replaces_liable_persons:
            values += [("liable person name", name) for name in amendment.liable_persons]
        values += [("discount code", amendment.discount_code or ""), ("note", amendment_note(change, amendment))]
    values += [("note", decided.note) for decided in change.refund_decisions]
    for field, value in values:
        if len(neutralised(value)) > WIDTHS[field]:
            raise RefusedChangeError(
                f"A {field} is {len(value)} characters; the revenues system's import file holds at most "
                f"{WIDTHS[field]}, so the change was not sent (nothing is cut short)", "FIELD_TOO_LONG")


def _lines(nid: str, charges: Sequence[ChargeLine], instalments: Sequence[Instalment]) -> list[list[str]]:
    rows = [["L", nid, str(c.financial_year), c.period_start.isoformat(), c.period_end.isoformat(), str(c.days),
             c.band, str(c.annual_charge_pence), c.discount_code or "", str(c.discount_percent), str(c.charge_pence)]
            for c in charges]
    rows += [["I", nid, str(i.financial_year), str(i.sequence), i.due_date.isoformat(), str(i.amount_pence)]
             for i in instalments]
    return rows


def _transfers(nid: str, transfers: Sequence[CreditTransfer]) -> list[list[str]]:
    """``M`` records: credit moved off (negative) or onto (positive) the account of the ``E`` or ``O`` before."""
    return [["M", nid, str(t.financial_year), t.transferred_on.isoformat(), str(t.amount_pence)] for t in transfers]


def _refunds(nid: str, refunds: Sequence[RefundInstruction]) -> list[list[str]]:
    """``F`` records: the final bill's credit refunded to a bank account. The file as kept until delivered holds
    the sealed details (in the account holder's field); ``opened_for_delivery`` puts them in clear as the file
    goes to the back office, which pays from them."""
    return [["F", nid, str(r.financial_year), str(r.amount_pence), SEALED_PREFIX + r.bank.ciphertext, "", "",
             r.instructed_on.isoformat(), "Y" if r.held_for_approval else "N"] for r in refunds]


def check_refunds_can_be_opened(change: AccountChange, opened: Opener) -> None:
    """Raise RefusedChangeError when the change refunds a credit and the worker holds no key to open the details."""
    if opened is None and any(ending.refunds for ending in change.endings):
        raise RefusedChangeError("A refund's bank details cannot be opened: the worker has no CTAX_BANK_DETAILS_KEYS",
                                 "BANK_DETAILS_KEY_MISSING")


def opened_for_delivery(content: str, opened: Opener) -> str:
    """The import file with each ``F`` record's sealed bank details in clear (its control totals unchanged)."""
    if f"{SEALED_PREFIX}" not in content:
        return content
    assert opened is not None  # check_refunds_can_be_opened refused such a change before its file was made
    rows = list(csv.reader(io.StringIO(content, newline="")))
    for row in rows:
        if row[0] == "F" and row[4].startswith(SEALED_PREFIX):
            bank = opened(SealedBankAccount(ciphertext=row[4].removeprefix(SEALED_PREFIX), masked="-"))
            row[4:7] = [neutralised(bank.account_holder), bank.sort_code, bank.account_number]
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _scheme(twelve_instalments: bool) -> str:
    return "12" if twelve_instalments else "10"


def _optional(value: object | None) -> str:
    return "" if value is None else str(value)


def change_rows(change: AccountChange) -> list[list[str]]:
    """The change's records, in the order the back office applies them: amendments, endings, openings, then ``D``
    records (an officer's decision on a refund held for approval)."""
    nid = change.notification_id
    rows = [["C", nid, change.reference, change.kind.value, change.notice_date.isoformat()]]
    for a in change.amendments:
        rows.append(["A", nid, a.account_ref, a.expected_liability_start.isoformat(), a.effective_date.isoformat(),
                     "Y" if a.replaces_liable_persons else "N", a.discount_code or "", str(a.discount_percent),
                     _scheme(a.twelve_instalments), _optional(a.payment_day), _optional(a.first_recharged_year),
                     " ".join(str(year) for year in replanned_years(a)),
                     superseded_from_day(change, a.year_bills).isoformat(), amendment_note(change, a)])
        rows += [["P", nid, name] for name in (a.liable_persons if a.replaces_liable_persons else ())]
        rows += _lines(nid, a.charges if a.first_recharged_year is not None else (),
                       a.instalments if a.replanned_year is not None else ())
    for ending in change.endings:
        expected_end = ending.expected_liability_end
        rows.append(["E", nid, ending.account_ref, ending.expected_liability_start.isoformat(),
                     expected_end.isoformat() if expected_end else "", ending.liability_end.isoformat(),
                     str(financial_year_of(ending.liability_end).start_year),
                     superseded_from_day(change, ending.year_bills).isoformat(),
                     ending_note(change, ending)])
        rows += _lines(nid, ending.charges, ending.instalments)
        rows += _transfers(nid, ending.credit_transfers)
        rows += _refunds(nid, ending.refunds)
    for opening in change.openings:
        rows.append(["O", nid, opening.uprn, opening.liability_start.isoformat(), opening.discount_code or "",
                     str(opening.discount_percent), _scheme(opening.twelve_instalments),
                     _optional(opening.payment_day), opening_note(change, opening),
                     _optional(opening.unoccupied_since), _optional(opening.liability_end)])
        rows += [["P", nid, name] for name in opening.liable_persons]
        rows += _lines(nid, opening.charges, opening.instalments)
        rows += _transfers(nid, opening.credit_transfers)
    rows += [["D", nid, d.account_ref, str(d.financial_year), "approved" if d.approved else "rejected",
              d.decided_on.isoformat(), d.note] for d in change.refund_decisions]
    return rows


def hash_total(rows: Sequence[Sequence[str]]) -> int:
    """The sum of every charge (``L``), instalment (``I``), credit moved (``M``, unsigned) and refund (``F``) amount
    in pence."""
    return (sum(int(r[10]) for r in rows if r[0] == "L") + sum(int(r[5]) for r in rows if r[0] == "I")
            + sum(abs(int(r[4])) for r in rows if r[0] == "M") + sum(int(r[3]) for r in rows if r[0] == "F"))


def import_file(sequence: int, council_code: str, created_at: datetime, changes: Sequence[AccountChange]) -> str:
    """The whole file as text (UTF-8 when written), header to trailer; refunds' bank details still sealed."""
    details = [row for change in changes for row in change_rows(change)]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["H", FILE_TYPE, LAYOUT_VERSION, f"{sequence:06d}", created_at.isoformat(timespec="seconds"),
                     council_code, "UTF-8"])
    writer.writerows([[neutralised(v) for v in row] for row in details])
    writer.writerow(["T", str(len(details)), str(hash_total(details))])
    return buffer.getvalue()
