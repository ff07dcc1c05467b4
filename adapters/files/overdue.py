"""The alert when a results file never arrives: Prometheus gauges the ops dashboard can show, and a log line.

``ctax_import_results_overdue_files`` counts import files delivered more than the alert time ago (setting
``CTAX_FILES_RESULTS_ALERT_SECONDS``, default 15 minutes) with no results file yet;
``ctax_import_results_oldest_wait_seconds`` is how long the oldest unanswered file has waited.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from prometheus_client import Gauge

from adapters.files.journal import PendingFile

log = logging.getLogger("adapters.files")
OVERDUE_FILES = Gauge("ctax_import_results_overdue_files",
                      "Import files delivered to the revenues system whose results file is overdue")
OLDEST_WAIT = Gauge("ctax_import_results_oldest_wait_seconds",
                    "How long the oldest import file without a results file has waited")


def report_overdue(unanswered: Sequence[PendingFile], now: datetime, alert_after_seconds: float) -> int:
    waits = [(now - f.created_at).total_seconds() for f in unanswered if f.delivered]
    overdue = [w for w in waits if w > alert_after_seconds]
    OVERDUE_FILES.set(len(overdue))
    OLDEST_WAIT.set(max(waits, default=0.0))
    if overdue:
        log.warning("import results overdue", extra={"overdue_files": len(overdue), "oldest_wait_s": max(overdue)})
    return len(overdue)
