"""Cluster ids and the rendered ``server.properties`` of the single local node."""

from __future__ import annotations

import base64
from pathlib import Path

from ctax.local_kafka import new_cluster_id, render_server_properties


def test_cluster_id_is_a_base64url_uuid() -> None:
    """Cluster ids are 22 base64url characters decoding to 16 bytes, never starting with '-'."""
    for _ in range(200):
        cluster_id = new_cluster_id()
        assert len(cluster_id) == 22
        assert not cluster_id.startswith("-")
        assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_server_properties_suit_a_single_local_node(tmp_path: Path) -> None:
    """The rendered config is a combined KRaft node on 127.0.0.1 with replication factor 1."""
    text = render_server_properties(
        port=19092, controller_port=19093, log_dir=tmp_path / "logs", extra={"num.partitions": "8"}
    )
    settings = dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))

    assert settings["process.roles"] == "broker,controller"
    assert settings["node.id"] == "1"
    assert settings["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert settings["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert settings["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert settings["log.dirs"] == str(tmp_path / "logs")
    assert settings["offsets.topic.replication.factor"] == "1"
    assert settings["transaction.state.log.replication.factor"] == "1"
    assert settings["transaction.state.log.min.isr"] == "1"
    assert settings["group.initial.rebalance.delay.ms"] == "0"
    assert settings["auto.create.topics.enable"] == "true"
    assert settings["num.partitions"] == "8"
