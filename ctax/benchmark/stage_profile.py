"""The worker's CPU split by stage, from a py-spy sampling profile taken while it drains the backlog.

py-spy (a dev/bench dependency) samples the worker's Python stacks from outside the process without pausing
it (``--nonblocking``), keeping only samples of the thread that holds the GIL (``--gil``): a thread waiting on
a socket or the database does not count, so the split is of the CPU the worker's Python spent. Each
sample is put in one stage: the outermost pipeline step on its stack (decode, validate, assess, apply,
report), else the producer or Faust (its consumer, ``take``, the agent loop) by the innermost frame that
names them, else "other" (start-up, logging set-up, the garbage collector).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

STAGES = ("decode", "validate", "assess", "apply", "report", "Faust", "producer", "other")

# Pipeline steps, matched from the root of the stack down: the first step that called the rest owns the sample.
_STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("decode", ("processors/pipeline/decode.py",)),
    ("validate", ("processors/pipeline/validate.py", "processors/pipeline/register_checks.py")),
    ("assess", ("processors/pipeline/assess.py",)),
    ("apply", ("processors/pipeline/apply.py",)),
    ("report", ("processors/pipeline/report.py", "processors/pipeline/status_events.py")),
)
# Outside the steps, matched from the leaf up: the innermost frame that names one.
_TRANSPORT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("producer", ("aiokafka/producer/", "faust/transport/producer", "aiokafka/record/")),
    ("Faust", ("faust/", "mode/", "aiokafka/")),
)


def stage_of(frames: list[str]) -> str:
    """The stage of one sampled stack, given root first."""
    for frame in frames:
        for stage, markers in _STEPS:
            if any(marker in frame for marker in markers):
                return stage
    for frame in reversed(frames):
        for stage, markers in _TRANSPORT:
            if any(marker in frame for marker in markers):
                return stage
    return "other"


def split_by_stage(raw_lines: Iterable[str]) -> dict[str, float]:
    """Share (0-1) of the samples in each stage, from py-spy's raw (collapsed stack) output."""
    counts: Counter[str] = Counter()
    for line in raw_lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        counts[stage_of(stack.split(";"))] += int(count)
    total = sum(counts.values())
    return {stage: (counts[stage] / total if total else 0.0) for stage in STAGES} | {"samples": float(total)}


def py_spy() -> str:
    """The py-spy executable beside this Python (the dev extra installs it), or on the PATH."""
    beside = Path(sys.executable).with_name("py-spy")
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if not found:
        raise RuntimeError("--profile needs py-spy: pip install -e '.[dev]'")
    return found


class StageProfile:
    """py-spy sampling one process until stopped; ``stop`` returns the split."""

    def __init__(self, pid: int, output: Path, rate: int = 100) -> None:
        self.output = output
        self._log = output.with_suffix(".log").open("wb")
        self._proc = subprocess.Popen(
            [py_spy(), "record", "--pid", str(pid), "--format", "raw", "--output", str(output),
             "--rate", str(rate), "--nonblocking", "--gil"], stdout=self._log, stderr=self._log)

    def stop(self) -> dict[str, float]:
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
        try:
            self._proc.wait(60)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._log.close()
        if not self.output.exists():
            return split_by_stage([])
        return split_by_stage(self.output.read_text().splitlines())
