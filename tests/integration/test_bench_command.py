"""`ctax bench` on a tiny workload, so the command cannot silently break (no timing is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.postgres
def test_a_tiny_benchmark_prints_the_table_and_writes_json(tmp_path: Path) -> None:
    server = os.environ.get("CTAX_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("CTAX_TEST_POSTGRES_URL not set")
    result = subprocess.run(
        [sys.executable, "-m", "ctax", "bench", "--backlog", "120", "--naive-backlog", "40", "--latency-rate", "40",
         "--latency-seconds", "1", "--scale-workers", "1", "--intake-seconds", "1", "--postgres-url", server,
         "--soap-backlog", "30", "--soap-latency-ms", "5", "--output-dir", str(tmp_path), "--profile"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for row in ("transport ceiling", "bare Faust agent, forwarding bytes", "bare Faust agent, decode-validate-encode",
                "naive (staged", "ours (fused", "ours over SOAP, 5 ms a call", "bare HTTP (/healthz", "intake (POST",
                "ours / naive", "ours / bare Faust forwarding", "intake / bare HTTP rate", "worker CPU by stage"):
        assert row in result.stdout
    (report,) = tmp_path.glob("bench-*.json")
    data = json.loads(report.read_text())
    assert [row["drain"]["notifications"] for row in data["rows"]] == [120, 120, 120, 40, 120, 30]
    assert data["machine"]["cores"] == os.cpu_count()
    assert data["intake"]["codes"].get("202", 0) > 0
    assert data["intake"]["bare_http"]["codes"].get("200", 0) > 0
    assert "samples" in data["worker_cpu_by_stage"]  # a backlog this small may drain before py-spy attaches


def test_the_intake_rows_alone_print_with_their_ratios(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ctax", "bench", "--only", "intake", "--intake-seconds", "1", "--intake-rounds", "2",
         "--output-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for line in ("bare HTTP (/healthz, same app)", "intake (POST /api/v1/notifications)", "intake / bare HTTP rate",
                 "intake p99 / bare HTTP p99", "web CPU"):
        assert line in result.stdout
    assert "drain n/s" not in result.stdout  # no drain rows were run
    (report,) = tmp_path.glob("bench-*.json")
    data = json.loads(report.read_text())
    assert data["rows"] == []
    assert (data["config"]["only"], data["config"]["rounds"]) == ("intake", 2)
    assert data["intake"]["codes"].get("202", 0) > 0
    assert data["intake"]["bare_http"]["codes"].get("200", 0) > 0
