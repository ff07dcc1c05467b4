"""Reading a landlord's file in a child process, so that a file built to exhaust memory or time costs only
that child: the web process's memory stays flat whatever the file holds.

Each parse is a fresh Python process (:mod:`web.landlords.parse_child`, which imports only the reading code,
never the web app) that limits its own address space (``RLIMIT_AS``) to :data:`PARSE_MEMORY_BYTES` and its
CPU time to :data:`PARSE_CPU_SECONDS` before it reads the file from its standard input, and may not write
files. The parent gives it :data:`PARSE_WALL_SECONDS` of wall-clock time and then kills it. At most
:data:`MAX_CONCURRENT_PARSES` run at once per web process; an upload that cannot get a slot within
:data:`SLOT_WAIT_SECONDS` is told to try again shortly.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from web.landlords.refusal import ReadingUnavailableError, UploadRefusedError
from web.landlords.spreadsheet import FileKind, SheetRow, upload_kind

PARSE_MEMORY_BYTES = 160 * 1024 * 1024  # the largest real file (500 rows, 489 KB) peaks at 34 MB resident
PARSE_CPU_SECONDS = 5  # the largest real file takes about half a second of CPU
PARSE_WALL_SECONDS = 10.0  # more than the CPU limit: a busy machine must not refuse an honest file
MAX_CONCURRENT_PARSES = 2
SLOT_WAIT_SECONDS = 5.0
_CODE_ROOT = str(Path(__file__).resolve().parents[2])  # where the ``web`` package lives

TOO_MUCH_MEMORY = ("The file needs more memory to open than a file of tenancy changes ever should. Copy the "
                   "tenancy changes into a new workbook, or save them as CSV UTF-8")
TOO_LONG = ("The file takes too long to open: more than a file of tenancy changes ever should. Copy the tenancy "
            "changes into a new workbook, or save them as CSV UTF-8")
BUSY = "We are checking many files just now. Try again in a minute"
UNAVAILABLE = "We cannot check files just now. Try again later"

log = logging.getLogger(__name__)
_slots = threading.BoundedSemaphore(MAX_CONCURRENT_PARSES)


@dataclass(frozen=True)
class ParseLimits:
    """What one parse may use: address space (bytes), CPU seconds, and wall-clock seconds before it is killed."""

    memory_bytes: int = PARSE_MEMORY_BYTES
    cpu_seconds: int = PARSE_CPU_SECONDS
    wall_seconds: float = PARSE_WALL_SECONDS


DEFAULT_LIMITS = ParseLimits()


def read_rows_in_child(filename: str, content: bytes, limits: ParseLimits = DEFAULT_LIMITS) -> list[SheetRow]:
    """:func:`~web.landlords.spreadsheet.read_rows` in a child process with memory and time limits.

    Blocking: call it in a thread. The checks that need no parsing refuse at once, without a child."""
    kind = upload_kind(filename, content)
    if not _slots.acquire(timeout=SLOT_WAIT_SECONDS):
        raise ReadingUnavailableError(BUSY)
    try:
        return _parse_in_child(kind, content, limits)
    finally:
        _slots.release()


def child_command(kind: FileKind, limits: ParseLimits) -> list[str]:
    return [sys.executable, "-B", "-m", "web.landlords.parse_child", kind.value, str(limits.memory_bytes),
            str(limits.cpu_seconds)]


def _parse_in_child(kind: FileKind, content: bytes, limits: ParseLimits) -> list[SheetRow]:
    # A small environment: the child needs to find our code, not the web app's settings or secrets.
    env = {"PYTHONPATH": _CODE_ROOT, "PYTHONNOUSERSITE": "1", "LC_ALL": "C.UTF-8"}
    started = time.monotonic()
    with subprocess.Popen(child_command(kind, limits), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env, cwd=_CODE_ROOT) as child:
        try:
            output, errors = child.communicate(content, timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            _report("killed after the wall-clock limit", started)
            raise UploadRefusedError(TOO_LONG) from None
    return _result(output, errors, child.returncode, started)


def _report(outcome: str, started: float, peak_kb: int | None = None) -> None:
    # Sizes and times only: nothing of the file, whose rows hold tenants' names and addresses.
    log.info("landlord file read in a child process", extra={
        "outcome": outcome, "seconds": round(time.monotonic() - started, 3), "child_peak_kb": peak_kb})


def _result(output: bytes, errors: bytes, returncode: int, started: float) -> list[SheetRow]:
    try:
        answer = json.loads(output)
    except ValueError:  # no answer: a limit ended the child, or it could not start
        raise _without_answer(errors, returncode, started) from None
    _report(next(iter(answer)), started, answer.get("peak_kb"))
    if "rows" in answer:
        return [SheetRow(number, values) for number, values in answer["rows"]]
    if "refused" in answer:
        raise UploadRefusedError(str(answer["refused"]))
    raise UploadRefusedError(TOO_MUCH_MEMORY)


def _without_answer(errors: bytes, returncode: int, started: float) -> UploadRefusedError:
    _report(f"ended without an answer (exit status {returncode})", started)
    if returncode in {-signal.SIGXCPU, -signal.SIGKILL}:
        return UploadRefusedError(TOO_LONG)
    if b"MemoryError" in errors or returncode < 0:
        return UploadRefusedError(TOO_MUCH_MEMORY)
    # The reader itself failed (a broken installation, not the file): the child catches every error of
    # reading, so its last line of errors names no content.
    last = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    log.error("the landlord file reader failed", extra={"exit_status": returncode, "error": last[0][:200]})
    return ReadingUnavailableError(UNAVAILABLE)
