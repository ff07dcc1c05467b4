"""The ops dashboard's SVG charts: bars in proportion, a text alternative, no inline styles, readable times."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.unit.web.stores.fixtures import NOW, metric, store
from web.ops.charts import OUTCOME_COLOURS, format_ms, latency_chart, per_minute_chart
from web.stores.metrics import MinuteCount


def test_per_minute_bars_stack_outcomes_in_proportion_to_the_busiest_minute() -> None:
    start = NOW.replace(second=0, microsecond=0)
    minutes = [MinuteCount(start, {"applied": 3, "review": 1}), MinuteCount(start + timedelta(minutes=1), {})]
    chart = per_minute_chart(minutes, height=228)  # a plot 190 high
    heights = {fill: float(h) for h, fill in re.findall(r'height="([\d.]+)" fill="(#[0-9a-f]+)"', chart)}
    # The busiest minute (4) rounds up to an axis of 5: 3 applied and 1 review take 3/5 and 1/5 of the plot.
    assert heights == {OUTCOME_COLOURS["applied"]: 114.0, OUTCOME_COLOURS["review"]: 38.0}
    assert "4 notifications in the last 2 minutes; busiest minute 4." in chart
    assert "style=" not in chart  # the Content-Security-Policy forbids inline styles


def test_charts_of_the_stores_figures_name_every_stage_and_percentile(tmp_path: Path) -> None:
    metrics = store(tmp_path)
    metrics.record([metric(i, end_to_end_ms=float(i * 10)) for i in range(1, 11)])
    figures = metrics.figures(NOW)
    assert "<svg" in per_minute_chart(figures.per_minute)
    chart = latency_chart(figures.latency_ms)
    for label in ("Validate", "Assess", "Apply", "End to end", "p50 50 ms", "p99 100 ms"):
        assert label in chart


def test_a_stage_without_samples_says_so() -> None:
    chart = latency_chart({"validate": {50: None, 95: None, 99: None}})
    assert "no data" in chart
    assert 'width="0.0"' in chart


@pytest.mark.parametrize(("ms", "shown"), [
    (None, "–"), (12.4, "12 ms"), (999.0, "999 ms"), (1500.0, "1.5 s"), (12_345.0, "12 s"),
])
def test_durations_are_shown_in_the_unit_a_person_reads_best(ms: float | None, shown: str) -> None:
    assert format_ms(ms) == shown
