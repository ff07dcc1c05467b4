"""A local single-node Apache Kafka broker (KRaft mode) run from Maven Central jars.

The test suite starts one broker per pytest session with :class:`LocalKafka`; the demo and the
``ctax kafka start|stop|status`` CLI use :func:`start_detached`, :func:`stop_detached` and
:func:`status_detached`, which leave the broker running after Python exits.

How it works:

* :func:`fetch_jars` runs Maven once (``ctax/kafka/pom.xml``, ``dependency:copy-dependencies``)
  to copy the broker's runtime jars into a per-version cache directory, by default
  ``~/.cache/ctax/kafka-<version>/libs`` (the ``~/.cache/ctax`` part can be replaced with the
  ``CTAX_KAFKA_CACHE`` environment variable). A marker file records a complete download.
* :class:`LocalKafka` writes a ``server.properties`` for one combined broker+controller node
  listening on 127.0.0.1 only, formats the storage directory, starts
  ``java -cp <libs>/* kafka.Kafka server.properties`` and waits until the broker answers a Kafka
  Metadata request listing itself (i.e. it is registered and unfenced, not merely listening).

:data:`KAFKA_VERSION` is the only place the Kafka version is stated; it is passed to Maven
with ``-Dkafka.version``.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Final, Self

__all__ = [
    "DEFAULT_JVM_OPTIONS",
    "DEFAULT_STATE_DIR",
    "KAFKA_VERSION",
    "MIN_JAVA_MAJOR",
    "BrokerStartError",
    "DetachedStatus",
    "JarFetchError",
    "JavaInfo",
    "JavaNotFoundError",
    "JavaTooOldError",
    "LocalKafka",
    "LocalKafkaError",
    "MavenNotFoundError",
    "check_java",
    "default_cache_dir",
    "fetch_jars",
    "find_java",
    "free_port",
    "new_cluster_id",
    "parse_java_version",
    "render_server_properties",
    "start_detached",
    "status_detached",
    "stop_detached",
]

KAFKA_VERSION: Final = "4.1.1"
"""The Apache Kafka version (Maven artifact ``org.apache.kafka:kafka_2.13``) the broker runs."""

MIN_JAVA_MAJOR: Final = 17
"""Kafka 4.x brokers need Java 17 or newer."""

DEFAULT_STATE_DIR: Final = Path("var/kafka")
"""Where the detached broker keeps its state file and data, relative to the working directory."""

HOST: Final = "127.0.0.1"
NODE_ID: Final = 1

_KAFKA_RESOURCES: Final = Path(__file__).resolve().parent
_POM: Final = _KAFKA_RESOURCES / "pom.xml"
_LOG4J2_CONFIG: Final = _KAFKA_RESOURCES / "log4j2.properties"
DEFAULT_JVM_OPTIONS: Final[tuple[str, ...]] = (
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:+ExitOnOutOfMemoryError",
    # C1-only JIT: about a second quicker to start; plenty fast for local work.
    "-XX:TieredStopAtLevel=1",
)
"""The broker JVM's options besides heap size, logging and class path."""

_MARKER_NAME: Final = ".ctax-complete.json"
_STATE_FILE_NAME: Final = "kafka.json"
_INSTALL_JAVA_HINT: Final = (
    "Install a Java 17+ runtime, e.g. `sudo apt-get install openjdk-17-jre-headless` "
    "(Debian/Ubuntu) or `brew install openjdk@17` (macOS), or point JAVA_HOME at one."
)


class LocalKafkaError(RuntimeError):
    """Base class for everything that can go wrong running the local Kafka broker."""


class JavaNotFoundError(LocalKafkaError):
    """No ``java`` executable was found in ``$JAVA_HOME/bin`` or on ``PATH``."""


class JavaTooOldError(LocalKafkaError):
    """The ``java`` found is older than Java 17, or its version could not be read."""


class MavenNotFoundError(LocalKafkaError):
    """The ``mvn`` executable, needed once to download the broker jars, is not on ``PATH``."""


class JarFetchError(LocalKafkaError):
    """Maven ran but did not produce the broker jars."""


class BrokerStartError(LocalKafkaError):
    """The broker could not be formatted or started, or did not become ready in time."""


