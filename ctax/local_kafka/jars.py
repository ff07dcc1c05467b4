"""Fetching the broker's jars from Maven Central into a per-version cache, once, under a file lock.

:func:`fetch_jars` runs Maven (``pom.xml`` next to this module, ``dependency:copy-dependencies``)
to copy the broker's runtime jars into ``~/.cache/ctax/kafka-<version>/libs`` (the ``~/.cache/ctax``
part can be replaced with ``CTAX_KAFKA_CACHE``). A marker file records a complete download.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Final

from ctax.local_kafka.errors import JarFetchError, MavenNotFoundError
from ctax.local_kafka.files import file_lock, tail_text, utc_now, write_json_atomically
from ctax.local_kafka.java import check_java

KAFKA_VERSION: Final = "4.1.1"
"""The Apache Kafka version (Maven artifact ``org.apache.kafka:kafka_2.13``) the broker runs.

The only place the version is stated; it is passed to Maven with ``-Dkafka.version``.
"""

RESOURCES_DIR: Final = Path(__file__).resolve().parent
POM: Final = RESOURCES_DIR / "pom.xml"
LOG4J2_CONFIG: Final = RESOURCES_DIR / "log4j2.properties"
_MARKER_NAME: Final = ".ctax-complete.json"


def default_cache_dir(version: str = KAFKA_VERSION) -> Path:
    """Return the jar cache directory for ``version``.

    That is ``<root>/kafka-<version>/libs`` where ``<root>`` is ``$CTAX_KAFKA_CACHE`` if set,
    else ``$XDG_CACHE_HOME/ctax``, else ``~/.cache/ctax``. The version is always part of the
    path so a version bump never reuses stale jars.
    """
    override = os.environ.get("CTAX_KAFKA_CACHE", "").strip()
    if override:
        root = Path(override).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        root = (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "ctax"
    return root / f"kafka-{version}" / "libs"


def jars_are_cached(libs_dir: Path | None = None, *, version: str = KAFKA_VERSION) -> bool:
    """Tell whether :func:`fetch_jars` would find a complete cache (and so download nothing)."""
    libs_dir = (libs_dir if libs_dir is not None else default_cache_dir(version)).expanduser().resolve()
    return _cache_is_complete(libs_dir, version)


def _cache_is_complete(libs_dir: Path, version: str) -> bool:
    """Tell whether ``libs_dir`` holds every jar a previous successful fetch recorded."""
    marker = libs_dir / _MARKER_NAME
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(recorded, dict) or recorded.get("kafka_version") != version:
        return False
    if recorded.get("pom_sha256") not in (None, _pom_digest()):  # the POM changed: fetch again
        return False
    jars = recorded.get("jars")
    if not isinstance(jars, list) or not jars:
        return False
    return all(isinstance(name, str) and (libs_dir / name).is_file() for name in jars)


def _pom_digest() -> str:
    """Return the SHA-256 of ``pom.xml`` (recorded in the cache marker)."""
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def fetch_jars(
    libs_dir: Path | None = None,
    *,
    version: str = KAFKA_VERSION,
    timeout: float = 900.0,
    on_download: Callable[[], None] | None = None,
) -> Path:
    """Make sure the broker's runtime jars are in ``libs_dir`` and return that directory.

    Does nothing if a previous fetch completed (a marker file lists the jars and the POM's
    hash; a marker without a hash, e.g. from a hand-filled cache, is accepted). Otherwise runs
    ``mvn -q -B dependency:copy-dependencies`` on ``pom.xml`` with ``-Dkafka.version=<version>``,
    then writes the marker. Concurrent callers (e.g. two test sessions) are serialised with a
    file lock next to the directory. ``on_download`` is called just before Maven starts, so a
    caller can say "downloading" only when it really happens.

    Raises:
        MavenNotFoundError: if the jars are missing and ``mvn`` is not on ``PATH``.
        JarFetchError: if Maven fails or produces no Kafka jar.
    """
    libs_dir = (libs_dir if libs_dir is not None else default_cache_dir(version)).expanduser().resolve()
    if _cache_is_complete(libs_dir, version):
        return libs_dir
    with file_lock(libs_dir.parent / ".fetch.lock"):
        if _cache_is_complete(libs_dir, version):  # another process fetched while we waited
            return libs_dir
        mvn = shutil.which("mvn")
        if mvn is None:
            raise MavenNotFoundError(
                f"The Kafka {version} broker jars are not in {libs_dir} yet, and downloading them "
                "needs Apache Maven (`mvn`), which is not on PATH. Install it, e.g. "
                "`sudo apt-get install maven`, or fill the cache on another machine and point "
                "CTAX_KAFKA_CACHE at it."
            )
        check_java()
        if on_download is not None:
            on_download()
        _run_maven(mvn, libs_dir, version, timeout)
    return libs_dir


def _run_maven(mvn: str, libs_dir: Path, version: str, timeout: float) -> None:
    """Copy the broker's runtime jars into ``libs_dir`` with Maven and write the completion marker."""
    libs_dir.mkdir(parents=True, exist_ok=True)
    for stale in libs_dir.glob("*.jar"):  # a half-finished earlier attempt
        stale.unlink()
    command = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(POM),
        "-Dstyle.color=never",
        f"-Dkafka.version={version}",
        f"-Dctax.libs.dir={libs_dir}",
        "dependency:copy-dependencies",
    ]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, cwd=libs_dir)
    except subprocess.TimeoutExpired as exc:
        raise JarFetchError(f"Maven did not finish downloading Kafka {version} in {timeout:.0f}s") from exc
    jars = sorted(p.name for p in libs_dir.glob("*.jar"))
    if completed.returncode != 0 or f"kafka_2.13-{version}.jar" not in jars:
        output = tail_text(completed.stdout + completed.stderr, 40)
        raise JarFetchError(
            f"Maven could not fetch the Kafka {version} jars into {libs_dir} "
            f"(exit code {completed.returncode}). Is Maven Central reachable?\n{output}"
        )
    marker = {"kafka_version": version, "jars": jars, "pom_sha256": _pom_digest(), "fetched_at": utc_now()}
    write_json_atomically(libs_dir / _MARKER_NAME, marker)
