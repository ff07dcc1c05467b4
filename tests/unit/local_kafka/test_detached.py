"""The detached broker's status and stop, from its state file, with no broker running."""

from __future__ import annotations

import json
from pathlib import Path

from ctax.local_kafka import status_detached, stop_detached


def test_detached_status_without_state_file(tmp_path: Path) -> None:
    """With no state file the detached broker is reported as not running and stop is a no-op."""
    status = status_detached(tmp_path)

    assert not status.running
    assert not status.ready
    assert status.pid is None
    assert status.state_file == tmp_path / "kafka.json"
    assert stop_detached(tmp_path) is False


def test_detached_status_ignores_a_dead_pid(tmp_path: Path) -> None:
    """A state file naming a process that is gone is reported as not running."""
    (tmp_path / "kafka.json").write_text(
        json.dumps({"pid": 2**22 + 12345, "port": 1, "bootstrap": "127.0.0.1:1", "data_dir": str(tmp_path)}),
        encoding="utf-8",
    )

    status = status_detached(tmp_path)

    assert not status.running
    assert status.bootstrap == "127.0.0.1:1"
    assert status.data_dir == tmp_path
