"""The simulated back office's own rules: what it refuses, and that it never de-duplicates for its callers."""

from datetime import date
from pathlib import Path

import pytest

from legacy.behaviour import Behaviour
from legacy.database import connect, create_schema
from legacy.file_importer import FileImporter
from legacy.ledger import Ledger, load_register
from legacy.records import Account, Ending, NoteInput, Opening, RefusalError

UPRN = "100090000001"


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    create_schema(tmp_path / "bo.db")
    conn = connect(tmp_path / "bo.db")
    load_register(conn, [{"uprn": UPRN, "property_ref": "P1", "address_line_1": "1 Acacia Avenue",
                          "address_line_2": None, "town": "Exampleton", "postcode": "ZY1 5AB", "band": "C"}],
                  [Account("500000001", UPRN, "2021-03-01", "2024-03-31", None, 0, 0, ("Ann Example",))])
    return Ledger(conn)


def opening(name: str = "Sam Taylor", uprn: str = UPRN) -> Opening:
    return Opening(uprn, date(2025, 10, 1), (name,), None, 0, (), (), NoteInput("n-1", "opened"))


def test_its_own_numbering_and_the_note_written_with_the_account(ledger: Ledger) -> None:
    account_no = ledger.create_account(opening())
    assert account_no == "80000001"
    assert [n.reference for n in ledger.notes_by_reference(["n-1"])] == ["n-1"]


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"name": "A" * 41}, "NAME_TOO_LONG"),
    ({"uprn": "999"}, "PROPERTY_UNKNOWN"),
])
def test_refuses_what_it_cannot_hold(ledger: Ledger, kwargs: dict[str, str], code: str) -> None:
    with pytest.raises(RefusalError) as refused:
        ledger.create_account(opening(**kwargs))
    assert refused.value.code == code
    assert ledger.notes_by_reference(["n-1"]) == []


def test_refuses_to_end_an_account_already_closed(ledger: Ledger) -> None:
    ending = Ending("500000001", date(2021, 3, 1), date(2025, 9, 30), 2025, date(2025, 10, 10), (), (),
                    NoteInput("n-2", "ended"))
    with pytest.raises(RefusalError, match="already closed"):
        ledger.end_liability(ending)


def test_never_de_duplicates_a_note(ledger: Ledger) -> None:
    ledger.add_note("500000001", NoteInput("n-3", "same"))
    ledger.add_note("500000001", NoteInput("n-3", "same"))
    assert len(ledger.notes_by_reference(["n-3"])) == 2


def test_a_file_whose_trailer_does_not_match_is_rejected_whole(tmp_path: Path) -> None:
    create_schema(tmp_path / "bo.db")
    importer = FileImporter(tmp_path / "bo.db", tmp_path / "inbox", tmp_path / "results", Behaviour())
    (tmp_path / "inbox" / "F1.csv").write_text(
        "H,CTAXCHG,1,000001,2025-10-10T12:00:00+00:00,E99999999,UTF-8\r\n"
        "C,n-4,CTX-1,move_in,2025-10-10\r\n"
        "T,2,0\r\n", encoding="utf-8")
    assert importer.import_waiting() == 1
    results = (tmp_path / "results" / "F1.results.csv").read_text(encoding="utf-8").splitlines()
    assert results[1].startswith("R,n-4,R,,FILE_CONTROL_TOTALS,")
    assert results[-1] == "T,1"
    assert (tmp_path / "archive" / "F1.csv").exists()
