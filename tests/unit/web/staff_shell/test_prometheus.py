"""The Prometheus listener exposes the dashboard's figures and consumer lag, and no personal data."""

from __future__ import annotations

from pathlib import Path

from tests.unit.web.stores.fixtures import NOW, metric, store
from web.staff_shell.prometheus import WebPrometheus


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
