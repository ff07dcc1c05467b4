"""The import file layout (CSV with header and trailer control records), written from account changes.

See adapters/README.md, "The import-file adapter", for the layout. Values are checked against the field
widths the back office documents before anything is written: a value that does not fit is refused (the change
goes to review), never cut short. Text a spreadsheet would run as a formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from adapters.audit_notes import amendment_note, ending_note, opening_note
from adapters.revenues_port import RefusedChangeError, replanned_years, superseded_from_day
from schemas.events import AccountChange, ChargeLine, Instalment
from schemas.financial_year import financial_year_of

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


def _scheme(twelve_instalments: bool) -> str:
    return "12" if twelve_instalments else "10"


def _optional(value: object | None) -> str:
    return "" if value is None else str(value)


def change_rows(change: AccountChange) -> list[list[str]]:
    """The change's records, in the order the back office applies them: amendments, endings, openings."""
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
    for opening in change.openings:
        rows.append(["O", nid, opening.uprn, opening.liability_start.isoformat(), opening.discount_code or "",
                     str(opening.discount_percent), _scheme(opening.twelve_instalments),
                     _optional(opening.payment_day), opening_note(change, opening),
                     _optional(opening.unoccupied_since), _optional(opening.liability_end)])
        rows += [["P", nid, name] for name in opening.liable_persons]
        rows += _lines(nid, opening.charges, opening.instalments)
    return rows


def hash_total(rows: Sequence[Sequence[str]]) -> int:
    """The sum of every charge (``L``) and instalment (``I``) amount in pence."""
    return sum(int(r[10]) for r in rows if r[0] == "L") + sum(int(r[5]) for r in rows if r[0] == "I")


def import_file(sequence: int, council_code: str, created_at: datetime, changes: Sequence[AccountChange]) -> str:
    """The whole file as text (UTF-8 when written), header to trailer."""
    details = [row for change in changes for row in change_rows(change)]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["H", FILE_TYPE, LAYOUT_VERSION, f"{sequence:06d}", created_at.isoformat(timespec="seconds"),
                     council_code, "UTF-8"])
    writer.writerows([[neutralised(v) for v in row] for row in details])
    writer.writerow(["T", str(len(details)), str(hash_total(details))])
    return buffer.getvalue()
