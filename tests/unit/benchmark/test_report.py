"""The benchmark's table stays readable, whatever the figures."""

from __future__ import annotations

from typing import Any

from ctax.benchmark.report import render_table


def _result(latency: dict[str, Any]) -> dict[str, Any]:
    return {
        "machine": {"cores": 2, "cpu": "test", "memory_gb": 1, "python": "3.11", "kafka": "Kafka",
                    "database": "PostgreSQL", "packages": {}},
        "config": {"latency_rate": 200.0},
        "rows": [{"name": "naive (staged, one event at a time)",
                  "drain": {"notifications": 2000, "per_second": 24.2, "cpu_seconds_per_1000": 35.6,
                            "peak_rss_mb": 100.9},
                  "latency": latency}],
    }


def test_wide_latencies_stay_in_separate_columns() -> None:
    latency = {"offered_per_second": 200.0, "p50_ms": 64264.0, "p95_ms": 120611.4, "p99_ms": 125682.5,
               "max_ms": 127054.3, "offered": 4000, "finished": 4000}
    row = render_table(_result(latency)).splitlines()[6]
    cells = row.removeprefix("naive (staged, one event at a time)").split()
    assert cells == ["2000", "24.2", "35.60", "-", "-", "100.9", "64,264.0", "120,611.4", "125,682.5", "127,054.3"]


def test_a_latency_run_that_did_not_finish_is_flagged() -> None:
    latency = {"offered_per_second": 200.0, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0, "max_ms": 4.0,
               "offered": 4000, "finished": 2651}
    table = render_table(_result(latency))
    assert "only 2,651 of the 4,000 notifications offered at 200/s finished" in table
    finished = {**latency, "finished": 4000}
    assert "only" not in render_table(_result(finished))


def test_the_bare_http_row_and_the_stage_split_are_printed() -> None:
    figures = {"concurrency": 32, "seconds": 8.0, "codes": {"202": 10}, "accepted_per_second": 400.0,
               "p50_ms": 10.0, "p95_ms": 20.0, "p99_ms": 30.0, "max_ms": 40.0}
    result = {**_result({}), "intake": {**figures, "bare_http": {**figures, "accepted_per_second": 900.0}},
              "worker_cpu_by_stage": {"decode": 0.1, "apply": 0.4, "Faust": 0.5, "samples": 1200.0}}
    table = render_table(result)
    assert "bare HTTP (/healthz, same app): 900.0 answered/s" in table
    assert "intake (POST /api/v1/notifications): 400.0 accepted/s" in table
    assert "1,200 busy samples): decode 10%, apply 40%, Faust 50%" in table
