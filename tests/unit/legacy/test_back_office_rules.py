"""The simulated back office's own rules: what it refuses, and that it never de-duplicates for its callers."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from legacy.behaviour import Behaviour
from legacy.database import connect, create_schema
from legacy.file_importer import FileImporter
from legacy.ledger import Ledger, load_register
from legacy.records import Account, Amendment, Charge, Ending, Instalment, NoteInput, Opening, RefusalError

UPRN = "100090000001"


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    create_schema(tmp_path / "bo.db")
    conn = connect(tmp_path / "bo.db")
    load_register(conn, [{"uprn": UPRN, "property_ref": "P1", "address_line_1": "1 Acacia Avenue",
                          "address_line_2": None, "town": "Exampleton", "postcode": "ZY1 5AB", "band": "C"}],
                  [Account("500000001", UPRN, "2021-03-01", "2024-03-31", None, 0, ("Ann Example",))])
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


def re_ending(end: date, expected_end: date | None = date(2024, 3, 31), reference: str = "n-5") -> Ending:
    return Ending("500000001", date(2021, 3, 1), end, 2023, date(2025, 10, 10), (), (),
                  NoteInput(reference, "re-ended"), expected_liability_end=expected_end)


def test_an_ending_is_completed_or_brought_back_only_from_the_end_expected(ledger: Ledger) -> None:
    with pytest.raises(RefusalError) as refused:
        ledger.end_liability(re_ending(date(2024, 3, 30), expected_end=date(2024, 3, 29)))
    assert refused.value.code == "LIABILITY_END_MISMATCH"
    with pytest.raises(RefusalError) as later:
        ledger.end_liability(re_ending(date(2024, 4, 30)))
    assert later.value.code == "END_AFTER_CURRENT_END"
    ledger.end_liability(re_ending(date(2024, 3, 30)))
    (account,) = ledger.accounts_at([UPRN])
    assert account.liability_end == "2024-03-30"
    assert account.ended_by_note is not None
    assert account.ended_by_note.reference == "n-5"


def amendment(**changes: object) -> Amendment:
    fields: dict[str, object] = {
        "account_no": "80000001", "expected_liability_start": date(2025, 10, 1), "effective_date": date(2025, 11, 1),
        "replace_liable_persons": True, "liable_persons": ("Sam Taylor", "Kim Lee"), "discount_code": None,
        "discount_percent": 0, "twelve_instalments": True, "payment_day": 15, "recharge_from_year": 2025,
        "charges": (Charge(2025, date(2025, 10, 1), date(2026, 3, 31), 182, "C", 200000, None, 0, 99726),),
        "replan_years": (2025,), "instalments_from": date(2025, 11, 1),
        "instalments": (Instalment(2025, 1, date(2025, 11, 15), 99726),), "note": NoteInput("n-6", "amended")}
    return Amendment(**{**fields, **changes})  # type: ignore[arg-type]


def test_an_amendment_replaces_people_charges_and_the_plan_from_its_date(ledger: Ledger) -> None:
    ledger.create_account(Opening(UPRN, date(2025, 10, 1), ("Sam Taylor",), "SPD", 25,
                                  (Charge(2025, date(2025, 10, 1), date(2026, 3, 31), 182, "C", 200000, "SPD", 25,
                                          74795),),
                                  (Instalment(2025, 1, date(2025, 10, 1), 14959),
                                   Instalment(2025, 2, date(2025, 11, 1), 14959)), NoteInput("n-1", "opened")))
    assert ledger.amend_account(amendment()) == "80000001"
    account = ledger.account("80000001")
    assert account is not None
    assert account.liable_persons == ("Sam Taylor", "Kim Lee")
    assert (account.discount_code, account.twelve_instalments, account.payment_day) == (None, True, 15)
    assert [c.charge_pence for c in account.charges] == [99726]
    assert [(i.due_date, i.amount_pence) for i in account.instalments] == [
        (date(2025, 10, 1), 14959), (date(2025, 11, 15), 99726)]  # the one due before the change is kept


@pytest.mark.parametrize(("changes", "code"), [
    ({"liable_persons": ("A" * 41,)}, "NAME_TOO_LONG"),
    ({"account_no": "500000001", "expected_liability_start": date(2021, 3, 1)}, "ACCOUNT_CLOSED"),
    ({"expected_liability_start": date(2025, 9, 1)}, "LIABILITY_START_MISMATCH"),
    ({"payment_day": 32}, "PAYMENT_DAY_INVALID"),
])
def test_an_amendment_that_does_not_fit_is_refused_whole(ledger: Ledger, changes: dict[str, object],
                                                         code: str) -> None:
    ledger.create_account(opening())
    with pytest.raises(RefusalError) as refused:
        ledger.amend_account(amendment(**changes))
    assert refused.value.code == code
    assert ledger.notes_by_reference(["n-6"]) == []
    held = ledger.account("80000001")
    assert held is not None
    assert held.liable_persons == ("Sam Taylor",)


def test_a_change_record_is_imported_all_or_nothing(tmp_path: Path) -> None:
    create_schema(tmp_path / "bo.db")
    conn = connect(tmp_path / "bo.db")
    load_register(conn, [{"uprn": UPRN, "property_ref": "P1", "address_line_1": "1 Acacia Avenue",
                          "address_line_2": None, "town": "Exampleton", "postcode": "ZY1 5AB", "band": "C"}],
                  [Account("500000001", UPRN, "2021-03-01", None, None, 0, ("Ann Example",))])
    importer = FileImporter(tmp_path / "bo.db", tmp_path / "inbox", tmp_path / "results", Behaviour())
    # The amendment is fine; the ending after it expects the account closed already: the record is rejected.
    (tmp_path / "inbox" / "F2.csv").write_text(
        "H,CTAXCHG,2,000002,2025-10-10T12:00:00+00:00,E99999999,UTF-8\r\n"
        "C,n-7,CTX-2,household_change,2025-10-10\r\n"
        "A,n-7,500000001,2021-03-01,2025-10-01,Y,,0,12,15,,,2025-10-10,amended\r\n"
        "P,n-7,Ann Example\r\nP,n-7,Kim Lee\r\n"
        "E,n-7,500000001,2021-03-01,2025-09-30,2025-09-29,2025,2025-10-10,ended\r\n"
        "T,5,0\r\n", encoding="utf-8")
    assert importer.import_waiting() == 1
    results = (tmp_path / "results" / "F2.results.csv").read_text(encoding="utf-8").splitlines()
    assert results[1].startswith("R,n-7,R,,LIABILITY_END_MISMATCH,")
    held = Ledger(conn).account("500000001")
    assert held is not None
    assert (held.liable_persons, held.twelve_instalments, held.notes) == (("Ann Example",), False, ())


def test_a_layout_1_file_is_still_read(tmp_path: Path) -> None:
    create_schema(tmp_path / "bo.db")
    conn = connect(tmp_path / "bo.db")
    load_register(conn, [{"uprn": UPRN, "property_ref": "P1", "address_line_1": "1 Acacia Avenue",
                          "address_line_2": None, "town": "Exampleton", "postcode": "ZY1 5AB", "band": "C"}], [])
    importer = FileImporter(tmp_path / "bo.db", tmp_path / "inbox", tmp_path / "results", Behaviour())
    (tmp_path / "inbox" / "F3.csv").write_text(
        "H,CTAXCHG,1,000003,2025-10-10T12:00:00+00:00,E99999999,UTF-8\r\n"
        "C,n-8,CTX-3,move_in,2025-10-10\r\n"
        "O,n-8,100090000001,2025-10-01,SPD,25,opened\r\nP,n-8,Sam Taylor\r\n"
        "T,3,0\r\n", encoding="utf-8")
    assert importer.import_waiting() == 1
    results = (tmp_path / "results" / "F3.results.csv").read_text(encoding="utf-8").splitlines()
    assert results[1] == "R,n-8,A,80000001,,"
    held = Ledger(conn).account("80000001")
    assert held is not None
    assert (held.twelve_instalments, held.payment_day) == (False, None)


def test_a_database_made_before_payment_arrangements_gets_their_columns(tmp_path: Path) -> None:
    conn = connect(tmp_path / "old.db")
    conn.execute("CREATE TABLE account (account_no TEXT PRIMARY KEY, uprn TEXT NOT NULL, liability_start TEXT NOT "
                 "NULL, liability_end TEXT, discount_code TEXT, discount_percent INTEGER NOT NULL DEFAULT 0, "
                 "paid_this_year_pence INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)")
    conn.close()
    create_schema(tmp_path / "old.db")
    conn = connect(tmp_path / "old.db")
    columns = {row["name"] for row in conn.execute("PRAGMA table_info(account)")}
    assert {"twelve_instalments", "payment_day", "end_note_id"} <= columns


class Killed(BaseException):
    """The import job's process dying (SIGKILL) between two records."""


