"""Logs: aiokafka's retried coordinator errors at start-up are warnings; real errors stay errors."""

from __future__ import annotations

import logging

from ctax.running.logging_setup import TransientKafkaErrorsAsWarnings


def _record(name: str, level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, (), None)


def test_a_coordinator_not_yet_available_is_a_warning() -> None:
    record = _record("aiokafka.consumer.group_coordinator", logging.ERROR,
                     "Group Coordinator Request failed: [Error 15] GroupCoordinatorNotAvailableError")
    assert TransientKafkaErrorsAsWarnings().filter(record)
    assert (record.levelno, record.levelname) == (logging.WARNING, "WARNING")


def test_other_errors_stay_errors() -> None:
    unreachable = _record("aiokafka", logging.ERROR, 'Unable connect to "127.0.0.1:9": [Errno 111]')
    ours = _record("processors.stage_runner", logging.ERROR, "GroupCoordinatorNotAvailableError in a message")
    for record in (unreachable, ours):
        TransientKafkaErrorsAsWarnings().filter(record)
        assert record.levelno == logging.ERROR
