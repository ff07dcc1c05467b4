"""Kafka over TLS with SCRAM-SHA-512 logins and ACLs, on a broker of this module's own.

One broker for the module (the plaintext session broker cannot do this): a CA and broker certificate
made here, SCRAM users created when the storage is formatted, the StandardAuthorizer on, and the ACLs
``ctax kafka acls`` prints for two principals (``ctax/kafka_admin/acls.py``): the worker (the pipeline's topics and
its consumer group) and the web app (write submitted; read submitted, status and metrics as its own groups;
the processors' lag; nothing else).

The clients are built the way the product builds them, from the documented ``CTAX_KAFKA_*`` settings:
the web app's through ``ctax.running.components.kafka_connection``, the worker's through the Faust credentials
of ``ctax.running.worker_runner.faust_credentials``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import ClusterAuthorizationFailedError, TopicAuthorizationFailedError
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

from adapters.sql.revenues import SqlRevenuesSystem
from ctax.kafka_admin.access import KafkaAccessError
from ctax.kafka_admin.acls import service_acls
from ctax.kafka_admin.topic_setup import ensure_topics
from ctax.local_kafka import LocalKafka, free_port
from ctax.local_kafka.acls import create_acls
from ctax.local_kafka.security import ScramUser, TlsFiles, client_options, make_tls_files, secure_local_kafka
from ctax.running.components import kafka_connection
from ctax.running.worker_runner import faust_credentials
from ctax.settings import Settings
from schemas.codec import shared_codec
from schemas.events import NotificationMetric, NotificationStatus
from schemas.topics import ASSESSED, DEAD_LETTER_TOPIC, METRICS, PROCESSOR_APP_ID, STATUS, SUBMITTED, VALIDATED
from tests.builders import move_in, notification, register_property
from web.kafka.consumer_lag import ConsumerLagMonitor, LagReading

REPO_ROOT = Path(__file__).resolve().parents[3]
WORKER_GROUP = "ctax-processor"  # the Faust app id, which Faust uses as the consumer group


@dataclass(frozen=True)
class SecureBroker:
    broker: LocalKafka
    tls: TlsFiles
    untrusted_ca: Path  # a CA that did not sign the broker's certificate
    admin: ScramUser
    worker: ScramUser
    web: ScramUser

    def settings_env(self, user: ScramUser, *, password: str | None = None,
                     cafile: Path | None = None) -> dict[str, str]:
        """The documented CTAX_KAFKA_* variables for ``user`` (README, Security)."""
        return {
            "CTAX_KAFKA_BOOTSTRAP": self.broker.bootstrap,
            "CTAX_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "CTAX_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "CTAX_KAFKA_SASL_USERNAME": user.name,
            "CTAX_KAFKA_SASL_PASSWORD": password if password is not None else user.password,
            "CTAX_KAFKA_SSL_CAFILE": str(cafile or self.tls.ca_cert),
        }


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def secure(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SecureBroker]:
    """Start the SASL_SSL broker, create the product's topics as admin, and the two principals' ACLs."""
    if os.environ.get("CTAX_TEST_KAFKA_BOOTSTRAP", "").strip():
        pytest.skip("CTAX_TEST_KAFKA_BOOTSTRAP is set: no local brokers are started")
    root = tmp_path_factory.mktemp("kafka-sasl-ssl")
    tls = make_tls_files(root / "tls")
    untrusted = make_tls_files(root / "untrusted", ca_name="some other CA")
    admin, worker, web = (ScramUser(name, secrets.token_urlsafe(18)) for name in ("admin", "ctax-worker", "ctax-web"))
    broker = secure_local_kafka(root / "kafka", tls=tls, admin=admin, users=[worker, web])
    await asyncio.to_thread(broker.start)
    try:
        admin_options = client_options(broker.bootstrap, admin, tls.ca_cert)
        await ensure_topics(broker.bootstrap, 4, client_options=admin_options)
        await create_acls(admin_options, service_acls(worker.name, web.name))  # what `ctax kafka acls` prints
        await _until_applied(client_options(broker.bootstrap, web, tls.ca_cert))
        yield SecureBroker(broker, tls, untrusted.ca_cert, admin, worker, web)
    finally:
        await asyncio.to_thread(broker.close)


async def _until_applied(web_options: Mapping[str, Any]) -> None:
    """Wait until the broker enforces the new ACLs (it applies them from the metadata log a moment later)."""
    async with asyncio.timeout(30):
        while True:
            try:
                return await _send(web_options, SUBMITTED.name, b"the ACLs are in force")
            except (ClusterAuthorizationFailedError, TopicAuthorizationFailedError):
                await asyncio.sleep(0.2)


def _settings(monkeypatch: pytest.MonkeyPatch, env: Mapping[str, str]) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)


def _web_options(settings: Settings) -> dict[str, Any]:
    return kafka_connection(settings).options()


def _worker_options(settings: Settings) -> dict[str, Any]:
    credentials = faust_credentials(kafka_connection(settings))
    return {"bootstrap_servers": settings.kafka_bootstrap, **credentials_to_aiokafka_auth(credentials)}


async def _send(options: Mapping[str, Any], topic: str, value: bytes, key: bytes | None = None) -> None:
    producer = AIOKafkaProducer(**options, acks="all", enable_idempotence=True)
    try:
        await producer.start()
        await producer.send_and_wait(topic, value, key=key or value)
    finally:
        await producer.stop()


async def _receive(options: Mapping[str, Any], topic: str, group: str, wanted: bytes) -> bytes:
    """Read ``topic`` as ``group`` from the earliest offset until ``wanted`` arrives; commit and return it."""
    return await _receive_matching(options, topic, group, lambda key, value: value == wanted)


async def _receive_matching(options: Mapping[str, Any], topic: str, group: str,
                            matches: Callable[[bytes | None, bytes], bool]) -> bytes:
    """Read ``topic`` as ``group`` until a record whose key and value match; commit; return its value."""
    consumer = AIOKafkaConsumer(topic, **options, group_id=group, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    try:
        await consumer.start()
        async with asyncio.timeout(90):
            while True:
                for records in (await consumer.getmany(timeout_ms=1000)).values():
                    for record in records:
                        if record.value is not None and matches(record.key, record.value):
                            await consumer.commit()
                            value: bytes = record.value
                            return value
    finally:
        await consumer.stop()


async def test_worker_and_web_clients_from_the_settings_work_over_sasl_ssl(
    secure: SecureBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Web writes submitted; the worker (its group) reads it and writes status; the web reads status."""
    web = _settings(monkeypatch, secure.settings_env(secure.web))
    web_options = _web_options(web)
    worker = _settings(monkeypatch, secure.settings_env(secure.worker))
    worker_options = _worker_options(worker)
    assert web_options["security_protocol"] == worker_options["security_protocol"] == "SASL_SSL"
    await ensure_topics(worker.kafka_bootstrap, 4, client_options=worker_options, attempts=1)  # the worker's start
    submitted = f"submitted-{uuid.uuid4()}".encode()
    status = f"status-{uuid.uuid4()}".encode()

    await _send(web_options, SUBMITTED.name, submitted)
    assert await _receive(worker_options, SUBMITTED.name, WORKER_GROUP, submitted) == submitted
    await _send(worker_options, STATUS.name, status)
    assert await _receive(web_options, STATUS.name, "ctax-web-progress", status) == status


