"""Structured logging: JSON lines carrying ids and stages, never personal data."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(entry)


# aiokafka logs these at error level while a fresh broker is still electing its group coordinator (the first
# seconds of every demo and test run); it retries them itself, so they are warnings to an on-call engineer.
_TRANSIENT_KAFKA_ERRORS = ("CoordinatorNotAvailable", "NotCoordinator", "CoordinatorLoadInProgress")


class TransientKafkaErrorsAsWarnings(logging.Filter):
    """Report aiokafka's retried coordinator errors at warning level, not error."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (record.levelno >= logging.ERROR and record.name.startswith("aiokafka")
                and any(marker in record.getMessage() for marker in _TRANSIENT_KAFKA_ERRORS)):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(TransientKafkaErrorsAsWarnings())
    text = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    handler.setFormatter(JsonLines() if fmt == "json" else text)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
