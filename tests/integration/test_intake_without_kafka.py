"""Intake never says 202 for something Kafka has not stored."""

from __future__ import annotations

from pathlib import Path

from tests.integration.running_stack import RunningStack, free_port
from tests.integration.test_move_journeys import move_in_body


def test_intake_answers_503_with_retry_after_when_kafka_is_unreachable(tmp_path: Path) -> None:
    nothing_listening = f"127.0.0.1:{free_port()}"
    stack = RunningStack(nothing_listening, f"sqlite:///{tmp_path}/revenues.db", tmp_path)
    try:
        stack.start_web(CTAX_PUBLISH_TIMEOUT_SECONDS="3")
        response = stack.submit(move_in_body("100090000011", "11 Acacia Avenue"))
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"] == "5"
        assert "nothing was received" in response.json()["detail"]
    finally:
        stack.stop()
