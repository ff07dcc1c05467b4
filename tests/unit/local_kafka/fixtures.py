"""Stand-ins for ``java`` and ``mvn``: small shell scripts, so the unit tests need neither."""

from __future__ import annotations

import stat
from pathlib import Path


def fake_executable(directory: Path, name: str, stderr_text: str) -> Path:
    """Write an executable ``name`` into ``directory`` that prints ``stderr_text`` to stderr."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / name
    assert "'" not in stderr_text
    # printf is a shell builtin, so this works with PATH pointing at an empty directory.
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' '{stderr_text}' >&2\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script