@dataclass
class DiesBeforeRecord(Behaviour):
    """Dies as the job comes to the record numbered ``dies_at`` (from 1), once."""

    dies_at: int = 0
    records_seen: int = 0

    def wait_record(self) -> None:
        self.records_seen += 1
        if self.records_seen == self.dies_at:
            raise Killed


THREE_MOVES_IN = (
    "H,CTAXCHG,1,000009,2025-10-10T12:00:00+00:00,E99999999,UTF-8\r\n"
    + "".join(f"C,n-{i},CTX-{i},move_in,2025-10-10\r\nO,n-{i},10009000000{i},2025-10-01,,0,opened\r\n"
              f"P,n-{i},Sam Taylor\r\n" for i in (1, 2, 3))
    + "T,9,0\r\n")


def test_a_job_killed_mid_file_resumes_and_imports_each_record_once(tmp_path: Path) -> None:
    create_schema(tmp_path / "bo.db")
    conn = connect(tmp_path / "bo.db")
    load_register(conn, [{"uprn": f"10009000000{i}", "property_ref": f"P{i}", "address_line_1": f"{i} Acacia Avenue",
                          "address_line_2": None, "town": "Exampleton", "postcode": "ZY1 5AB", "band": "C"}
                         for i in (1, 2, 3)], [])
    inbox, results = tmp_path / "inbox", tmp_path / "results"
    FileImporter(tmp_path / "bo.db", inbox, results, Behaviour()).inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "F9.csv").write_text(THREE_MOVES_IN, encoding="utf-8")
    with pytest.raises(Killed):
        FileImporter(tmp_path / "bo.db", inbox, results, DiesBeforeRecord(dies_at=3)).import_waiting()
    assert not (results / "F9.results.csv").exists()
    assert conn.execute("SELECT count(*) FROM account").fetchone()[0] == 2  # two records in, then killed

    restarted = FileImporter(tmp_path / "bo.db", inbox, results, Behaviour())
    assert restarted.import_waiting() == 1
    answer = (results / "F9.results.csv").read_text(encoding="utf-8")
    assert answer.splitlines()[1:4] == ["R,n-1,A,80000001,,", "R,n-2,A,80000002,,", "R,n-3,A,80000003,,"]
    assert conn.execute("SELECT count(*) FROM account").fetchone()[0] == 3  # not 5: the first two not again

    # Killed after the results, before the archive: the file is taken again, and answered the same.
    (inbox / "F9.csv").write_text(THREE_MOVES_IN, encoding="utf-8")
    assert restarted.import_waiting() == 1
    assert (results / "F9.results.csv").read_text(encoding="utf-8") == answer
    assert conn.execute("SELECT count(*) FROM account").fetchone()[0] == 3


def test_another_file_under_a_sequence_already_imported_is_refused_not_imported(tmp_path: Path) -> None:
    create_schema(tmp_path / "bo.db")
    conn = connect(tmp_path / "bo.db")
    load_register(conn, [{"uprn": f"10009000000{i}", "property_ref": f"P{i}", "address_line_1": f"{i} Acacia Avenue",
                          "address_line_2": None, "town": "Exampleton", "postcode": "ZY1 5AB", "band": "C"}
                         for i in (1, 2, 3)], [])
    importer = FileImporter(tmp_path / "bo.db", tmp_path / "inbox", tmp_path / "results", Behaviour())
    (tmp_path / "inbox" / "F9.csv").write_text(THREE_MOVES_IN, encoding="utf-8")
    importer.import_waiting()
    (tmp_path / "inbox" / "G9.csv").write_text(THREE_MOVES_IN.replace("n-1", "n-7"), encoding="utf-8")
    importer.import_waiting()
    answer = (tmp_path / "results" / "G9.results.csv").read_text(encoding="utf-8").splitlines()
    assert answer[1].startswith("R,n-7,R,,SEQUENCE_REUSED,")
    assert conn.execute("SELECT count(*) FROM account").fetchone()[0] == 3
