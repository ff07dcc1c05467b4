"""Reads the back office's results file: one accepted or rejected line per change record."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass


@dataclass(frozen=True)
class RecordResult:
    notification_id: str
    accepted: bool
    account_refs: tuple[str, ...]
    code: str
    reason: str


class UnreadableResultsError(Exception):
    """The results file is not complete or not in the documented layout."""


def read_results(text: str) -> list[RecordResult]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if len(rows) < 2 or rows[0][:3] != ["H", "CTAXRES", "1"] or rows[-1][0] != "T":
        raise UnreadableResultsError("no header or no trailer")
    records = [r for r in rows[1:-1] if r and r[0] == "R"]
    if rows[-1][1:2] != [str(len(records))]:
        raise UnreadableResultsError(f"trailer count {rows[-1][1:2]} but {len(records)} result records")
    return [RecordResult(r[1], r[2] == "A", tuple(x for x in r[3].split(";") if x), r[4], r[5]) for r in records]


def results_sequence(text: str) -> str:
    """The sequence the results file's header names (read after ``read_results`` accepted the file)."""
    header = next(csv.reader(io.StringIO(text, newline="")))
    return header[3] if len(header) > 3 else ""
