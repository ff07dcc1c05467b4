"""The broker object before it is started (starting it is an integration test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctax.local_kafka import LocalKafka, LocalKafkaError


def test_unstarted_broker_has_no_bootstrap(tmp_path: Path) -> None:
    """Asking for the address before start() is a LocalKafkaError, not a bogus address."""
    broker = LocalKafka(tmp_path / "kafka")

    assert not broker.is_running()
    assert broker.pid is None
    with pytest.raises(LocalKafkaError, match="start"):
        _ = broker.bootstrap
    assert LocalKafka(tmp_path / "kafka", port=12345).bootstrap == "127.0.0.1:12345"
