"""The broker's ``server.properties`` for one combined KRaft broker+controller node, and cluster ids."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from ctax.local_kafka.ports import HOST

NODE_ID: Final = 1


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
    lines = ["# Written by ctax/local_kafka for a local single-node KRaft broker."]
    lines.extend(f"{key}={value}" for key, value in settings.items())
    return "\n".join(lines) + "\n"
