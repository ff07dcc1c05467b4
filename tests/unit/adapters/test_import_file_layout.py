"""The import file layout: control totals, formula neutralising, and refusing what does not fit."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from adapters.files.layout import check_fits, hash_total, import_file, neutralised
from adapters.memory_revenues import InMemoryRevenuesSystem
from adapters.revenues_port import RefusedChangeError, superseded_from_day
from legacy.import_file import read_import_file
from legacy.records import Amendment, Opening
from schemas.events import AccountChange
from tests.builders import address, move_within
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
    assert rows[0] == ["H", "CTAXCHG", "2", "000007", "2025-10-10T00:00:00+00:00", "E99999999", "UTF-8"]
    assert rows[-1] == ["T", str(len(rows) - 2), str(hash_total(rows[1:-1]))]
    parsed = read_import_file(text.encode("utf-8"))
    # The ending, the new account, and the owner's account for the home left empty (with its empty-since day).
    assert [len(r.steps) for r in parsed.records] == [3]
    owner = parsed.records[0].steps[2]
    assert isinstance(owner, Opening)
    assert (owner.unoccupied_since, owner.liability_end) == (date(2025, 10, 1), None)


def test_a_name_wider_than_its_field_is_refused_not_cut() -> None:
    revenues = InMemoryRevenuesSystem()
    seed(revenues)
    change = change_for(revenues, move_within(from_uprn=OCCUPIED, to_uprn=OTHER_VACANT,
                                              residents=[{"full_name": "A" * 30 + " " + "B" * 30}]))
    with pytest.raises(RefusedChangeError, match="at most 40") as refused:
        check_fits(change)
    assert refused.value.code == "FIELD_TOO_LONG"


def _household_change(name: str = "Kim Lee") -> AccountChange:
    revenues = InMemoryRevenuesSystem()
    seed(revenues)
    return change_for(revenues, {
        "kind": "household_change", "uprn": OCCUPIED, "address": address("2 Acacia Avenue"),
        "effective_date": datetime(2025, 10, 1).date(), "event": "adult_joined",
        "residents": [{"full_name": "Alex Jones"}, {"full_name": name, "disregard": "apprentice"}],
        "liable_persons": ["Alex Jones", name]})


def test_an_amendment_is_an_a_record_with_its_people_and_lines_and_reads_back_whole() -> None:
    change = _household_change()
    text = import_file(8, "E99999999", datetime(2025, 10, 10, tzinfo=UTC), [change])
    (record,) = read_import_file(text.encode("utf-8")).records
    (step,) = record.steps
    (amendment,) = change.amendments
    assert isinstance(step, Amendment)
    assert (step.account_no, step.replace_liable_persons, step.liable_persons) == (
        "500000001", True, ("Alex Jones", "Kim Lee"))
    assert (step.discount_code, step.discount_percent, step.twelve_instalments) == ("SPD", 25, False)
    assert step.recharge_from_year == amendment.first_recharged_year
    assert step.replan_years == tuple(sorted({bill.financial_year for bill in amendment.year_bills}))
    assert step.instalments_from == superseded_from_day(change, amendment.year_bills)
    assert [c.charge_pence for c in step.charges] == [c.charge_pence for c in amendment.charges]
    assert [i.amount_pence for i in step.instalments] == [i.amount_pence for i in amendment.instalments]


def test_a_name_in_an_amendment_wider_than_its_field_is_refused_not_cut() -> None:
    with pytest.raises(RefusedChangeError, match="at most 40"):
        check_fits(_household_change("A" * 30 + " " + "B" * 30))
