"""The back office's scheduled import job: take each complete file from the inbox, answer with a results file.

A file is complete once it has its final ``.csv`` name (the sender writes a temporary name and renames it).
Each change record is imported all-or-nothing; the results file (``<name>.results.csv`` in the results folder)
is written atomically, then the import file moves to the archive. In the maintenance window nothing is
imported. The job keeps an import log by file sequence and record (``import_log``): restarted mid-file (or
after the results, before the archive), it resumes, importing only the records it has not, and writes the
same results again.

Results layout: ``H,CTAXRES,1,<sequence>,<imported at>,UTF-8``; one ``R,<reference>,A,<account numbers
separated by ;>,,`` (accepted) or ``R,<reference>,R,,<refusal code>,<reason>`` (rejected) per change record, in
file order; ``T,<count of R records>``.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from legacy.behaviour import Behaviour
from legacy.database import connect, write_transaction
from legacy.import_file import ControlTotalsError, ImportFile, Step, read_import_file
from legacy.import_log import ImportLog, LoggedRecord
from legacy.ledger import Ledger
from legacy.records import Amendment, Ending, RefundDecisionInput, RefusalError

log = logging.getLogger("legacy.files")
Outcome = tuple[str, list[str] | None, RefusalError | None]  # (reference, account numbers, refusal)


class FileImporter:
    def __init__(self, database: Path, inbox: Path, results: Path, behaviour: Behaviour) -> None:
        self._conn = connect(database)
        self._ledger = Ledger(self._conn)
        self._log = ImportLog(self._conn)
        self.inbox, self.results, self.archive = inbox, results, inbox.parent / "archive"
        self.behaviour = behaviour
        self._last_skip_logged = 0.0
        for folder in (inbox, results, self.archive):
            folder.mkdir(parents=True, exist_ok=True)

    def run(self, poll_seconds: float = 0.2) -> None:
        while True:
            self.import_waiting()
            time.sleep(poll_seconds)

    def import_waiting(self) -> int:
        """Import every complete file waiting, oldest name first; returns how many were imported."""
        imported = 0
        for path in sorted(self.inbox.glob("*.csv")):
            if self.behaviour.in_maintenance():
                self._log_skipped("maintenance")
                return imported  # the job does not run now; the files wait for the next run
            if self.behaviour.fails_now():
                self._log_skipped("error")
                return imported
            self.behaviour.wait()
            self.import_file(path)
            imported += 1
        return imported

    def _log_skipped(self, outcome: str) -> None:
        """A run skipped with files waiting goes in the interface log, at most once a second."""
        now = time.monotonic()
        if now - self._last_skip_logged >= 1.0:
            self._ledger.log_call("import run", outcome)
            self._last_skip_logged = now

    def import_file(self, path: Path) -> None:
        content = path.read_bytes()
        try:
            parsed = read_import_file(content)
        except ControlTotalsError as error:
            log.warning("import file failed its control totals", extra={"file": path.name})
            sequence, imported_at = "", _now()
            refusal = RefusalError("FILE_CONTROL_TOTALS", str(error))
            outcomes: list[Outcome] = [(ref, None, refusal) for ref in _references_in(content)]
        else:
            sequence, (outcomes, imported_at) = parsed.sequence, self._import(parsed)
        write_results(self.results / f"{path.stem}.results.csv", sequence, outcomes, imported_at)
        path.replace(self.archive / path.name)
        accepted = sum(1 for _, refs, _ in outcomes if refs is not None)
        self._ledger.log_import(path.name, len(outcomes), accepted)

    def _import(self, parsed: ImportFile) -> tuple[list[Outcome], str]:
        """Each record's outcome (from the log when imported before), and when the file was first imported."""
        logged = self._log.records(parsed.sequence)
        outcomes: list[Outcome] = []
        for position, record in enumerate(parsed.records, start=1):
            earlier = logged.get(position)
            if earlier is None:
                earlier = self._import_record(parsed.sequence, position, record.reference, record.steps)
            elif earlier.reference != record.reference:  # another file under a sequence already imported
                earlier = LoggedRecord(record.reference, None, "SEQUENCE_REUSED", f"File sequence {parsed.sequence} "
                                       "was imported before with other records; nothing of this one is", _now())
            else:
                log.info("record imported before: not imported again", extra={"sequence": parsed.sequence})
            refusal = None if earlier.account_numbers is not None else RefusalError(
                earlier.refusal_code or "REFUSED", earlier.refusal_message or "")
            outcomes.append((record.reference, earlier.account_numbers, refusal))
            logged[position] = earlier
        return outcomes, min((r.imported_at for r in logged.values()), default=_now())

    def _import_record(self, sequence: str, position: int, reference: str,
                       steps: list[Step]) -> LoggedRecord:
        self.behaviour.wait_record()
        try:
            with write_transaction(self._conn):  # every step of the record and its log line, or none of them
                done = LoggedRecord(reference, [self._apply(step) for step in steps], None, None, _now())
                self._log.log(sequence, position, done)
        except RefusalError as refusal:
            done = LoggedRecord(reference, None, refusal.code, refusal.message, _now())
            with write_transaction(self._conn):
                self._log.log(sequence, position, done)
        return done


    def _apply(self, step: Step) -> str:
        if isinstance(step, RefundDecisionInput):
            return self._ledger.decide_refund(step)
        if isinstance(step, Amendment):
            return self._ledger.amend_account(step)
        if isinstance(step, Ending):
            return self._ledger.end_liability(step)
        return self._ledger.create_account(step)


def _references_in(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8", errors="replace"), newline=""))
    return [row[1] for row in rows if len(row) > 1 and row[0] == "C"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_results(path: Path, sequence: str, outcomes: list[Outcome], imported_at: str) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["H", "CTAXRES", "1", sequence, imported_at, "UTF-8"])
    for reference, numbers, refusal in outcomes:
        if refusal is None:
            writer.writerow(["R", reference, "A", ";".join(numbers or []), "", ""])
        else:
            writer.writerow(["R", reference, "R", "", refusal.code, refusal.message])
    writer.writerow(["T", str(len(outcomes))])
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8", newline="") as out:
        out.write(buffer.getvalue())
        out.flush()
        os.fsync(out.fileno())
    temporary.replace(path)
