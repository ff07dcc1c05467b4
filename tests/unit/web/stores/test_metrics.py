"""The ops metrics store: each metric counted once, percentiles, straight-through rate, savings."""

from __future__ import annotations

from pathlib import Path

from tests.unit.web.stores.fixtures import NOW, metric, store
from web.stores.metrics import percentile


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


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 99) == 4.0


def test_figures_by_kind_of_change(tmp_path: Path) -> None:
    metrics = store(tmp_path)
    metrics.record([metric(1, kind="single_person_discount"), metric(2, "review", "single_person_discount"),
                    metric(3, kind="payment_arrangement"), metric(4, "rejected", "move_out")])
    by_kind = metrics.figures(NOW).by_kind
    assert list(by_kind) == ["move_out", "payment_arrangement", "single_person_discount"]
    spd = by_kind["single_person_discount"]
    assert (spd.total, spd.applied, spd.straight_through_rate, spd.saving_pence) == (2, 1, 0.5, 2 * 476)
    assert by_kind["move_out"].straight_through_rate == 0
