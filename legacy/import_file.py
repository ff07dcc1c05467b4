"""Reads one import file in the back office's documented layout (adapters/README.md, "The import-file adapter").

CSV (RFC 4180), UTF-8 as the header declares. Record types: ``H`` header, ``C`` change, ``A`` amend an open
account, ``E`` end a liability, ``O`` open an account, ``P`` liable person of the ``O`` (or replacing ones of the
``A``) before it, ``L`` charge line and ``I`` instalment of the ``A``, ``E`` or ``O`` before them, ``M`` credit
moved off (negative) or onto (positive) the account of the ``E`` or ``O`` before it, posted as a payment, ``F``
refund of the final bill's credit of the ``E`` before it, ``D`` an officer's decision on a refund held for
approval (the account and year, approved or rejected, the day, the note), ``T`` trailer
with the count of records between header and trailer and the hash total (the sum of every ``L`` charge and ``I``
amount, in pence). Layout 1 (moves only) is still read: its ``E`` has no expected current end, its ``O`` no
payment arrangement, and it has no ``A``. A field that starts with an apostrophe followed by
``= + - @``, a tab or a carriage return had the apostrophe added so a spreadsheet would not run it: it is removed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import date

from legacy.records import (
    Amendment,
    Charge,
    Ending,
    Instalment,
    NoteInput,
    Opening,
    Payment,
    Refund,
    RefundDecisionInput,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Step = Amendment | Ending | Opening | RefundDecisionInput


@dataclass
class ChangeRecord:
    """One notification's writes: its ``C`` record and the ``E``/``O`` records (with their lines) after it."""

    reference: str
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class ImportFile:
    sequence: str
    records: list[ChangeRecord]


class ControlTotalsError(Exception):
    """The file's trailer does not match its contents (or is missing): nothing in it is imported."""


