"""CPU time and peak memory of a process, read from /proc (Linux)."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ProcessUsage:
    cpu_seconds: float
    peak_rss_mb: float


def usage(pid: int) -> ProcessUsage:
    """User+system CPU seconds so far and the peak resident set (VmHWM) of a live process."""
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(stat[11]) + int(stat[12])) / _TICKS  # utime, stime (fields 14 and 15)
    peak_kb = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak_kb = int(line.split()[1])
    return ProcessUsage(cpu, peak_kb / 1024)


class SupportCpu:
    """CPU of the processes a phase leans on but did not start: the broker, and the PostgreSQL backends that
    serve the phase's own database (found by the database name in their process title, so other users of a
    shared server are not counted). Both must run on this machine; elsewhere they read as nothing found."""

    def __init__(self, broker_pid: int | None, database: str | None) -> None:
        self._broker_pid = broker_pid
        self._title = f" {database} " if database else None

    def sample(self) -> dict[str, dict[int, float]]:
        found: dict[str, dict[int, float]] = {"broker": {}, "database": {}}
        if self._broker_pid is not None:
            _add_usage(found["broker"], self._broker_pid)
        if self._title is not None:
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit() and self._is_backend(entry):
                    _add_usage(found["database"], int(entry.name))
        return found

    def _is_backend(self, entry: Path) -> bool:
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return False
        return title.startswith("postgres:") and self._title is not None and self._title in f"{title} "

    @staticmethod
    def spent(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float | None]:
        """CPU seconds each group spent between two samples (None: no such process was seen)."""
        return {group: (sum(cpu - before.get(group, {}).get(pid, 0.0) for pid, cpu in pids.items())
                        if pids else None) for group, pids in after.items()}


def _add_usage(into: dict[int, float], pid: int) -> None:
    with contextlib.suppress(FileNotFoundError, ProcessLookupError, IndexError, PermissionError):
        into[pid] = usage(pid).cpu_seconds