# --------------------------------------------------------------------------------------------
# Java
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Jars
# --------------------------------------------------------------------------------------------


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
    """Return the SHA-256 of ``ctax/kafka/pom.xml`` (recorded in the cache marker)."""
    return hashlib.sha256(_POM.read_bytes()).hexdigest()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if needed) for the ``with`` block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def fetch_jars(libs_dir: Path | None = None, *, version: str = KAFKA_VERSION, timeout: float = 900.0) -> Path:
    """Make sure the broker's runtime jars are in ``libs_dir`` and return that directory.

    Does nothing if a previous fetch completed (a marker file lists the jars and the POM's
    hash; a marker without a hash, e.g. from a hand-filled cache, is accepted). Otherwise runs
    ``mvn -q -B dependency:copy-dependencies`` on ``ctax/kafka/pom.xml`` with
    ``-Dkafka.version=<version>``, then writes the marker. Concurrent callers (e.g. two test
    sessions) are serialised with a file lock next to the directory.

    Raises:
        MavenNotFoundError: if the jars are missing and ``mvn`` is not on ``PATH``.
        JarFetchError: if Maven fails or produces no Kafka jar.
    """
    libs_dir = (libs_dir if libs_dir is not None else default_cache_dir(version)).expanduser().resolve()
    if _cache_is_complete(libs_dir, version):
        return libs_dir
    with _file_lock(libs_dir.parent / ".fetch.lock"):
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
        libs_dir.mkdir(parents=True, exist_ok=True)
        for stale in libs_dir.glob("*.jar"):  # a half-finished earlier attempt
            stale.unlink()
        command = [
            mvn,
            "-q",
            "-B",
            "-f",
            str(_POM),
            "-Dstyle.color=never",
            f"-Dkafka.version={version}",
            f"-Dctax.libs.dir={libs_dir}",
            "dependency:copy-dependencies",
        ]
        try:
            completed = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False, cwd=libs_dir
            )
        except subprocess.TimeoutExpired as exc:
            raise JarFetchError(f"Maven did not finish downloading Kafka {version} in {timeout:.0f}s") from exc
        jars = sorted(p.name for p in libs_dir.glob("*.jar"))
        if completed.returncode != 0 or f"kafka_2.13-{version}.jar" not in jars:
            output = _tail_text(completed.stdout + completed.stderr, 40)
            raise JarFetchError(
                f"Maven could not fetch the Kafka {version} jars into {libs_dir} "
                f"(exit code {completed.returncode}). Is Maven Central reachable?\n{output}"
            )
        marker = {
            "kafka_version": version,
            "jars": jars,
            "pom_sha256": _pom_digest(),
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        _write_json_atomically(libs_dir / _MARKER_NAME, marker)
    return libs_dir


# --------------------------------------------------------------------------------------------
# Broker
# --------------------------------------------------------------------------------------------


def free_port(host: str = HOST) -> int:
    """Return a TCP port on ``host`` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _free_ports(count: int, host: str = HOST) -> list[int]:
    """Return ``count`` distinct free ports (all sockets are held open while choosing)."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.bind((host, 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _port_is_free(port: int, host: str = HOST) -> bool:
    """Tell whether ``port`` on ``host`` can be bound right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def new_cluster_id() -> str:
    """Return a random Kafka cluster id: a 16-byte UUID, base64url-encoded without padding.

    Like Kafka's own ``Uuid.randomUuid()``, ids starting with ``-`` are avoided because command
    line tools would take them for an option.
    """
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode("ascii").rstrip("=")
        if not text.startswith("-"):
            return text


def render_server_properties(
    *,
    port: int,
    controller_port: int,
    log_dir: Path,
    extra: Mapping[str, str] | None = None,
) -> str:
    """Return the ``server.properties`` text for a single combined broker+controller node.

    Both listeners bind to 127.0.0.1 only. Replication factors and ISR minimums are 1 so
    consumer groups and transactions work with one node; ``extra`` overrides or adds settings.
    """
    settings: dict[str, str] = {
        "process.roles": "broker,controller",
        "node.id": str(NODE_ID),
        "controller.quorum.voters": f"{NODE_ID}@{HOST}:{controller_port}",
        "listeners": f"PLAINTEXT://{HOST}:{port},CONTROLLER://{HOST}:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{port}",
        "inter.broker.listener.name": "PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(log_dir),
        "num.partitions": "4",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "auto.create.topics.enable": "true",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "4",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "4",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
        "num.network.threads": "2",
        "num.io.threads": "4",
        "num.recovery.threads.per.data.dir": "1",
        "log.retention.hours": "168",
        "log.segment.bytes": str(64 * 1024 * 1024),
        "delete.topic.enable": "true",
    }
    if extra:
        settings.update(extra)
    lines = ["# Written by ctax/local_kafka.py for a local single-node KRaft broker."]
    lines.extend(f"{key}={value}" for key, value in settings.items())
    return "\n".join(lines) + "\n"


def _metadata_broker_ids(host: str, port: int, timeout: float) -> list[int]:
    """Send a Kafka Metadata (v4, no topics) request and return the node ids of the brokers listed.

    A KRaft broker only lists itself once it has registered with the controller and been
    unfenced, which is when clients can really use it.
    """
    client_id = b"ctax-local-kafka"
    correlation_id = 7
    # Request header v1: api_key, api_version, correlation_id, client_id (int16-length string).
    header = struct.pack(">hhih", 3, 4, correlation_id, len(client_id)) + client_id
    # Metadata v4 body: topics = empty array (no topics), allow_auto_topic_creation = false.
    body = struct.pack(">i?", 0, False)
    request = header + body
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(struct.pack(">i", len(request)) + request)
        (size,) = struct.unpack(">i", _recv_exactly(sock, 4))
        payload = _recv_exactly(sock, size)
    received_id, _throttle_ms, broker_count = struct.unpack_from(">iii", payload, 0)
    if received_id != correlation_id:
        raise ConnectionError(f"unexpected correlation id {received_id}")
    offset = 12
    ids: list[int] = []
    for _ in range(broker_count):
        node_id, host_len = struct.unpack_from(">ih", payload, offset)
        offset += 6 + host_len
        (_port, rack_len) = struct.unpack_from(">ih", payload, offset)
        offset += 6 + max(rack_len, 0)
        ids.append(node_id)
    return ids


def _recv_exactly(sock: socket.socket, count: int) -> bytes:
    """Read exactly ``count`` bytes from ``sock`` or raise ``ConnectionError``."""
    chunks: list[bytes] = []
    remaining = count
    while remaining > 0:
        chunk = sock.recv(remaining)
        if not chunk:
            raise ConnectionError("connection closed by the broker")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _broker_answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """Tell whether a broker on ``host:port`` answers a Metadata request listing node 1."""
    try:
        return NODE_ID in _metadata_broker_ids(host, port, timeout)
    except (OSError, struct.error):
        return False


def _tail_text(text: str, lines: int) -> str:
    """Return the last ``lines`` lines of ``text``."""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _tail_file(path: Path, lines: int = 40) -> str:
    """Return the last ``lines`` lines of the file at ``path`` ('' if it cannot be read)."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(handle.tell() - 64 * 1024, 0))
            return _tail_text(handle.read().decode("utf-8", errors="replace"), lines)
    except OSError:
        return ""


# Detached brokers' Popen objects are kept here so they are never garbage-collected while
# the broker runs (Popen.__del__ would warn "subprocess ... is still running").
_DETACHED_PROCESSES: dict[int, subprocess.Popen[bytes]] = {}


class LocalKafka:
    """A single-node KRaft Kafka broker (combined broker and controller) on 127.0.0.1.

    ``start()`` fetches the jars if needed, writes ``server.properties`` into ``data_dir``,
    formats the storage (only the first time), launches the JVM and blocks until the broker
    answers. ``stop()`` sends SIGTERM and escalates to SIGKILL after a timeout. ``restart()``
    stops and starts again on the same data directory and ports, so clients keep their
    bootstrap address and topics keep their data.

    Files in ``data_dir``: ``server.properties``, ``kraft-logs/`` (the topic and metadata
    logs), ``logs/server.log`` (the broker's log4j output, warnings only) and ``kafka.out``
    (the JVM's stdout/stderr). Without a ``data_dir`` a temporary directory is used and
    removed by :meth:`close` / leaving the ``with`` block.

    Use as a context manager::

        with LocalKafka() as kafka:
            producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap)
    """

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        port: int | None = None,
        controller_port: int | None = None,
        libs_dir: Path | None = None,
        heap: str = "512m",
        startup_timeout: float = 60.0,
        extra_properties: Mapping[str, str] | None = None,
        jvm_options: Sequence[str] = DEFAULT_JVM_OPTIONS,
        detach: bool = False,
    ) -> None:
        """Describe a broker; nothing is started until :meth:`start`.

        Args:
            data_dir: Where the broker keeps its config, logs and data; a temporary directory
                (removed by :meth:`close`) if ``None``.
            port: The client (PLAINTEXT) port; a free one is picked at first start if ``None``.
            controller_port: The KRaft controller port; picked like ``port`` if ``None``.
            libs_dir: A directory already holding the broker jars, used as it is; if ``None``,
                :func:`fetch_jars` fills and returns its cache for :data:`KAFKA_VERSION`.
            heap: The JVM's maximum heap (``-Xmx``).
            startup_timeout: Seconds to wait for the broker to answer before giving up.
            extra_properties: Extra or overriding ``server.properties`` settings.
            jvm_options: Further options for the broker JVM (the default trades peak JIT
                performance for a quicker start, which suits tests and demos).
            detach: Start the JVM in its own session so it outlives this Python process
                (used by :func:`start_detached`); no ``atexit`` stop is registered then.
        """
        self._owns_data_dir = data_dir is None
        self._data_dir = (
            Path(tempfile.mkdtemp(prefix="ctax-kafka-")) if data_dir is None else data_dir.expanduser()
        ).resolve()
        self._port = port
        self._controller_port = controller_port
        self._libs_dir = libs_dir
        self._heap = heap
        self._startup_timeout = startup_timeout
        self._extra_properties = dict(extra_properties or {})
        self._jvm_options = list(jvm_options)
        self._detach = detach
        self._process: subprocess.Popen[bytes] | None = None
        self._atexit_registered = False

    # -- properties ------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        """The directory holding the broker's config, logs and data."""
        return self._data_dir

    @property
    def port(self) -> int:
        """The client port (raises ``LocalKafkaError`` before the first start picks one)."""
        if self._port is None:
            raise LocalKafkaError("the broker has no port yet; call start() first")
        return self._port

    @property
    def controller_port(self) -> int:
        """The KRaft controller listener port (raises before the first start picks one)."""
        if self._controller_port is None:
            raise LocalKafkaError("the broker has no controller port yet; call start() first")
        return self._controller_port

    @property
    def bootstrap(self) -> str:
        """The ``bootstrap_servers`` string for clients, ``"127.0.0.1:PORT"``."""
        return f"{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The broker JVM's process id while it runs, else ``None``."""
        return self._process.pid if self.is_running() and self._process is not None else None

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        """The broker JVM's process handle (``None`` before start and after stop)."""
        return self._process

    @property
    def server_properties_path(self) -> Path:
        """The ``server.properties`` file the broker runs with."""
        return self._data_dir / "server.properties"

    @property
    def log_dir(self) -> Path:
        """The Kafka ``log.dirs`` directory (topic partitions and the KRaft metadata log)."""
        return self._data_dir / "kraft-logs"

    @property
    def server_log_path(self) -> Path:
        """The broker's log4j log file."""
        return self._data_dir / "logs" / "server.log"

    @property
    def stdout_path(self) -> Path:
        """The file receiving the JVM's stdout and stderr."""
        return self._data_dir / "kafka.out"

    def is_running(self) -> bool:
        """Tell whether the broker JVM started by this object is still alive."""
        return self._process is not None and self._process.poll() is None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """Start the broker and block until it answers Metadata requests; return ``self``.

        Raises:
            JavaNotFoundError, JavaTooOldError: if there is no suitable Java.
            MavenNotFoundError, JarFetchError: if the jars are missing and cannot be fetched.
            BrokerStartError: if formatting fails, the JVM exits, or the broker is not ready
                within ``startup_timeout`` seconds (the JVM is killed then). The message ends
                with the tail of the broker's logs.
        """
        if self.is_running():
            return self
        java = check_java().path
        libs_dir = self._resolve_libs_dir()
        if self._port is None or self._controller_port is None:
            self._port, self._controller_port = _free_ports(2)
        self._data_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.server_log_path.parent.mkdir(parents=True, exist_ok=True)
        self.server_properties_path.write_text(
            render_server_properties(
                port=self._port,
                controller_port=self._controller_port,
                log_dir=self.log_dir,
                extra=self._extra_properties,
            ),
            encoding="utf-8",
        )
        if not (self.log_dir / "meta.properties").exists():
            self._format_storage(java, libs_dir)
        self._launch(java, libs_dir)
        try:
            self._wait_until_ready()
        except BaseException:
            self._kill()
            raise
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the broker: SIGTERM (a clean shutdown), then SIGKILL after ``timeout`` seconds.

        Does nothing if it is not running. The data directory is kept.
        """
        process = self._process
        if process is None:
            return
        try:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=30)
        finally:
            self._process = None
            _DETACHED_PROCESSES.pop(process.pid, None)
            self._unregister_atexit()

    def restart(self, stop_timeout: float = 30.0) -> None:
        """Stop and start again on the same data directory and ports (same ``bootstrap``)."""
        self.stop(timeout=stop_timeout)
        self.start()

    def close(self) -> None:
        """Stop the broker and, if this object created a temporary data directory, remove it."""
        self.stop()
        if self._owns_data_dir:
            shutil.rmtree(self._data_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        """Start the broker (if not running) and return it."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the broker and remove a temporary data directory."""
        self.close()

    def __repr__(self) -> str:
        """Show the address, data directory and whether the JVM runs."""
        address = f"{HOST}:{self._port}" if self._port is not None else "no port yet"
        state = "running" if self.is_running() else "stopped"
        return f"LocalKafka({address}, data_dir={str(self._data_dir)!r}, {state})"

    # -- internals -------------------------------------------------------------------------

    def _resolve_libs_dir(self) -> Path:
        """Return the jar directory, fetching the default cache if no directory was given."""
        if self._libs_dir is None:
            self._libs_dir = fetch_jars()
            return self._libs_dir
        libs_dir = self._libs_dir.expanduser().resolve()
        if not any(libs_dir.glob("kafka_2.13-*.jar")):
            raise BrokerStartError(f"{libs_dir} holds no kafka_2.13-<version>.jar; see fetch_jars()")
        return libs_dir

    def _common_jvm_options(self) -> list[str]:
        """Return the JVM options shared by the broker and the storage tool."""
        return [
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={_LOG4J2_CONFIG}",
            f"-Dkafka.logs.dir={self.server_log_path.parent}",
        ]

    def _format_storage(self, java: Path, libs_dir: Path) -> None:
        """Format ``log.dirs`` for KRaft with a fresh cluster id (first start only)."""
        command = [
            str(java),
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            *self._common_jvm_options(),
            "-cp",
            f"{libs_dir}/*",
            "kafka.tools.StorageTool",
            "format",
            "--cluster-id",
            new_cluster_id(),
            "--config",
            str(self.server_properties_path),
        ]
        try:
            completed = subprocess.run(
                command, capture_output=True, text=True, timeout=120, check=False, cwd=self._data_dir
            )
        except subprocess.TimeoutExpired as exc:
            raise BrokerStartError(f"Formatting Kafka storage in {self.log_dir} timed out") from exc
        if completed.returncode != 0:
            raise BrokerStartError(
                f"Formatting Kafka storage in {self.log_dir} failed (exit code {completed.returncode}):\n"
                + _tail_text(completed.stdout + completed.stderr, 40)
            )

    def _launch(self, java: Path, libs_dir: Path) -> None:
        """Start the broker JVM with its stdout/stderr going to ``kafka.out``."""
        command = [
            str(java),
            f"-Xmx{self._heap}",
            *self._jvm_options,
            *self._common_jvm_options(),
            "-cp",
            f"{libs_dir}/*",
            "kafka.Kafka",
            str(self.server_properties_path),
        ]
        with self.stdout_path.open("ab") as out:
            out.write(f"\n=== ctax: starting the Kafka broker at {_now()} ===\n".encode())
            out.flush()
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self._data_dir,
                start_new_session=self._detach,
            )
        if self._detach:
            _DETACHED_PROCESSES[self._process.pid] = self._process
        else:
            self._register_atexit()

    def _wait_until_ready(self) -> None:
        """Poll until the broker lists itself in a Metadata response, or raise BrokerStartError."""
        assert self._process is not None
        assert self._port is not None
        deadline = time.monotonic() + self._startup_timeout
        while True:
            returncode = self._process.poll()
            if returncode is not None:
                raise BrokerStartError(
                    f"The Kafka broker exited with code {returncode} while starting.\n{self._log_tails()}"
                )
            if _broker_answers(HOST, self._port, timeout=2.0):
                return
            if time.monotonic() >= deadline:
                raise BrokerStartError(
                    f"The Kafka broker did not answer on {HOST}:{self._port} within "
                    f"{self._startup_timeout:.0f}s.\n{self._log_tails()}"
                )
            time.sleep(0.1)

    def _log_tails(self) -> str:
        """Return the tails of ``kafka.out`` and ``server.log`` for error messages."""
        parts = []
        for path in (self.stdout_path, self.server_log_path):
            tail = _tail_file(path)
            if tail:
                parts.append(f"--- last lines of {path} ---\n{tail}")
        return "\n".join(parts) if parts else "(the broker wrote no log output)"

    def _kill(self) -> None:
        """Kill the JVM at once (used when starting fails)."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        self._process = None
        _DETACHED_PROCESSES.pop(process.pid, None)
        self._unregister_atexit()

    def _register_atexit(self) -> None:
        """Make sure an attached broker does not outlive this Python process."""
        if not self._atexit_registered:
            atexit.register(self._stop_at_exit)
            self._atexit_registered = True

    def _unregister_atexit(self) -> None:
        """Undo :meth:`_register_atexit`."""
        if self._atexit_registered:
            atexit.unregister(self._stop_at_exit)
            self._atexit_registered = False

    def _stop_at_exit(self) -> None:
        """Stop the broker quickly when the interpreter exits without stopping it."""
        with contextlib.suppress(Exception):
            self.stop(timeout=10.0)


def _now() -> str:
    """Return the current UTC time as an ISO 8601 string (seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_json_atomically(path: Path, data: Mapping[str, object]) -> None:
    """Write ``data`` as JSON to ``path`` via a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


# --------------------------------------------------------------------------------------------
# Detached broker (ctax kafka start|stop|status)
# --------------------------------------------------------------------------------------------


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
    process = _DETACHED_PROCESSES.get(pid)
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
    ready = running and port is not None and _broker_answers(HOST, port, timeout=2.0)
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
    with _file_lock(state_dir / ".lock"):
        current = status_detached(state_dir)
        if current.running:
            return current
        previous = _read_state(state_dir) or {}
        port = _int_or_none(previous.get("port"))
        controller_port = _int_or_none(previous.get("controller_port"))
        if port is None or controller_port is None or not (_port_is_free(port) and _port_is_free(controller_port)):
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
        _write_json_atomically(
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
                "started_at": _now(),
            },
        )
        return status_detached(state_dir)


def stop_detached(state_dir: Path = DEFAULT_STATE_DIR, *, timeout: float = 30.0) -> bool:
    """Stop the detached broker recorded in ``state_dir``; return whether one was running.

    Sends SIGTERM, waits up to ``timeout`` seconds, then SIGKILLs. The data directory is kept
    (a later :func:`start_detached` continues with it); the pid is removed from the state file.
    """
    state_dir = state_dir.expanduser().resolve()
    with _file_lock(state_dir / ".lock"):
        status = status_detached(state_dir)
        state = _read_state(state_dir)
        if state is not None and "pid" in state:
            state.pop("pid")
            state["stopped_at"] = _now()
            _write_json_atomically(_state_file(state_dir), state)
        if not status.running or status.pid is None:
            return False
        _terminate(status.pid, timeout)
        return True


def _terminate(pid: int, timeout: float) -> None:
    """SIGTERM ``pid``, wait up to ``timeout`` seconds for it to exit, then SIGKILL it."""
    process = _DETACHED_PROCESSES.pop(pid, None)
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
