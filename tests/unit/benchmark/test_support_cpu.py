"""The broker's and the phase database's CPU, beside the processes under test."""

from __future__ import annotations

import os
from pathlib import Path

from ctax.benchmark.process_probe import SupportCpu


def test_cpu_spent_is_summed_per_group_and_new_processes_count_from_zero() -> None:
    before = {"broker": {10: 5.0}, "database": {20: 1.0}}
    after = {"broker": {10: 7.5}, "database": {20: 1.5, 21: 0.25}}
    assert SupportCpu.spent(before, after) == {"broker": 2.5, "database": 0.75}


def test_a_group_with_no_process_reads_as_unknown_not_zero() -> None:
    assert SupportCpu.spent({}, {"broker": {1: 1.0}, "database": {}}) == {"broker": 1.0, "database": None}


def test_the_broker_is_sampled_by_its_pid() -> None:
    sample = SupportCpu(os.getpid(), None).sample()
    assert set(sample["broker"]) == {os.getpid()}
    assert sample["database"] == {}


def test_only_backends_of_the_phase_database_count(tmp_path: Path) -> None:
    def process(pid: str, title: str) -> Path:
        entry = tmp_path / pid
        entry.mkdir()
        (entry / "cmdline").write_bytes(title.encode().replace(b" ", b"\0"))
        return entry

    probe = SupportCpu(None, "ctax_bench_1_p7")
    assert probe._is_backend(process("1", "postgres: ctax ctax_bench_1_p7 127.0.0.1(5000) idle"))
    assert not probe._is_backend(process("2", "postgres: ctax ctax_bench_1_p70 127.0.0.1(5001) idle"))
    assert not probe._is_backend(process("3", "postgres: ctax other 127.0.0.1(5002) idle"))
    assert not probe._is_backend(process("4", "python -m ctax worker ctax_bench_1_p7 "))
