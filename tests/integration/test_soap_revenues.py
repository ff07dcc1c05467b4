"""The revenues contract against the web-service adapter talking to the simulated back office's SOAP service."""

from typing import Any

from adapters.revenues_port import RefusedChangeError
from tests.builders import move_in
from tests.legacy_back_office import SoapContract
from tests.unit.adapters.revenues_contract import APPLIED_AT, VACANT, applied_of, change_for


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
