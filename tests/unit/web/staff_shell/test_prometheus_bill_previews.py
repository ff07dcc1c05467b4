"""Prometheus has the share of today's bill previews that matched what was applied (NaN before any)."""

from __future__ import annotations

from pathlib import Path

from tests.unit.web.stores.fixtures import NOW, metric, store
from web.staff_shell.prometheus import WebPrometheus


def test_the_share_of_previews_that_matched_is_a_gauge(tmp_path: Path) -> None:
    metrics = store(tmp_path)
    prometheus = WebPrometheus(metrics, lambda: NOW)
    assert "ctax_bill_preview_matched_ratio NaN" in prometheus.exposition().decode()
    metrics.record([metric(1, preview_matched=True), metric(2, preview_matched=False), metric(3, preview_matched=True),
                    metric(4, preview_matched=True), metric(5)])
    assert "ctax_bill_preview_matched_ratio 0.75" in prometheus.exposition().decode()
