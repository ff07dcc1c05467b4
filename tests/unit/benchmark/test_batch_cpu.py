"""The in-process batch cost tool runs the real fused pipeline over a seeded register (SQLite here)."""

from __future__ import annotations

from pathlib import Path

from ctax.benchmark.batch_cpu import measure


def test_measures_the_pipeline_over_a_seeded_register(tmp_path: Path) -> None:
    profile = tmp_path / "batch.prof"
    figures = measure(60, None, 20, profile)

    assert figures["database"] == "sqlite"
    assert figures["notifications"] == 40  # the first batch warms up and is not measured
    # Every notification gets a status event, and every one that finished a metric: at least one output each.
    assert figures["outputs"] >= figures["notifications"]
    assert figures["cpu_s_per_1k"] > 0
    assert figures["wall_s_per_1k"] >= figures["cpu_s_per_1k"] * 0.5
    assert figures["database_cpu_s_per_1k"] is None  # SQLite runs inside this process
    assert profile.stat().st_size > 0
