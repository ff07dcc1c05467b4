"""A detached broker (ctax.local_kafka.detached) started by one process and stopped by another."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ctax.local_kafka import LocalKafka, status_detached, stop_detached

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_detached_broker_outlives_the_process_that_started_it(tmp_path: Path, kafka_broker: LocalKafka) -> None:
    """A broker from start_detached() keeps running after its Python process exits.

    Asks for ``kafka_broker`` only so the test is skipped against an external broker (and the
    jars are known to be cached); it starts a second, independent broker.
    """
    state_dir = tmp_path / "state"
    script = (
        "import json, sys; from pathlib import Path; from ctax.local_kafka import start_detached; "
        "s = start_detached(Path(sys.argv[1])); print(json.dumps({'pid': s.pid, 'ready': s.ready}))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(state_dir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    started = json.loads(completed.stdout)
    try:
        assert started["ready"] is True
        status = status_detached(state_dir)
        assert status.running
        assert status.ready
        assert status.pid == started["pid"]
        assert status.bootstrap is not None
        assert status.bootstrap != kafka_broker.bootstrap
    finally:
        stopped = stop_detached(state_dir)
    assert stopped is True
    after = status_detached(state_dir)
    assert not after.running
    assert not after.ready
    assert stop_detached(state_dir) is False
