"""Metric events and an ops metrics store for the store's and the ops dashboard's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from schemas.events import NotificationMetric
from web.stores.database import create_store_engine
from web.stores.metrics import MetricsStore

NOW = datetime(2026, 6, 15, 11, 30, 20, tzinfo=UTC)


def metric(number: int, outcome: str = "applied", kind: str = "move_in", minutes_ago: float = 1,
           end_to_end_ms: float = 100.0, **extra: Any) -> NotificationMetric:
    completed = NOW - timedelta(minutes=minutes_ago)
    return NotificationMetric.model_validate({
        "notification_id": f"00000000-0000-4000-8000-{number:012d}", "council_code": "E99999999", "kind": kind,
        "outcome": outcome, "submitted_at": completed - timedelta(milliseconds=end_to_end_ms),
        "completed_at": completed, "validate_ms": 10.0, "assess_ms": 5.0,
        "apply_ms": 20.0 if outcome == "applied" else None, "end_to_end_ms": end_to_end_ms,
        "digital_cost_pence": 15, "baseline_cost_pence": 491, "saving_pence": 476,
        "cost_model_version": "v1", **extra,
    })


def store(tmp_path: Path) -> MetricsStore:
    metrics = MetricsStore(create_store_engine(f"sqlite:///{tmp_path}/web.db"))
    metrics.create_schema()
    return metrics
