"""The HTTP rows' figures from the load generator's line, and the intake as a share of bare HTTP."""

from __future__ import annotations

from typing import Any

from ctax.benchmark.intake_row import BODIES, _pooled, http_figures, intake_bodies, intake_ratios
from ctax.benchmark.report import render_table
from tests.builders import move_in, notification


def test_figures_from_a_load_generator_line() -> None:
    load = {"codes": {"202": 4, "503": 1}, "latencies_ms": [10.0, 20.0, 30.0, 40.0], "seconds": 2.0}
    figures = http_figures(load, 0.01, concurrency=32)
    assert figures["accepted_per_second"] == 2.0
    assert (figures["p50_ms"], figures["max_ms"]) == (20.0, 40.0)
    assert figures["codes"] == {"202": 4, "503": 1}
    assert figures["web_cpu_seconds_per_1000"] == 2.5  # 0.01 s over 4 answered
    assert "web_cpu_seconds_per_1000" not in http_figures(load, concurrency=32)


def test_rounds_are_pooled_into_one_row() -> None:
    first = ({"codes": {"202": 2}, "latencies_ms": [10.0, 30.0], "seconds": 1.0}, 0.004)
    second = ({"codes": {"202": 1, "503": 1}, "latencies_ms": [20.0], "seconds": 1.0}, 0.002)
    load, cpu = _pooled([first, second])
    assert load == {"codes": {"202": 3, "503": 1}, "latencies_ms": [10.0, 30.0, 20.0], "seconds": 2.0}
    assert cpu == 0.006
    assert http_figures(load, cpu, concurrency=32)["accepted_per_second"] == 1.5


def test_the_intake_is_a_share_of_the_bare_http_row() -> None:
    intake: dict[str, Any] = {"accepted_per_second": 900.0, "p99_ms": 45.0,
                              "bare_http": {"accepted_per_second": 3000.0, "p99_ms": 20.0}}
    assert intake_ratios(intake) == {"intake / bare HTTP rate": "0.30x", "intake p99 / bare HTTP p99": "2.2x"}
    assert intake_ratios({"accepted_per_second": 900.0, "p99_ms": 45.0}) == {}
    assert intake_ratios(None) == {}


def test_bodies_are_what_a_caller_sends() -> None:
    sent = notification(move_in())
    (body,) = intake_bodies([sent])
    assert set(body) == {"contact", "change"}
    assert body["change"]["kind"] == "move_in"
    assert len(intake_bodies([sent] * (BODIES + 5))) == BODIES


def test_an_intake_only_result_prints_without_the_drain_table() -> None:
    figures = {"concurrency": 32, "seconds": 8.0, "codes": {"202": 10}, "accepted_per_second": 400.0,
               "p50_ms": 10.0, "p95_ms": 20.0, "p99_ms": 30.0, "max_ms": 40.0, "web_cpu_seconds_per_1000": 0.61}
    result = {"machine": {"cores": 2, "cpu": "test", "memory_gb": 1, "python": "3.11", "kafka": "Kafka",
                          "database": "SQLite", "packages": {}},
              "config": {"only": "intake", "seconds": 8.0}, "rows": [],
              "intake": {**figures, "bare_http": {**figures, "accepted_per_second": 900.0}},
              "ratios": {"intake / bare HTTP rate": "0.44x"}}
    table = render_table(result)
    assert "drain n/s" not in table
    assert "intake (POST /api/v1/notifications): 400.0 accepted/s" in table
    assert "web CPU 0.61 s/1k" in table
    assert "intake / bare HTTP rate: 0.44x" in table
