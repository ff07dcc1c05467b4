"""A local single-node Apache Kafka broker (KRaft mode); moved into a package, to be split by job next."""

from ctax.local_kafka.broker import *  # noqa: F403 - a step on the way to one module per job
from ctax.local_kafka.broker import __all__  # noqa: F401
