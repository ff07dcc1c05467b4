"""A broker that outlives the Python process that started it (``ctax kafka start|stop|status``).

Its pid, ports and paths are kept in a JSON state file, ``<state_dir>/kafka.json``, so a later
process can find, probe and stop it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ctax.local_kafka.broker import DETACHED_PROCESSES, LocalKafka
from ctax.local_kafka.files import file_lock, utc_now, write_json_atomically
from ctax.local_kafka.jars import KAFKA_VERSION
from ctax.local_kafka.ports import HOST, port_is_free
from ctax.local_kafka.readiness import broker_answers

DEFAULT_STATE_DIR: Final = Path("var/kafka")
"""Where the detached broker keeps its state file and data, relative to the working directory."""

_STATE_FILE_NAME: Final = "kafka.json"


@dataclass(frozen=True, slots=True)
class DetachedStatus:
    """What :func:`status_detached` found.

    ``running`` means the recorded process is alive (and, where ``/proc`` exists, really is a
    Kafka JVM); ``ready`` additionally means it answers Kafka requests on ``bootstrap``. The
    other fields come from the state file and are ``None`` if there is none.
    """

    running: bool
    ready: bool
    pid: int | None
    bootstrap: str | None
    data_dir: Path | None
    log_file: Path | None
    state_file: Path


def _state_file(state_dir: Path) -> Path:
    """Return the JSON state file of the detached broker kept in ``state_dir``."""
    return state_dir / _STATE_FILE_NAME


def _read_state(state_dir: Path) -> dict[str, object] | None:
    """Return the detached broker's recorded state, or ``None`` if there is none."""
    try:
        data = json.loads(_state_file(state_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _pid_alive(pid: int) -> bool:
    """Tell whether process ``pid`` exists and is not a zombie (reaping it if it is our child)."""
    process = DETACHED_PROCESSES.get(pid)
    if process is not None:
        return process.poll() is None
    with contextlib.suppress(ChildProcessError, OSError):
        reaped, _status = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError):
        # The state letter follows the parenthesised command name.
        state = stat.read_text(encoding="utf-8", errors="replace").rsplit(")", 1)[1].split()[0]
        return state not in {"Z", "X"}
    return True


def _is_kafka_process(pid: int) -> bool:
    """Tell whether ``pid`` runs ``kafka.Kafka`` (guards against pid reuse; True without /proc)."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        args = cmdline.read_bytes().split(b"\0")
    except FileNotFoundError:
        return not Path("/proc/self").exists()
    except OSError:
        return True
    return b"kafka.Kafka" in args


def _int_or_none(value: object) -> int | None:
    """Return ``value`` if it is an int (not a bool), else ``None``."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _path_or_none(value: object) -> Path | None:
    """Return ``Path(value)`` if ``value`` is a non-empty string, else ``None``."""
    return Path(value) if isinstance(value, str) and value else None


def status_detached(state_dir: Path = DEFAULT_STATE_DIR) -> DetachedStatus:
    """Report whether the detached broker recorded in ``state_dir`` runs and answers."""
    state_file = _state_file(state_dir)
    state = _read_state(state_dir)
    if state is None:
        return DetachedStatus(
            running=False,
            ready=False,
            pid=None,
            bootstrap=None,
            data_dir=None,
            log_file=None,
            state_file=state_file,
        )
    pid = _int_or_none(state.get("pid"))
    port = _int_or_none(state.get("port"))
    bootstrap = state.get("bootstrap")
    running = pid is not None and _pid_alive(pid) and _is_kafka_process(pid)
    ready = running and port is not None and broker_answers(HOST, port, timeout=2.0)
    return DetachedStatus(
        running=running,
        ready=ready,
        pid=pid,
        bootstrap=bootstrap if isinstance(bootstrap, str) else None,
        data_dir=_path_or_none(state.get("data_dir")),
        log_file=_path_or_none(state.get("log_file")),
        state_file=state_file,
    )


def start_detached(
    state_dir: Path = DEFAULT_STATE_DIR,
    *,
    startup_timeout: float = 60.0,
    heap: str = "512m",
) -> DetachedStatus:
    """Start a broker that keeps running after this Python process exits; return its status.

    Its data lives in ``<state_dir>/data`` and its pid, ports and paths in
    ``<state_dir>/kafka.json``. If that broker already runs, nothing is started. A stopped
    broker is started again on the same data and, if they are still free, the same ports.

    Raises:
        LocalKafkaError: see :meth:`LocalKafka.start`.
    """
    state_dir = state_dir.expanduser().resolve()
    with file_lock(state_dir / ".lock"):
        current = status_detached(state_dir)
        if current.running:
            return current
        previous = _read_state(state_dir) or {}
        port = _int_or_none(previous.get("port"))
        controller_port = _int_or_none(previous.get("controller_port"))
        if port is None or controller_port is None or not (port_is_free(port) and port_is_free(controller_port)):
            port = controller_port = None
        kafka = LocalKafka(
            state_dir / "data",
            port=port,
            controller_port=controller_port,
            heap=heap,
            startup_timeout=startup_timeout,
            detach=True,
        )
        kafka.start()
        assert kafka.pid is not None
        write_json_atomically(
            _state_file(state_dir),
            {
                "pid": kafka.pid,
                "bootstrap": kafka.bootstrap,
                "port": kafka.port,
                "controller_port": kafka.controller_port,
                "data_dir": str(kafka.data_dir),
                "log_file": str(kafka.server_log_path),
                "stdout_file": str(kafka.stdout_path),
                "kafka_version": KAFKA_VERSION,
                "started_at": utc_now(),
            },
        )
        return status_detached(state_dir)


def stop_detached(state_dir: Path = DEFAULT_STATE_DIR, *, timeout: float = 30.0) -> bool:
    """Stop the detached broker recorded in ``state_dir``; return whether one was running.

    Sends SIGTERM, waits up to ``timeout`` seconds, then SIGKILLs. The data directory is kept
    (a later :func:`start_detached` continues with it); the pid is removed from the state file.
    """
    state_dir = state_dir.expanduser().resolve()
    with file_lock(state_dir / ".lock"):
        status = status_detached(state_dir)
        state = _read_state(state_dir)
        if state is not None and "pid" in state:
            state.pop("pid")
            state["stopped_at"] = utc_now()
            write_json_atomically(_state_file(state_dir), state)
        if not status.running or status.pid is None:
            return False
        _terminate(status.pid, timeout)
        return True


def _terminate(pid: int, timeout: float) -> None:
    """SIGTERM ``pid``, wait up to ``timeout`` seconds for it to exit, then SIGKILL it."""
    process = DETACHED_PROCESSES.pop(pid, None)
    if process is not None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _pid_alive(pid):
        if time.monotonic() >= deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            kill_deadline = time.monotonic() + 30
            while _pid_alive(pid) and time.monotonic() < kill_deadline:
                time.sleep(0.1)
            return
        time.sleep(0.1)
