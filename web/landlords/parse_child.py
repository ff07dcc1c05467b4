"""The child process that reads one landlord file: ``python -m web.landlords.parse_child KIND MEMORY SECONDS``.

It limits itself before it reads a byte of the file (address space, CPU time, no file writes), reads the
file from standard input, and writes one JSON object to standard output: ``{"rows": [[number, values], ...]}``
or ``{"refused": "the reason"}``, with its own peak memory (``"peak_kb"``). Anything else (no answer, a
signal) means a limit stopped it.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from web.landlords.refusal import UploadRefusedError
from web.landlords.spreadsheet import FileKind, read_kind

UNREADABLE = "The file is not a spreadsheet we can read: save it as CSV UTF-8 or XLSX"


def limit_self(memory_bytes: int, cpu_seconds: int) -> None:
    """Hold this process to the memory and CPU time given, and forbid it to write files."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def answer(kind: FileKind, content: bytes) -> dict[str, object]:
    """The JSON answer for one file."""
    try:
        return {"rows": [[row.number, row.values] for row in read_kind(kind, content)]}
    except UploadRefusedError as refused:
        return {"refused": str(refused)}
    except MemoryError:
        return {"memory": True}
    except Exception:  # noqa: BLE001 - whatever else a crafted file provokes, the landlord gets a sentence
        return {"refused": UNREADABLE}


def peak_kb() -> int:
    """This process's peak resident memory since it started this program (VmHWM), in kB; 0 if unknown."""
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main(argv: list[str]) -> None:
    kind, memory_bytes, cpu_seconds = FileKind(argv[1]), int(argv[2]), int(argv[3])
    limit_self(memory_bytes, cpu_seconds)
    content = sys.stdin.buffer.read()
    found = answer(kind, content)
    found["peak_kb"] = peak_kb()
    sys.stdout.write(json.dumps(found))
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv)
