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
         "--soap-backlog", "30", "--soap-latency-ms", "5", "--output-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for row in ("transport ceiling", "naive (staged", "ours (fused", "ours over SOAP, 5 ms a call", "HTTP intake",
                "ours / naive"):
        assert row in result.stdout
    (report,) = tmp_path.glob("bench-*.json")
    data = json.loads(report.read_text())
    assert [row["drain"]["notifications"] for row in data["rows"]] == [120, 40, 120, 30]
    assert data["machine"]["cores"] == os.cpu_count()
    assert data["intake"]["codes"].get("202", 0) > 0
