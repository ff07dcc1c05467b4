"""The bench reports ours as ratios of the references measured in the same run."""

from __future__ import annotations

from typing import Any

from ctax.benchmark.runner import CEILING, FAUST_DVE, FAUST_FORWARD, NAIVE, OURS, _ratios


def _row(name: str, per_second: float, cpu: float, p99: float | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "drain": {"per_second": per_second, "cpu_seconds_per_1000": cpu}}
    if p99 is not None:
        row["latency"] = {"p99_ms": p99}
    return row


def test_ours_is_a_ratio_of_each_reference() -> None:
    rows = [_row(CEILING, 10_000, 0.05, p99=30), _row(FAUST_FORWARD, 2_000, 0.4), _row(FAUST_DVE, 1_000, 0.8),
            _row(NAIVE, 50, 20), _row(OURS, 1_600, 0.5, p99=60), _row("ours, 2 workers", 3_000, 0.5)]
    intake = {"accepted_per_second": 300.0, "p99_ms": 50.0,
              "bare_http": {"accepted_per_second": 600.0, "p99_ms": 25.0}}
    ratios = _ratios(rows, intake)
    assert ratios["ours / bare Faust forwarding"] == "0.80x"
    assert ratios["ours / bare Faust decode-validate-encode"] == "1.60x"
    assert ratios["ours CPU per notification / bare Faust forwarding CPU per event"] == "1.25x"
    assert ratios["ours / naive"] == "32.00x"
    assert ratios["ours p99 / transport ceiling p99"] == "2.0x"
    assert ratios["scale-out speed-up"] == "1.88x"
    assert ratios["intake / bare HTTP rate"] == "0.50x"
    assert ratios["intake p99 / bare HTTP p99"] == "2.0x"


def test_missing_references_are_left_out() -> None:
    assert _ratios([_row(OURS, 1_000, 0.5)]) == {}
    assert _ratios([_row(NAIVE, 50, 20)]) == {}
