"""The revenues contract against the web-service adapter talking to the simulated back office's SOAP service."""

import contextlib
from datetime import date
from typing import Any

from adapters.revenues_port import RefusedChangeError, RevenuesUnavailableError
from tests.builders import address, move_in
from tests.legacy_back_office import SoapContract
from tests.unit.adapters.revenues_contract import APPLIED_AT, OCCUPIED, VACANT, applied_of, apply_one, change_for


def adult_joined(name: str = "Kim Lee") -> dict[str, Any]:
    return {"kind": "household_change", "uprn": OCCUPIED, "address": address("2 Acacia Avenue"),
            "effective_date": date(2025, 10, 1), "event": "adult_joined",
            "residents": [{"full_name": "Alex Jones"}, {"full_name": name, "disregard": "apprentice"}],
            "liable_persons": ["Alex Jones", name]}


class TestSoapRevenues(SoapContract):
    def test_a_refusal_only_the_back_office_knows_comes_back_with_its_code(self, seeded: Any) -> None:
        change = change_for(seeded, move_in(uprn=VACANT))
        elsewhere = change.openings[0].model_copy(update={"uprn": "999999999999"})
        change = change.model_copy(update={"openings": (elsewhere,)})
        (result,) = seeded.apply_account_changes([change], APPLIED_AT)
        assert isinstance(result, RefusedChangeError)
        assert result.code == "PROPERTY_UNKNOWN"
        assert "999999999999" in str(result)
        assert applied_of(seeded, change.notification_id) is None

    def test_one_property_is_read_for_the_staff_workspace(self, seeded: Any) -> None:
        assert seeded.property(VACANT).address_line_1 == "4 Acacia Avenue"
        assert seeded.property("999999999999") is None

    def test_an_amendment_whose_answer_is_lost_after_commit_is_made_once(self, seeded: Any) -> None:
        change = change_for(seeded, adult_joined())
        with self.interrupted_after_commit(seeded), contextlib.suppress(RevenuesUnavailableError):
            seeded.apply_account_changes([change], APPLIED_AT)  # every write stalls past the timeout
        assert not apply_one(seeded, change).newly_applied  # its step note was there: nothing sent again
        account = seeded.account("500000001")
        assert [n.notification_id for n in account.audit_notes].count(change.notification_id) == 1
        assert account.liable_persons == ("Alex Jones", "Kim Lee")
        assert seeded.applied_with_fingerprints([change.change_fingerprint])  # the marker was finished

    def test_an_amendment_with_a_name_wider_than_the_field_is_refused_before_anything_is_sent(
            self, seeded: Any) -> None:
        change = change_for(seeded, adult_joined("Bartholomew Alexander Montgomery-Fitzwilliam"))
        (result,) = seeded.apply_account_changes([change], APPLIED_AT)
        assert isinstance(result, RefusedChangeError)
        assert result.code == "FIELD_TOO_LONG"
        assert seeded.account("500000001").liable_persons == ("Alex Jones",)
