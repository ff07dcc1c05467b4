"""The import file layout: control totals, formula neutralising, and refusing what does not fit."""

import csv
import io
from datetime import UTC, datetime

import pytest

from adapters.files.layout import check_fits, hash_total, import_file, neutralised
from adapters.memory_revenues import InMemoryRevenuesSystem
from adapters.revenues_port import RefusedChangeError
from legacy.import_file import read_import_file
from schemas.events import AccountChange
from tests.builders import move_within
from tests.unit.adapters.revenues_contract import OCCUPIED, OTHER_VACANT, change_for, seed


@pytest.mark.parametrize("value", ["=HYPERLINK(\"x\")", "+1", "-SUM(A1)", "@cmd", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_is_neutralised(value: str) -> None:
    assert neutralised(value) == "'" + value


def test_amounts_and_plain_text_are_left_alone() -> None:
    assert [neutralised(v) for v in ("-5712", "1200", "Sam Taylor")] == ["-5712", "1200", "Sam Taylor"]


def _change() -> AccountChange:
    revenues = InMemoryRevenuesSystem()
    seed(revenues)
    return change_for(revenues, move_within(from_uprn=OCCUPIED, to_uprn=OTHER_VACANT))


def test_trailer_carries_the_record_count_and_hash_total_and_the_back_office_reads_it_back() -> None:
    change = _change()
    text = import_file(7, "E99999999", datetime(2025, 10, 10, tzinfo=UTC), [change])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["H", "CTAXCHG", "1", "000007", "2025-10-10T00:00:00+00:00", "E99999999", "UTF-8"]
    assert rows[-1] == ["T", str(len(rows) - 2), str(hash_total(rows[1:-1]))]
    parsed = read_import_file(text.encode("utf-8"))
    assert [len(r.steps) for r in parsed.records] == [2]


def test_a_name_wider_than_its_field_is_refused_not_cut() -> None:
    revenues = InMemoryRevenuesSystem()
    seed(revenues)
    change = change_for(revenues, move_within(from_uprn=OCCUPIED, to_uprn=OTHER_VACANT,
                                              residents=[{"full_name": "A" * 30 + " " + "B" * 30}]))
    with pytest.raises(RefusedChangeError, match="at most 40") as refused:
        check_fits(change)
    assert refused.value.code == "FIELD_TOO_LONG"
