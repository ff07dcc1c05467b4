"""The errors running the local Kafka broker can raise, each with a message saying what to do."""

from __future__ import annotations


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