async def test_a_wrong_password_fails_at_once_with_one_clear_message(
    secure: SecureBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No retry loop: the topic check stops at the first refused login and names the settings to fix."""
    env = secure.settings_env(secure.web, password="not-the-password")
    settings = _settings(monkeypatch, env)
    started = time.monotonic()

    with pytest.raises(KafkaAccessError) as caught:
        await ensure_topics(settings.kafka_bootstrap, 4, client_options=_web_options(settings), attempts=30)

    assert time.monotonic() - started < 15
    assert not caught.value.retryable
    message = str(caught.value)
    assert "refused the SCRAM-SHA-512 login of user 'ctax-web'" in message
    assert "CTAX_KAFKA_SASL_PASSWORD" in message
    assert "not-the-password" not in message


async def test_the_worker_command_with_a_wrong_password_exits_with_one_line(secure: SecureBroker) -> None:
    """`ctax worker` stops at once, non-zero, with one error line and no traceback."""
    env = {**os.environ, **secure.settings_env(secure.worker, password="not-the-password"),
           "CTAX_WORKER_METRICS_PORT": "0", "CTAX_LOG_FORMAT": "text"}

    completed = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "ctax", "worker"], cwd=REPO_ROOT, env=env, capture_output=True,
        text=True, timeout=60, check=False)

    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    # Its log (stderr) may hold the client's one failed connection; the error itself is the one last line.
    lines = completed.stderr.strip().splitlines()
    assert len(lines) <= 2, completed.stderr
    assert lines[-1].startswith("Error: cannot use Kafka: ")
    assert "refused the SCRAM-SHA-512 login of user 'ctax-worker'" in lines[-1]


async def test_the_web_command_with_a_wrong_password_exits_instead_of_serving(secure: SecureBroker) -> None:
    """`ctax web` does not start answering 503 for ever when its login is refused: it stops with one line."""
    env = {**os.environ, **secure.settings_env(secure.web, password="not-the-password"),
           "CTAX_WEB_METRICS_PORT": "0", "CTAX_LOG_FORMAT": "text"}

    completed = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "ctax", "web", "--port", str(free_port())], cwd=REPO_ROOT, env=env,
        capture_output=True, text=True, timeout=60, check=False)

    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert completed.stderr.strip().splitlines()[-1].startswith("Error: cannot use Kafka: ")
    assert "refused the SCRAM-SHA-512 login of user 'ctax-web'" in completed.stderr


async def test_an_untrusted_certificate_fails_with_one_clear_message(
    secure: SecureBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client given another CA refuses the broker's certificate and says which setting to fix."""
    settings = _settings(monkeypatch, secure.settings_env(secure.web, cafile=secure.untrusted_ca))
    started = time.monotonic()

    with pytest.raises(KafkaAccessError) as caught:
        await ensure_topics(settings.kafka_bootstrap, 4, client_options=_web_options(settings), attempts=30)

    assert time.monotonic() - started < 15
    assert not caught.value.retryable
    assert "TLS certificate of Kafka at" in str(caught.value)
    assert "not trusted" in str(caught.value)
    assert "CTAX_KAFKA_SSL_CAFILE" in str(caught.value)


async def _read_all(options: Mapping[str, Any], topic: str) -> list[bytes]:
    """Read every partition of ``topic`` from the start for a few seconds, without a group; return the values.

    aiokafka does not raise when a fetch is not authorized: it logs, marks the topic unauthorized in its
    metadata and returns nothing. So the caller checks both the records and that mark.
    """
    consumer = AIOKafkaConsumer(**options, enable_auto_commit=False, auto_offset_reset="earliest")
    values: list[bytes] = []
    try:
        await consumer.start()
        consumer.assign([TopicPartition(topic, partition) for partition in range(4)])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                values.extend(record.value or b"" for record in records)
        if topic in consumer._client.cluster.unauthorized_topics:
            raise TopicAuthorizationFailedError(topic)
    finally:
        await consumer.stop()
    return values


async def test_acls_deny_the_web_app_what_only_the_worker_does(
    secure: SecureBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web principal may not write the status or metrics topics nor read the dead letters; the worker may."""
    web_options = _web_options(_settings(monkeypatch, secure.settings_env(secure.web)))
    worker_options = _worker_options(_settings(monkeypatch, secure.settings_env(secure.worker)))
    with pytest.raises(TopicAuthorizationFailedError):
        await _read_all(web_options, DEAD_LETTER_TOPIC)
    for topic in (STATUS.name, METRICS.name):
        with pytest.raises(TopicAuthorizationFailedError):
            await _send(web_options, topic, b"forged")

    assert await _read_all(worker_options, DEAD_LETTER_TOPIC) == []  # the same read passes when allowed (none yet)
    await _send(worker_options, STATUS.name, b"a real status")


async def test_the_real_worker_and_the_web_apps_readers_work_within_their_acls(
    secure: SecureBroker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`ctax worker` as ctax-worker applies a move-in the web principal sent; the web principal follows its
    status and its metric (as the progress and ops groups) and reads the processors' lag, all under
    `service_acls`: a rule missing there fails here, not at a council."""
    revenues_url = f"sqlite:///{tmp_path}/revenues.db"
    revenues = SqlRevenuesSystem.from_url(revenues_url)
    revenues.create_schema()
    revenues.load_register([register_property("100090000004")], [])
    revenues.dispose()
    env = {**os.environ, **secure.settings_env(secure.worker), "CTAX_REVENUES_DATABASE_URL": revenues_url,
           "CTAX_PARTITIONS": "4", "CTAX_WORKER_METRICS_PORT": "0", "CTAX_LOG_FORMAT": "text"}
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = await asyncio.create_subprocess_exec(sys.executable, "-m", "ctax", "worker", cwd=tmp_path, env=env,
                                                      stdout=log, stderr=log)
    try:
        web_settings = _settings(monkeypatch, secure.settings_env(secure.web))
        web_options = _web_options(web_settings)
        sent = notification(move_in("100090000004"))
        await _send(web_options, SUBMITTED.name, shared_codec().encode(sent), key=sent.notification_id.encode())

        key = sent.notification_id.encode()
        final = await _receive_matching(web_options, STATUS.name, "ctax-web-progress", lambda k, value: (
            k == key and shared_codec().decode(value, NotificationStatus).status.is_final))
        outcome = shared_codec().decode(final, NotificationStatus).status
        metric = await _receive_matching(web_options, METRICS.name, "ctax-web-ops", lambda k, _: k == key)
        assert shared_codec().decode(metric, NotificationMetric).outcome == outcome

        readings: list[LagReading] = []
        measured = asyncio.Event()

        def keep(reading: LagReading) -> None:
            readings.append(reading)
            measured.set()

        lag = ConsumerLagMonitor(kafka_connection(web_settings), PROCESSOR_APP_ID,
                                 [spec.name for spec in (SUBMITTED, VALIDATED, ASSESSED, STATUS)],
                                 interval_seconds=0.5, on_reading=keep)
        lag.start()
        try:
            await asyncio.wait_for(measured.wait(), 30)  # no reading at all if the lag's reads are refused
        finally:
            await lag.stop()
        assert set(readings[0].by_topic) >= {SUBMITTED.name, STATUS.name}
    finally:
        worker.terminate()
        await asyncio.wait_for(worker.wait(), 30)
    assert "AuthorizationFailed" not in log_path.read_text(errors="replace")


async def test_a_login_without_alter_configs_is_told_the_retention_was_not_set(
    secure: SecureBroker, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The web principal may not configure topics: the broker says so in its answer, and the topic check logs it
    (names, no personal data) instead of passing as if the retention had been set."""
    settings = _settings(monkeypatch, secure.settings_env(secure.web))
    with caplog.at_level(logging.WARNING, logger="ctax.kafka_admin.topic_setup"):
        await ensure_topics(settings.kafka_bootstrap, 4, client_options=_web_options(settings), attempts=1)
    (warning,) = [r for r in caplog.records if r.name == "ctax.kafka_admin.topic_setup"]
    assert "could not set the retention" in warning.getMessage()
    assert SUBMITTED.name in warning.topics  # type: ignore[attr-defined]


async def test_the_deadletters_command_logs_in_with_the_settings(secure: SecureBroker) -> None:
    """`ctax deadletters list` reads over SASL_SSL as the worker; with a wrong password it says so in one line."""
    def run(password: str | None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **secure.settings_env(secure.worker, password=password)}
        return subprocess.run([sys.executable, "-m", "ctax", "deadletters", "list"], cwd=REPO_ROOT, env=env,
                              capture_output=True, text=True, timeout=60, check=False)

    allowed = await asyncio.to_thread(run, None)
    refused = await asyncio.to_thread(run, "not-the-password")

    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stderr.strip() == "0 dead letter(s)"
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "refused the SCRAM-SHA-512 login of user 'ctax-worker'" in refused.stderr
