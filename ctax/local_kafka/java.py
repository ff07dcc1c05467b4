"""Finding a Java runtime new enough for the broker, and reading its version."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ctax.local_kafka.errors import JavaNotFoundError, JavaTooOldError

MIN_JAVA_MAJOR: Final = 17
"""Kafka 4.x brokers need Java 17 or newer."""

_INSTALL_JAVA_HINT: Final = (
    "Install a Java 17+ runtime, e.g. `sudo apt-get install openjdk-17-jre-headless` "
    "(Debian/Ubuntu) or `brew install openjdk@17` (macOS), or point JAVA_HOME at one."
)


@dataclass(frozen=True, slots=True)
class JavaInfo:
    """The Java runtime the broker will run on.

    ``version`` is the string ``java -version`` printed (e.g. ``"17.0.15"``) and ``major`` its
    feature release number (e.g. ``17``; ``8`` for ``"1.8.0_392"``).
    """

    path: Path
    version: str
    major: int


_JAVA_VERSION_RE: Final = re.compile(r'\bversion\s+"?(?P<version>\d[^"\s]*)"?')


def parse_java_version(output: str) -> tuple[str, int]:
    """Parse ``java -version`` output into ``(version string, major version)``.

    Handles both the legacy ``1.x`` scheme (``java version "1.8.0_392"`` is Java 8) and the
    current one (``openjdk version "17.0.15" 2025-04-15``, ``openjdk version "21"``,
    ``openjdk version "22-ea"``). Lines such as ``Picked up JAVA_TOOL_OPTIONS: ...`` are ignored.

    Raises:
        JavaTooOldError: if no version can be found in ``output``.
    """
    match = _JAVA_VERSION_RE.search(output)
    if match is None:
        raise JavaTooOldError(
            f"Could not read the Java version from `java -version` output {output.strip()!r}; "
            f"Java {MIN_JAVA_MAJOR}+ is required. {_INSTALL_JAVA_HINT}"
        )
    version = match.group("version")
    parts = re.split(r"[._+\-]", version)
    major_text = parts[1] if parts[0] == "1" and len(parts) > 1 else parts[0]
    if not major_text.isdigit():
        raise JavaTooOldError(
            f"Could not read the Java version from {version!r}; Java {MIN_JAVA_MAJOR}+ is required. "
            f"{_INSTALL_JAVA_HINT}"
        )
    return version, int(major_text)


def find_java() -> Path:
    """Return the ``java`` executable: ``$JAVA_HOME/bin/java`` first, then the one on ``PATH``.

    Raises:
        JavaNotFoundError: if neither exists.
    """
    java_home = os.environ.get("JAVA_HOME", "").strip()
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    on_path = shutil.which("java")
    if on_path is not None:
        return Path(on_path)
    where = f"$JAVA_HOME/bin (JAVA_HOME={java_home!r}) or on PATH" if java_home else "on PATH"
    raise JavaNotFoundError(
        f"Java {MIN_JAVA_MAJOR}+ is required to run the local Kafka broker, but no `java` "
        f"executable was found {where}. {_INSTALL_JAVA_HINT}"
    )


def check_java(min_major: int = MIN_JAVA_MAJOR) -> JavaInfo:
    """Find ``java`` and make sure it is at least version ``min_major``.

    Raises:
        JavaNotFoundError: if there is no ``java`` (see :func:`find_java`).
        JavaTooOldError: if it is older than ``min_major`` or its version cannot be read.
    """
    java = find_java()
    try:
        completed = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise JavaNotFoundError(
            f"Could not run {java} -version ({exc}); Java {min_major}+ is required. {_INSTALL_JAVA_HINT}"
        ) from exc
    # `java -version` prints to stderr; look at both streams to be safe.
    version, major = parse_java_version(completed.stderr + "\n" + completed.stdout)
    if major < min_major:
        raise JavaTooOldError(
            f"Java {min_major}+ is required to run the local Kafka broker, but {java} is Java "
            f"{major} (version {version!r}). {_INSTALL_JAVA_HINT}"
        )
    return JavaInfo(path=java, version=version, major=major)
