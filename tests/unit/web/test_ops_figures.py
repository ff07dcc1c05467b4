"""The ops figures: counting each metric once, percentiles, straight-through, savings, charts, Prometheus."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from schemas.events import NotificationMetric
from web.ops.charts import latency_chart, per_minute_chart
from web.ops.prometheus import WebPrometheus
from web.stores.database import create_store_engine
from web.stores.metrics import MetricsStore, percentile

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


def test_a_metric_delivered_twice_counts_once(tmp_path: Path) -> None:
    metrics = store(tmp_path)
    assert len(metrics.record([metric(1), metric(2)])) == 2
    assert [m.notification_id for m in metrics.record([metric(2), metric(3)])] == [metric(3).notification_id]
    assert metrics.figures(NOW).notifications_to_date == 3


def test_figures_for_the_dashboard(tmp_path: Path) -> None:
    metrics = store(tmp_path)
    metrics.record([metric(i, end_to_end_ms=float(i * 10)) for i in range(1, 101)])
    metrics.record([metric(200, "review", minutes_ago=3), metric(201, "rejected", "move_out", minutes_ago=3),
                    metric(300, minutes_ago=60 * 24 * 3)])  # three days ago: to date, not today
    figures = metrics.figures(NOW)
    assert figures.today_by_outcome == {"applied": 100, "review": 1, "rejected": 1}
    assert figures.straight_through_rate == 100 / 102
    assert figures.by_kind_outcome[("move_out", "rejected")] == 1
    assert figures.latency_ms["end_to_end"][50] == 490.0  # 102 samples: the two at 100 ms shift the median
    assert figures.latency_ms["end_to_end"][99] == 990.0
    assert figures.saving_today_pence == 102 * 476
    assert figures.saving_to_date_pence == 103 * 476
    assert figures.per_minute[-2].counts == {"applied": 100}
    assert sum(m.total for m in figures.per_minute) == 102
    assert "<svg" in per_minute_chart(figures.per_minute)
    assert "p99" in latency_chart(figures.latency_ms)


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 99) == 4.0


def test_prometheus_exposes_the_same_figures_without_personal_data(tmp_path: Path) -> None:
    metrics = store(tmp_path)
    prometheus = WebPrometheus(metrics, lambda: NOW)
    prometheus.observe(metrics.record([metric(1), metric(2, "review")]))
    prometheus.record_lag({"ctax.notifications.submitted.v1": 7}, 1.0)
    text = prometheus.exposition().decode()
    assert 'ctax_notifications_total{kind="move_in",outcome="applied"} 1.0' in text
    assert 'ctax_notification_stage_seconds_count{stage="end_to_end"} 2.0' in text
    assert "ctax_saving_pence_total 952.0" in text
    assert "ctax_straight_through_ratio 0.5" in text
    assert 'ctax_processor_consumer_lag{topic="ctax.notifications.submitted.v1"} 7.0' in text
    assert "00000000-0000-4000" not in text
