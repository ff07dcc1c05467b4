"""The revenues contract against the import-file adapter, with the simulated back office importing its files."""

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.files.overdue import OVERDUE_FILES
from adapters.revenues_port import RefusedChangeError, RevenuesUnavailableError
from tests.builders import move_in, move_within
from tests.legacy_back_office import FileContract
from tests.unit.adapters.revenues_contract import (
    APPLIED_AT,
    OTHER_VACANT,
    VACANT,
    applied_of,
    apply_one,
    change_for,
    seed,
)


class TestImportFileRevenues(FileContract):
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