def _plain(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def _charge(row: list[str]) -> Charge:
    fy, start, end, days, band, annual, code, percent, pence = row[2:11]
    return Charge(int(fy), date.fromisoformat(start), date.fromisoformat(end), int(days), band, int(annual),
                  code or None, int(percent), int(pence))


def _instalment(row: list[str]) -> Instalment:
    fy, sequence, due, pence = row[2:6]
    return Instalment(int(fy), int(sequence), date.fromisoformat(due), int(pence))


def read_import_file(content: bytes) -> ImportFile:
    """Parse and check the control totals; a malformed file raises ControlTotalsError."""
    try:
        return _read(content)
    except (ValueError, IndexError) as error:
        raise ControlTotalsError(f"malformed record: {error}") from None


def _read(content: bytes) -> ImportFile:
    try:
        rows = [[_plain(v) for v in row] for row in csv.reader(io.StringIO(content.decode("utf-8"), newline=""))]
    except (UnicodeDecodeError, csv.Error) as error:
        raise ControlTotalsError(f"unreadable file: {error}") from None
    if len(rows) < 2 or rows[0][:2] != ["H", "CTAXCHG"] or rows[0][2:3] not in (["1"], ["2"]) or rows[-1][0] != "T":
        raise ControlTotalsError("no header or no trailer: the file is incomplete")
    if rows[0][6:7] != ["UTF-8"]:
        raise ControlTotalsError("the header does not declare UTF-8")
    details = rows[1:-1]
    hash_total = (sum(int(r[10]) for r in details if r[0] == "L") + sum(int(r[5]) for r in details if r[0] == "I")
                  + sum(abs(int(r[4])) for r in details if r[0] == "M")
                  + sum(int(r[3]) for r in details if r[0] == "F"))
    if rows[-1][1:3] != [str(len(details)), str(hash_total)]:
        raise ControlTotalsError(f"trailer says {rows[-1][1:3]}, the file holds {len(details)} records "
                                 f"totalling {hash_total}")
    records: list[ChangeRecord] = []
    for row in details:
        kind = row[0]
        if kind == "C":
            records.append(ChangeRecord(reference=row[1]))
        elif kind in {"A", "E", "O"}:
            records[-1].steps.append(_step(kind, row, layout=rows[0][2]))
        elif kind == "D":
            records[-1].steps.append(_decision(row))
        elif kind in {"P", "L", "I", "M", "F"}:
            _attach(records[-1], kind, row)
        else:
            raise ControlTotalsError(f"unknown record type {kind!r}")
    return ImportFile(rows[0][3], records)


def _optional_int(value: str) -> int | None:
    return int(value) if value else None


def _step(kind: str, row: list[str], layout: str) -> Amendment | Ending | Opening:
    if kind == "A":
        (account_no, expected, effective, replace_persons, code, percent, scheme, payment_day, recharge, replan,
         instalments_from, note) = row[2:14]
        return Amendment(account_no, date.fromisoformat(expected), date.fromisoformat(effective),
                         _yes_no(replace_persons), (), code or None, int(percent), _twelve(scheme),
                         _optional_int(payment_day), _optional_int(recharge), (),
                         tuple(int(year) for year in replan.split()),
                         date.fromisoformat(instalments_from), (), NoteInput(row[1], note))
    if kind == "E":
        if layout == "1":
            account_no, expected, end, year, instalments_from, note = row[2:8]
            expected_end = ""
        else:
            account_no, expected, expected_end, end, year, instalments_from, note = row[2:9]
        return Ending(account_no, date.fromisoformat(expected), date.fromisoformat(end), int(year),
                      date.fromisoformat(instalments_from), (), (), NoteInput(row[1], note),
                      expected_liability_end=date.fromisoformat(expected_end) if expected_end else None)
    if layout == "1":
        uprn, start, code, percent, note = row[2:7]
        scheme, payment_day = "10", ""
    else:
        uprn, start, code, percent, scheme, payment_day, note = row[2:9]
    # Since the owner's liability for empty dwellings, an ``O`` may end with the day it has been empty since.
    # and the last day of an account opened for days already over.
    empty_since, end = (*row[9:11], "", "")[:2]
    return Opening(uprn, date.fromisoformat(start), (), code or None, int(percent), (), (), NoteInput(row[1], note),
                   twelve_instalments=_twelve(scheme), payment_day=_optional_int(payment_day),
                   unoccupied_since=date.fromisoformat(empty_since) if empty_since else None,
                   liability_end=date.fromisoformat(end) if end else None)


def _decision(row: list[str]) -> RefundDecisionInput:
    account_no, year, decision, decided_on, note = row[2:7]
    if decision not in {"approved", "rejected"}:
        raise ValueError(f"a refund decision is approved or rejected, not {decision!r}")
    return RefundDecisionInput(account_no, int(year), decision == "approved", date.fromisoformat(decided_on),
                               NoteInput(row[1], note))


def _yes_no(value: str) -> bool:
    if value not in {"Y", "N"}:
        raise ValueError(f"expected Y or N, not {value!r}")
    return value == "Y"


def _twelve(scheme: str) -> bool:
    if scheme not in {"10", "12"}:
        raise ValueError(f"the instalment scheme is 10 or 12, not {scheme!r}")
    return scheme == "12"


def _attach(record: ChangeRecord, kind: str, row: list[str]) -> None:
    step = record.steps[-1]
    if isinstance(step, RefundDecisionInput):
        raise ControlTotalsError(f"a {kind} record cannot follow a D record")
    if kind == "P":
        if not isinstance(step, Opening | Amendment):
            raise ControlTotalsError("a P record must follow an O or A record")
        record.steps[-1] = replace(step, liable_persons=(*step.liable_persons, row[2]))
    elif kind == "L":
        record.steps[-1] = replace(step, charges=(*step.charges, _charge(row)))
    elif kind == "F":
        if not isinstance(step, Ending):
            raise ControlTotalsError("an F record must follow an E record")
        fy, pence, holder, sort_code, account_number, instructed_on, held = row[2:9]
        refund = Refund(int(fy), int(pence), holder, sort_code, account_number, date.fromisoformat(instructed_on),
                        held_for_approval=_yes_no(held))
        record.steps[-1] = replace(step, refunds=(*step.refunds, refund))
    elif kind == "M":
        if not isinstance(step, Ending | Opening):
            raise ControlTotalsError("an M record must follow an E or O record")
        fy, paid_on, pence = row[2:5]
        moved = Payment(int(fy), date.fromisoformat(paid_on), int(pence))
        record.steps[-1] = replace(step, credit_transfers=(*step.credit_transfers, moved))
    else:
        record.steps[-1] = replace(step, instalments=(*step.instalments, _instalment(row)))
