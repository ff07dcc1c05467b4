"""Each sampled stack of the worker lands in the stage that owns it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ctax.benchmark.report import render_table
from ctax.benchmark.stage_profile import StageProfile, split_by_stage, stage_of

AGENT = ("run (processors/app.py:150);run_batch (processors/stage_runner.py:80);"
         "process_batch (processors/pipeline/fused.py:40)")


@pytest.mark.parametrize(("leaf", "stage"), [
    ("decode_submitted (processors/pipeline/decode.py:30);read_record (schemas/codec.py:110)", "decode"),
    ("validate (processors/pipeline/validate.py:40);model_validate (pydantic/main.py:700)", "validate"),
    ("assess_all (processors/pipeline/assess.py:20);instalments (processors/rules/instalments.py:90)", "assess"),
    ("apply_changes (processors/pipeline/apply.py:30);execute (psycopg/cursor.py:700)", "apply"),
    ("report (processors/pipeline/report.py:30);encode (schemas/codec.py:90)", "report"),
])
def test_the_outermost_pipeline_step_owns_the_sample(leaf: str, stage: str) -> None:
    assert stage_of(f"{AGENT};{leaf}".split(";")) == stage


def test_outside_the_steps_the_innermost_transport_frame_decides() -> None:
    publish = ("publish (processors/app.py:100);send (faust/transport/producer.py:50);"
               "send (aiokafka/producer/producer.py:400)")
    take = "take_events (faust/streams.py:500);getmany (aiokafka/consumer/fetcher.py:900)"
    assert stage_of(publish.split(";")) == "producer"
    assert stage_of(take.split(";")) == "Faust"
    assert stage_of(["<module> (ctax/__main__.py:3)", "collect (gc:0)"]) == "other"


def test_the_split_weights_stacks_by_their_sample_counts() -> None:
    lines = [f"{AGENT};apply_changes (processors/pipeline/apply.py:30) 30",
             "take_events (faust/streams.py:500) 10", "", "garbage"]
    split = split_by_stage(lines)
    assert split["samples"] == 40
    assert split["apply"] == pytest.approx(0.75)
    assert split["Faust"] == pytest.approx(0.25)
    assert split["decode"] == 0


def test_no_samples_gives_zero_shares_not_an_error() -> None:
    split = split_by_stage([])
    assert split["samples"] == 0
    assert all(share == 0 for share in split.values())


def test_py_spy_samples_a_busy_process_and_its_samples_are_split(tmp_path: Path) -> None:
    busy = subprocess.Popen([sys.executable, "-c", "while True: sum(range(1000))"])
    try:
        time.sleep(0.5)
        profile = StageProfile(busy.pid, tmp_path / "profile.txt")
        time.sleep(1.5)
        split = profile.stop()
    finally:
        busy.kill()
        busy.wait()
    assert split["samples"] > 0
    assert split["other"] == pytest.approx(1.0)  # none of our stages, Faust or the producer


def test_a_run_without_busy_samples_says_so() -> None:
    result = {"machine": {"cores": 2, "cpu": "test", "memory_gb": 1, "python": "3.11", "kafka": "Kafka",
                          "database": "PostgreSQL", "packages": {}},
              "config": {"latency_rate": 200.0}, "rows": [], "worker_cpu_by_stage": split_by_stage([])}
    assert "no busy samples" in render_table(result)
