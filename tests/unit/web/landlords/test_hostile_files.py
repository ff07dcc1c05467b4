"""Hostile files against the real reading path (a child process with limits): each refused with one clear
sentence within seconds, this process's memory flat throughout; honest files, the largest included, read."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.web.landlords.hostile_files import (
    CORPUS,
    Hostile,
    hidden_first_sheet,
    largest_real_workbook,
    lying_dimension,
    sheet_renamed_with_a_dtd,
    sheet_renamed_with_a_far_cell,
    wide_row_bomb,
)
from web.landlords import parse_process
from web.landlords.parse_process import TOO_LONG, TOO_MUCH_MEMORY, ParseLimits, read_rows_in_child
from web.landlords.refusal import ReadingUnavailableError, UploadRefusedError
from web.landlords.spreadsheet import MAX_FILE_BYTES

ANSWER_SECONDS = 10.0  # a refusal takes about half a second; the machines running tests are shared
PARENT_GROWTH_KB = 20 * 1024
CHILD_PEAK_KB = 64 * 1024  # Python with openpyxl imported is about 30 MB


def memory_kb(field: str) -> int:
    """VmRSS or VmHWM (peak) of this process, in kB, from /proc."""
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"{field} is not in /proc/self/status")


def reset_peak_memory() -> None:
    """Make VmHWM start again from the current RSS (Linux: writing 5 to clear_refs)."""
    with Path("/proc/self/clear_refs").open("w", encoding="ascii") as refs:
        refs.write("5")


@pytest.mark.parametrize("hostile", CORPUS, ids=lambda hostile: hostile.name)
def test_each_hostile_file_is_refused_quickly_without_growing_this_process(
        hostile: Hostile, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=parse_process.__name__)
    content = hostile.build()
    assert len(content) <= MAX_FILE_BYTES  # it reaches the reader: the file limit alone does not stop it
    reset_peak_memory()
    before = memory_kb("VmRSS")
    started = time.monotonic()
    with pytest.raises(UploadRefusedError) as refused:
        read_rows_in_child(hostile.name, content)
    elapsed = time.monotonic() - started
    assert hostile.refusal in str(refused.value)
    assert str(refused.value).count(". ") <= 2  # one or two plain sentences
    assert "\n" not in str(refused.value)
    assert elapsed < ANSWER_SECONDS
    assert memory_kb("VmHWM") - before < PARENT_GROWTH_KB
    (report,) = [r for r in caplog.records if r.name == parse_process.__name__]
    assert 0 < getattr(report, "child_peak_kb", 0) < CHILD_PEAK_KB  # refused before the bomb costs anything


def test_the_one_row_of_a_million_cells_from_the_issue_is_refused() -> None:
    with pytest.raises(UploadRefusedError, match="too large"):
        read_rows_in_child("wide.xlsx", wide_row_bomb(1_300_000))


def test_the_visible_sheet_is_read_not_the_hidden_one() -> None:
    (row,) = read_rows_in_child("hidden.xlsx", hidden_first_sheet())
    assert row.values["tenant_names"] == "Rosa Singh"


def test_a_sheet_that_claims_every_row_and_column_is_read_for_what_it_holds() -> None:
    started = time.monotonic()
    (row,) = read_rows_in_child("dimension.xlsx", lying_dimension())
    assert row.values["tenant_names"] == "Sam Taylor; Alex Taylor"
    assert time.monotonic() - started < ANSWER_SECONDS


def test_the_largest_real_file_is_read_within_the_limits() -> None:
    content = largest_real_workbook()
    assert len(content) <= MAX_FILE_BYTES
    rows = read_rows_in_child("largest.xlsx", content)
    assert len(rows) == 500
    assert len(rows[-1].values["account_number"]) > 250


def test_a_child_that_runs_out_of_memory_costs_only_itself() -> None:
    with pytest.raises(UploadRefusedError, match=TOO_MUCH_MEMORY):
        read_rows_in_child("largest.xlsx", largest_real_workbook(), ParseLimits(memory_bytes=24 * 1024 * 1024))


def test_a_child_that_takes_too_long_is_killed() -> None:
    started = time.monotonic()
    with pytest.raises(UploadRefusedError, match=TOO_LONG):
        read_rows_in_child("largest.xlsx", largest_real_workbook(), ParseLimits(wall_seconds=0.05))
    assert time.monotonic() - started < 2


@pytest.fixture
def every_slot_taken(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(parse_process, "SLOT_WAIT_SECONDS", 0.1)
    taken = 0
    try:
        while parse_process._slots.acquire(blocking=False):  # the bound under test
            taken += 1
        yield
    finally:
        for _ in range(taken):
            parse_process._slots.release()


@pytest.mark.usefixtures("every_slot_taken")
def test_no_more_parses_run_at_once_than_the_bound() -> None:
    with pytest.raises(ReadingUnavailableError, match="Try again in a minute"):
        read_rows_in_child("t.xlsx", hidden_first_sheet())


def test_a_sheet_under_another_name_is_still_checked_as_xml() -> None:
    """The reader follows the workbook's relationships, not the part names: a sheet named like a picture is
    still scanned and counted as a sheet."""
    with pytest.raises(UploadRefusedError, match="entities"):
        read_rows_in_child("renamed.xlsx", sheet_renamed_with_a_dtd())
    with pytest.raises(UploadRefusedError, match="row 1,000,000"):
        read_rows_in_child("renamed.xlsx", sheet_renamed_with_a_far_cell())


def test_a_reader_that_cannot_start_is_a_try_again_not_a_refusal(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    broken = [sys.executable, "-c", "raise SystemExit('the reader is not installed')"]
    monkeypatch.setattr(parse_process, "child_command", lambda _kind, _limits: broken)
    with pytest.raises(ReadingUnavailableError, match="Try again later"):
        read_rows_in_child("t.xlsx", hidden_first_sheet())
    (failed,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert getattr(failed, "error", "") == "the reader is not installed"
