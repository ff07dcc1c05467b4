"""The import-file adapter: a batch of account changes becomes one import file; its results file says what
the back office did with each change.

``apply_account_changes``:

1. The journal says which of these notifications already have a file (and, once read, its results).
2. The others are checked against the layout's field widths (a value too wide is refused, not cut), then
   given to a new file in one journal transaction that keeps the file's content; only then is the file
   written to the outbox (temporary name, fsync, rename).
3. Every file holding these notifications that is not yet in the outbox is (re)delivered from the journal:
   after a crash between the journal and the rename, the same file goes out, never a second one.
4. The adapter waits (bounded) for the results files. Accepted: applied. Rejected: stale (the account had
   changed) or refused, with the back office's reason. Not back in time: RevenuesUnavailableError, so the
   runner parks the batch and retries; the retry finds the files in the journal and waits again.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from pathlib import Path

from adapters.files.incidents import (
    INCIDENT_CODE,
    Incident,
    first_reading_incidents,
    later_reading_incident,
    raise_incident,
)
from adapters.files.journal import Journal, JournalRecord
from adapters.files.layout import check_fits, check_refunds_can_be_opened, import_file, opened_for_delivery
from adapters.files.outbox import Outbox
from adapters.files.overdue import report_overdue
from adapters.files.reporting_reader import ReportingReader
from adapters.files.results_file import UnreadableResultsError, read_results, results_sequence
from adapters.revenues_port import (
    AccountView,
    AppliedChange,
    ApplyResult,
    HeldRefund,
    RefusedChangeError,
    RegisterProperty,
    RevenuesUnavailableError,
    StaleAccountError,
)
from schemas.bank_details import BankDetailsSealer
from schemas.events import AccountChange, PropertyFacts
from schemas.notification import BankAccountDetails, SealedBankAccount

STALE_CODES = frozenset({"ACCOUNT_CLOSED", "ACCOUNT_UNKNOWN", "LIABILITY_START_MISMATCH", "LIABILITY_END_MISMATCH",
                         "PROPERTY_OCCUPIED"})


RECHECKED_FILES = 20  # latest answered files whose results file is looked at again for a change


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utc_now() -> datetime:
    return datetime.now(UTC)


class FileRevenuesSystem:
    """The revenues port over import files (writes) and the back office's reporting database (reads)."""

    def __init__(self, *, outbox: Path, results: Path, journal: Path, reporting_database: Path,
                 council_code: str = "E99999999", results_wait_seconds: float = 30.0,
                 results_alert_seconds: float = 900.0, poll_seconds: float = 0.1,
                 clock: Callable[[], datetime] = utc_now, bank_details: BankDetailsSealer | None = None) -> None:
        self._bank_details = bank_details  # opens refunds' bank details as a file is delivered
        self._outbox = Outbox(outbox, results)
        self._journal = Journal(journal)
        self._reader = ReportingReader(reporting_database)
        self._council = council_code
        self._wait = results_wait_seconds
        self._alert = results_alert_seconds
        self._poll = poll_seconds
        self._clock = clock

    def close(self) -> None:
        self._journal.close()

    def _opened(self, sealed: SealedBankAccount) -> BankAccountDetails:
        if self._bank_details is None:
            raise RevenuesUnavailableError("A refund's bank details cannot be opened: the worker has no "
                                           "CTAX_BANK_DETAILS_KEYS (the file waits undelivered)")
        return self._bank_details.open(sealed)

    # -- reads -----------------------------------------------------------------------------------------------

    def properties_by_postcode(self, postcode: str) -> list[RegisterProperty]:
        return self._reader.properties_by_postcode(postcode)

    def property(self, uprn: str) -> RegisterProperty | None:
        """The register entry of one dwelling (the staff workspace reads it)."""
        return self._reader.property(uprn)

    def property_facts_many(self, uprns: Collection[str]) -> dict[str, PropertyFacts]:
        return self._reader.property_facts_many(uprns, self._references_of)

    def _references_of(self, notification_ids: Collection[str]) -> dict[str, str]:
        """Our references of notifications this adapter sent (an ending keyed in by an officer has none)."""
        return {nid: record.reference for nid, record in self._journal.records(notification_ids).items()}

    def held_refunds(self) -> list[HeldRefund]:
        """Refunds waiting for an officer's approval, from the reporting database (the staff approval queue)."""
        return self._reader.held_refunds()

    def account(self, account_ref: str) -> AccountView | None:
        return self._reader.account(account_ref)

    def accounts_at(self, uprn: str) -> list[AccountView]:
        return self._reader.accounts_at(uprn)

    def applied_many(self, notification_ids: Collection[str]) -> dict[str, AppliedChange]:
        """What the back office accepted of these notifications.

        A notification already in an import file whose results have not come back is in flight: the back
        office may have imported it already. Its answer is waited for (as apply would) before anything is
        decided about it, so a redelivered change is never assessed again against accounts it has itself
        changed; no answer in time raises RevenuesUnavailableError and the runner tries again later.
        """
        self._collect_results()
        known = self._journal.records(notification_ids)
        in_flight = {r.file_name for r in known.values() if r.accepted is None}
        if in_flight:
            self._deliver(in_flight)
            self._await_results(in_flight)
            known = self._journal.records(notification_ids)
        return {nid: _applied(r, newly=False) for nid, r in known.items() if r.accepted}

    def begun_many(self, notification_ids: Collection[str]) -> dict[str, AccountChange]:
        """None: the back office imports each change all or nothing, and one still in flight is waited for by
        ``applied_many`` before anything else is decided about it."""
        return {}

    def applied_with_fingerprints(self, fingerprints: Collection[str],
                                  uprns: Collection[str] = ()) -> dict[str, AppliedChange]:
        """By the journal, which holds each change's fingerprint from the moment its file is made. A change in
        a file still unanswered may be imported already: its answer is waited for (as ``applied_many`` does),
        so the same change told again meanwhile is not sent a second time."""
        self._collect_results()
        in_flight = self._journal.unanswered_files_with_fingerprints(fingerprints)
        if in_flight:
            self._deliver(in_flight)
            self._await_results(in_flight)
        return {fp: _applied(r, newly=False) for fp, r in self._journal.records_by_fingerprint(fingerprints).items()}

    # -- the write -------------------------------------------------------------------------------------------

    def apply_account_changes(self, changes: Sequence[AccountChange], applied_at: datetime) -> list[ApplyResult]:
        if not changes:
            return []
        unique = list({c.notification_id: c for c in changes}.values())
        known = self._journal.records([c.notification_id for c in unique])
        answered_before = {nid for nid, r in known.items() if r.accepted is not None}
        refused: dict[str, ApplyResult] = {}
        to_send: list[AccountChange] = []
        for change in unique:
            if change.notification_id in known:
                continue
            try:
                check_fits(change)
                check_refunds_can_be_opened(change, self._opened if self._bank_details else None)
                to_send.append(change)
            except RefusedChangeError as refusal:
                refused[change.notification_id] = refusal
        if to_send:
            self._reserve(to_send, applied_at)
        waiting = {r.file_name for r in self._journal.records([c.notification_id for c in to_send]).values()}
        waiting |= {r.file_name for r in known.values() if r.accepted is None}
        self._deliver(waiting)
        self._await_results(waiting)
        final = self._journal.records([c.notification_id for c in unique])
        by_id = {nid: refused.get(nid) or _result(final[nid], newly=nid not in answered_before)
                 for nid in {c.notification_id for c in unique}}
        return [by_id[c.notification_id] for c in changes]

    def _reserve(self, changes: list[AccountChange], applied_at: datetime) -> None:
        by_id = {c.notification_id: c for c in changes}

        def content(sequence: int, ids: list[str]) -> str:
            return import_file(sequence, self._council, applied_at, [by_id[nid] for nid in ids])

        self._journal.reserve_file(
            f"CTAXCHG_{self._council}_{{sequence}}.csv",
            [(c.notification_id, c.reference, c.change_fingerprint) for c in changes], content, applied_at)

    def _deliver(self, names: Collection[str]) -> None:
        for name in sorted(names):
            pending = self._journal.pending_file(name)
            if pending.delivered:
                continue
            if not self._outbox.reached_back_office(name):
                self._outbox.deliver(name, opened_for_delivery(pending.content, self._opened))
            self._journal.mark_delivered(name, self._clock())

    def _await_results(self, names: Collection[str]) -> None:
        deadline = time.monotonic() + self._wait
        missing = set(names)
        while True:
            missing = {name for name in missing if not self._read_results(name)}
            if not missing:
                return
            if time.monotonic() >= deadline:
                report_overdue(self._journal.unanswered_files(), self._clock(), self._alert)
                raise RevenuesUnavailableError(
                    f"no results yet for import file(s) {', '.join(sorted(missing))}; the changes will be looked "
                    "for again, not sent again")
            time.sleep(self._poll)

    def _read_results(self, name: str) -> bool:
        text = self._outbox.results_text(name)
        if text is None:
            return False
        try:
            results = read_results(text)
        except UnreadableResultsError:
            return False  # being written, or not ours to judge: waiting longer is safe
        sequence, sent = self._journal.sent(name)
        digest = _digest(text)
        incidents = first_reading_incidents(sequence, results_sequence(text), sent, results)
        for incident in incidents:
            if self._journal.note_incident(name, digest, incident.kind, incident.detail, self._clock()):
                raise_incident(name, incident)
        if incidents:
            reason = (f"The results of import file {name} were not as expected "
                      f"({'; '.join(i.detail for i in incidents)}): check in the revenues system what was made of "
                      "this change")
            answers: list[tuple[str, bool, tuple[str, ...], str, str]] = [
                (nid, False, (), INCIDENT_CODE, reason) for nid in sent]
        else:
            answers = [(r.notification_id, r.accepted, r.account_refs, r.code, r.reason) for r in results]
        self._journal.record_results(name, answers, self._clock(), digest)
        return True

    def _collect_results(self) -> None:
        unanswered = self._journal.unanswered_files()
        for pending in unanswered:
            if pending.delivered:
                self._read_results(pending.name)
        report_overdue(self._journal.unanswered_files(), self._clock(), self._alert)
        self._look_for_unexpected_results()

    def _look_for_unexpected_results(self) -> None:
        """Results files that changed after they were read, and results for files never sent: incidents."""
        for name, digest in self._journal.recently_answered(RECHECKED_FILES):
            text = self._outbox.results_text(name)
            if text is None or _digest(text) == digest:
                continue
            try:
                again = read_results(text)
            except UnreadableResultsError:
                continue  # being rewritten: looked at again next time
            incident = later_reading_incident(self._journal.answers(name), again)
            if self._journal.note_incident(name, _digest(text), incident.kind, incident.detail, self._clock()):
                raise_incident(name, incident)
        answered = self._outbox.answered_names()
        for name in sorted(answered - self._journal.known_names(answered)):
            incident = Incident("results_for_file_not_sent", "a results file for an import file never sent")
            if self._journal.note_incident(name, "", incident.kind, incident.detail, self._clock()):
                raise_incident(name, incident)

    def incidents(self) -> list[tuple[str, str, str]]:
        """Every results incident noted: (import file name, kind, detail)."""
        return self._journal.incidents()


def _applied(record: JournalRecord, *, newly: bool) -> AppliedChange:
    return AppliedChange(record.notification_id, record.reference, record.account_refs, record.applied_at, newly)


def _result(record: JournalRecord, *, newly: bool) -> ApplyResult:
    if record.accepted:
        return _applied(record, newly=newly)
    reason = f"{record.reason} (back office code {record.code}, import file {record.file_name})"
    if record.code in STALE_CODES:
        return StaleAccountError(reason)
    return RefusedChangeError(f"The revenues system rejected this change's import record: {reason}",
                              record.code or "REJECTED")
