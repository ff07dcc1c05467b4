"""Results the adapter did not expect are incidents, never accepted silently.

An incident is: a results file whose header names another sequence than the file it answers, results for
records the file did not hold, records of the file left unanswered, a results file for an import file we
never sent, or a results file that changed after it was read (a second results file for one sequence; it
contradicts the first when any record's answer differs). Each is counted
(``ctax_import_results_incidents_total{kind}``, alert on any increase), logged as ``import results incident``
with the file's name, and kept in the journal so it is raised once. When found on the first reading, the
file's records are answered ``RESULTS_INCIDENT`` with the reason, so a person reviews each of them.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from prometheus_client import Counter

from adapters.files.results_file import RecordResult

log = logging.getLogger("adapters.files")
INCIDENTS = Counter("ctax_import_results_incidents_total",
                    "Results from the revenues system's import job that did not match what was sent", ["kind"])
INCIDENT_CODE = "RESULTS_INCIDENT"


@dataclass(frozen=True)
class Incident:
    kind: str
    detail: str


def first_reading_incidents(sequence: int, header_sequence: str, sent: Collection[str],
                            results: Sequence[RecordResult]) -> list[Incident]:
    """What is wrong with a file's results as first read, if anything."""
    incidents = []
    if header_sequence.lstrip("0") != str(sequence):
        incidents.append(Incident("sequence_mismatch", f"the results name sequence {header_sequence!r}, "
                                                       f"the file was sent as {sequence:06d}"))
    answered = [r.notification_id for r in results]
    if not_sent := set(answered) - set(sent):
        incidents.append(Incident("records_not_sent", f"{len(not_sent)} result(s) for records the file did not hold"))
    if unanswered := set(sent) - set(answered):
        incidents.append(Incident("records_unanswered", f"{len(unanswered)} record(s) of the file have no result"))
    if len(answered) != len(set(answered)):
        incidents.append(Incident("records_answered_twice", "a record has more than one result"))
    return incidents


def later_reading_incident(first: dict[str, tuple[bool, tuple[str, ...], str | None]],
                           again: Sequence[RecordResult]) -> Incident:
    """A results file read again after it changed: a second results file, contradicting the first or not."""
    differing = [r.notification_id for r in again
                 if first.get(r.notification_id) != (r.accepted, r.account_refs, r.code or None)]
    if differing:
        return Incident("results_contradicted", f"a second results file contradicts the first for "
                                                f"{len(differing)} record(s)")
    return Incident("second_results_file", "a second results file for the same sequence (same answers)")


def raise_incident(file_name: str, incident: Incident) -> None:
    INCIDENTS.labels(kind=incident.kind).inc()
    log.warning("import results incident", extra={"kind": incident.kind, "import_file": file_name,
                                                  "detail": incident.detail})
