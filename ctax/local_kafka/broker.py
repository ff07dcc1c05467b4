"""Running the broker JVM: format its storage, launch it, wait until it answers, stop it.

:class:`LocalKafka` writes a ``server.properties`` for one combined broker+controller node listening
on 127.0.0.1 only, formats the storage directory, starts ``java -cp <libs>/* kafka.Kafka
server.properties`` and waits until the broker answers a Kafka Metadata request listing itself
(i.e. it is registered and unfenced, not merely listening).
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Final, Self

from ctax.local_kafka.errors import BrokerStartError, LocalKafkaError
from ctax.local_kafka.files import tail_file, tail_text, utc_now
from ctax.local_kafka.jars import LOG4J2_CONFIG, fetch_jars
from ctax.local_kafka.java import check_java
from ctax.local_kafka.ports import HOST, free_ports
from ctax.local_kafka.properties import new_cluster_id, render_server_properties
from ctax.local_kafka.readiness import broker_answers

DEFAULT_JVM_OPTIONS: Final[tuple[str, ...]] = (
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:+ExitOnOutOfMemoryError",
    # C1-only JIT: about a second quicker to start; plenty fast for local work.
    "-XX:TieredStopAtLevel=1",
)
"""The broker JVM's options besides heap size, logging and class path."""

# Detached brokers' Popen objects are kept here so they are never garbage-collected while
# the broker runs (Popen.__del__ would warn "subprocess ... is still running").
DETACHED_PROCESSES: dict[int, subprocess.Popen[bytes]] = {}


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
        format_options: Sequence[str] = (),
        ready_check: Callable[[], bool] | None = None,
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
            format_options: Further ``kafka.tools.StorageTool format`` options, e.g. ``--add-scram``
                to create SCRAM users before the first start.
            ready_check: Tells whether the broker is ready, for listeners the plaintext wire probe
                cannot use (TLS, SASL); by default the broker must list itself in a Metadata response.
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
        self._format_options = list(format_options)
        self._ready_check = ready_check
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
            self._port, self._controller_port = free_ports(2)
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
            DETACHED_PROCESSES.pop(process.pid, None)
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
            f"-Dlog4j2.configurationFile={LOG4J2_CONFIG}",
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
            *self._format_options,
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
                + tail_text(completed.stdout + completed.stderr, 40)
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
            out.write(f"\n=== ctax: starting the Kafka broker at {utc_now()} ===\n".encode())
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
            DETACHED_PROCESSES[self._process.pid] = self._process
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
            if self._answers():
                return
            if time.monotonic() >= deadline:
                raise BrokerStartError(
                    f"The Kafka broker did not answer on {HOST}:{self._port} within "
                    f"{self._startup_timeout:.0f}s.\n{self._log_tails()}"
                )
            time.sleep(0.1)

    def _answers(self) -> bool:
        """Tell whether the broker is ready: the ready_check given, else the plaintext Metadata probe."""
        if self._ready_check is not None:
            return self._ready_check()
        assert self._port is not None
        return broker_answers(HOST, self._port, timeout=2.0)

    def _log_tails(self) -> str:
        """Return the tails of ``kafka.out`` and ``server.log`` for error messages."""
        parts = []
        for path in (self.stdout_path, self.server_log_path):
            tail = tail_file(path)
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
        DETACHED_PROCESSES.pop(process.pid, None)
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
