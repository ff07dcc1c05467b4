"""A local single-node Apache Kafka broker (KRaft mode) run from Maven Central jars.

The test suite starts one broker per pytest session with :class:`LocalKafka`; the demo and the
``ctax kafka start|stop|status`` CLI use :func:`start_detached`, :func:`stop_detached` and
:func:`status_detached`, which leave the broker running after Python exits.

This module is the package's public face; each job lives in its own module:

* ``java``: find a Java 17+ runtime and read its version;
* ``jars``: fetch the broker's jars with Maven, once, into a per-version cache (under a file lock);
* ``ports``: pick free loopback ports;
* ``properties``: the ``server.properties`` of one combined broker+controller node;
* ``readiness``: ask the broker over the Kafka wire protocol whether it is ready;
* ``broker``: run the JVM (:class:`LocalKafka`); ``detached``: a broker that outlives Python;
* ``security``: a broker whose client listener needs TLS and a SCRAM login, with ACLs enforced;
  ``acls``: creating ACLs through the admin API (for tests; not re-exported here, as ``security`` needs
  the dev dependency ``cryptography``);
* ``files``: the file lock, atomic JSON writes and log tails the others share; ``errors``: the errors.
"""

from __future__ import annotations

from ctax.local_kafka.broker import DEFAULT_JVM_OPTIONS, LocalKafka
from ctax.local_kafka.detached import (
    DEFAULT_STATE_DIR,
    DetachedStatus,
    start_detached,
    status_detached,
    stop_detached,
)
from ctax.local_kafka.errors import (
    BrokerStartError,
    JarFetchError,
    JavaNotFoundError,
    JavaTooOldError,
    LocalKafkaError,
    MavenNotFoundError,
)
from ctax.local_kafka.jars import KAFKA_VERSION, default_cache_dir, fetch_jars, jars_are_cached
from ctax.local_kafka.java import MIN_JAVA_MAJOR, JavaInfo, check_java, find_java, parse_java_version
from ctax.local_kafka.ports import free_port
from ctax.local_kafka.properties import new_cluster_id, render_server_properties

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
    "jars_are_cached",
    "new_cluster_id",
    "parse_java_version",
    "render_server_properties",
    "start_detached",
    "status_detached",
    "stop_detached",
]
