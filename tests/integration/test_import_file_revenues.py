"""The revenues contract against the import-file adapter, with the simulated back office importing its files."""

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.files.incidents import INCIDENTS
from adapters.files.overdue import OVERDUE_FILES
from adapters.revenues_port import AppliedChange, RefusedChangeError, RevenuesUnavailableError
from tests.builders import move_in, move_within, refund_decision
from tests.legacy_back_office import FileContract
from tests.unit.adapters.revenues_contract import (
    APPLIED_AT,
    OTHER_VACANT,
    REFUND_TO,
    VACANT,
    applied_of,
    apply_one,
    change_for,
    seed,
)


class TestImportFileRevenues(FileContract):
    def test_the_approval_queue_reads_held_refunds_from_the_reporting_database(self, seeded: Any) -> None:
        change, credit = self._move_out_with_refund(seeded, date(2025, 6, 1))
        apply_one(seeded, change)
        (held,) = seeded.held_refunds()
        assert (held.account_ref, held.financial_year, held.amount_pence, held.masked_bank_account,
                held.notification_id, held.uprn) == ("500000001", 2025, credit, REFUND_TO.masked,
                                                     change.notification_id, "100090000002")
        apply_one(seeded, change_for(seeded, refund_decision("500000001", 2025, uprn="100090000002",
                                                             line_1="2 Acacia Avenue")))
        assert seeded.held_refunds() == []

    def test_a_crash_between_the_journal_and_the_outbox_sends_the_same_file_once(self, seeded: Any) -> None:
        change = change_for(seeded, move_within(from_uprn="100090000002", to_uprn=OTHER_VACANT))
        seeded._reserve([change], APPLIED_AT)
        assert list(Path(seeded.back_office.address).glob("*.csv")) == []
        applied = apply_one(seeded, change)
        assert len(seeded.accounts_at(OTHER_VACANT)) == 1
        archive = Path(seeded.back_office.address).parent / "archive"
        assert [p.name for p in archive.glob("*.csv")] == ["CTAXCHG_E99999999_000001.csv"]
        assert applied_of(seeded, change.notification_id).account_refs == applied.account_refs

    def test_names_in_any_script_survive_and_the_file_declares_utf_8(self, seeded: Any) -> None:
        name = "Zoë Łukasiewicz-Ødegård"
        applied = apply_one(seeded, change_for(seeded, move_in(uprn=VACANT, residents=[{"full_name": name}])))
        assert seeded.account(applied.account_refs[0]).liable_persons == (name,)
        (sent,) = (Path(seeded.back_office.address).parent / "archive").glob("*.csv")
        header = sent.read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("H,CTAXCHG,2,000001,")
        assert header.endswith(",E99999999,UTF-8")

    def test_results_that_never_arrive_raise_the_overdue_alert(self, revenues: Any) -> None:
        seed(revenues)
        revenues._alert = 0.0
        change = change_for(revenues, move_in(uprn=VACANT))
        with revenues.import_paused(wait=0.3), pytest.raises(RevenuesUnavailableError, match="no results yet"):
            revenues.apply_account_changes([change], datetime.now().astimezone())
        assert OVERDUE_FILES._value.get() == 1
        apply_one(revenues, change)
        revenues.applied_many([change.notification_id])
        assert OVERDUE_FILES._value.get() == 0

    def test_a_change_in_a_file_not_yet_answered_is_waited_for_before_it_is_looked_up(self, revenues: Any) -> None:
        seed(revenues)
        change = change_for(revenues, move_in(uprn=VACANT))
        with revenues.import_paused(wait=0.3), pytest.raises(RevenuesUnavailableError, match="no results yet"):
            revenues.apply_account_changes([change], APPLIED_AT)  # the file went out; its results did not come
        # The redelivered notification is looked up before it is assessed again: the lookup waits for the
        # back office's answer to the file already sent (it imports again now) instead of saying "not applied".
        applied = revenues.applied_many([change.notification_id])
        assert list(applied) == [change.notification_id]
        assert len(revenues.accounts_at(VACANT)) == 1
        assert len(list((Path(revenues.back_office.address).parent / "archive").glob("*.csv"))) == 1

    def test_the_same_change_told_again_while_its_file_is_unanswered_waits_for_that_answer(
            self, revenues: Any) -> None:
        seed(revenues)
        change = change_for(revenues, move_in(uprn=VACANT))
        with revenues.import_paused(wait=0.3), pytest.raises(RevenuesUnavailableError, match="no results yet"):
            revenues.apply_account_changes([change], APPLIED_AT)
        found = revenues.applied_with_fingerprints([change.change_fingerprint], uprns=[VACANT])
        assert found[change.change_fingerprint].notification_id == change.notification_id

    def test_a_rejected_record_comes_back_with_the_back_offices_code_and_reason(self, seeded: Any) -> None:
        change = change_for(seeded, move_in(uprn=VACANT))
        elsewhere = change.openings[0].model_copy(update={"uprn": "999999999999"})
        change = change.model_copy(update={"openings": (elsewhere,)})
        (result,) = seeded.apply_account_changes([change], APPLIED_AT)
        assert isinstance(result, RefusedChangeError)
        assert result.code == "PROPERTY_UNKNOWN"
        assert "999999999999" in str(result)
        assert applied_of(seeded, change.notification_id) is None
        (again,) = seeded.apply_account_changes([change], APPLIED_AT)  # a redelivery: the same answer, no new file
        assert isinstance(again, RefusedChangeError)
        assert len(list((Path(seeded.back_office.address).parent / "archive").glob("*.csv"))) == 1

    def test_one_property_is_read_for_the_staff_workspace(self, seeded: Any) -> None:
        assert seeded.property(VACANT).address_line_1 == "4 Acacia Avenue"
        assert seeded.property("999999999999") is None

    def test_results_for_records_not_sent_are_an_incident_and_every_record_of_the_file_goes_to_review(
            self, revenues: Any) -> None:
        seed(revenues)
        change = change_for(revenues, move_in(uprn=VACANT))
        before = incident_count("records_not_sent")
        with revenues.import_paused(wait=0.3):
            with pytest.raises(RevenuesUnavailableError):
                revenues.apply_account_changes([change], APPLIED_AT)
            # An answer the back office should not give: our record and one it was never sent.
            results_of(revenues, "CTAXCHG_E99999999_000001.csv").write_text(
                f"H,CTAXRES,1,000001,2025-10-10T12:00:00+00:00,UTF-8\r\nR,{change.notification_id},A,80000001,,\r\n"
                "R,0b5d4b7e-4c1a-4bb0-9c55-2b4a1f3c9d10,A,80000002,,\r\nT,2\r\n", encoding="utf-8")
            (result,) = revenues.apply_account_changes([change], APPLIED_AT)
        assert isinstance(result, RefusedChangeError)
        assert result.code == "RESULTS_INCIDENT"
        assert "1 result(s) for records the file did not hold" in str(result)
        assert incident_count("records_not_sent") == before + 1
        assert [kind for _, kind, _ in revenues.incidents()] == ["records_not_sent"]

    def test_a_results_file_that_changes_after_it_was_read_is_an_incident_and_the_first_answer_stands(
            self, seeded: Any) -> None:
        change = change_for(seeded, move_in(uprn=VACANT))
        applied = apply_one(seeded, change)
        before = incident_count("results_contradicted")
        results_of(seeded, "CTAXCHG_E99999999_000001.csv").write_text(
            f"H,CTAXRES,1,000001,2025-10-10T12:00:00+00:00,UTF-8\r\nR,{change.notification_id},R,,PROPERTY_OCCUPIED,"
            "occupied\r\nT,1\r\n", encoding="utf-8")  # as a job importing the file again would answer
        again = seeded.applied_many([change.notification_id])[change.notification_id]
        assert isinstance(again, AppliedChange)
        assert again.account_refs == applied.account_refs
        assert incident_count("results_contradicted") == before + 1
        seeded.applied_many([change.notification_id])
        assert incident_count("results_contradicted") == before + 1  # raised once

    def test_a_results_file_for_a_file_never_sent_is_an_incident(self, seeded: Any) -> None:
        before = incident_count("results_for_file_not_sent")
        results_of(seeded, "CTAXCHG_E99999999_000777.csv").write_text(
            "H,CTAXRES,1,000777,2025-10-10T12:00:00+00:00,UTF-8\r\nT,0\r\n", encoding="utf-8")
        seeded.applied_many(["0b5d4b7e-4c1a-4bb0-9c55-2b4a1f3c9d10"])
        assert incident_count("results_for_file_not_sent") == before + 1
        assert seeded.incidents() == [("CTAXCHG_E99999999_000777.csv", "results_for_file_not_sent",
                                       "a results file for an import file never sent")]


def incident_count(kind: str) -> float:
    return float(INCIDENTS.labels(kind=kind)._value.get())


def results_of(revenues: Any, file_name: str) -> Path:
    return Path(revenues.back_office.results) / file_name.replace(".csv", ".results.csv")
