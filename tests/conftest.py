"""Fixtures shared by every test folder: one real Kafka broker per pytest session.

The broker is a :class:`ctax.local_kafka.LocalKafka` started on first use (by ``tests/integration`` or
``tests/browser``) and stopped when the session ends. Set ``CTAX_TEST_KAFKA_BOOTSTRAP`` (e.g.
``127.0.0.1:9092``) to run the tests against an already running broker instead; tests that need to
control the broker itself (the ``kafka_broker`` fixture, e.g. restarting it) are skipped then.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from ctax.local_kafka import LocalKafka
from ctax.running.local_services import LOCAL_SERVICES_FILE_ENV

EXTERNAL_BOOTSTRAP_ENV = "CTAX_TEST_KAFKA_BOOTSTRAP"

# A demo or `ctax kafka start` left running by the developer must not steer the tests (or the processes
# they start) to its broker and stores: turn the settings' fallback to var/local-services.json off.
os.environ[LOCAL_SERVICES_FILE_ENV] = ""


def _external_bootstrap() -> str | None:
    """Return the external broker address from the environment, if one is configured."""
    value = os.environ.get(EXTERNAL_BOOTSTRAP_ENV, "").strip()
    return value or None


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafka]:
    """Start the session's local Kafka broker and stop it when the session ends.

    Skips the requesting test when ``CTAX_TEST_KAFKA_BOOTSTRAP`` points at an external broker,
    since such a broker cannot be restarted or inspected from here.
    """
    if _external_bootstrap() is not None:
        pytest.skip(f"{EXTERNAL_BOOTSTRAP_ENV} is set: using an external broker, not a local one")
    broker = LocalKafka(tmp_path_factory.mktemp("kafka"))
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def kafka_bootstrap(request: pytest.FixtureRequest) -> str:
    """Return the ``bootstrap_servers`` string of the session's broker.

    That is ``CTAX_TEST_KAFKA_BOOTSTRAP`` if set (no local broker is started), else the address
    of the ``kafka_broker`` fixture's broker.
    """
    external = _external_bootstrap()
    if external is not None:
        return external
    broker: LocalKafka = request.getfixturevalue("kafka_broker")
    return broker.bootstrap
