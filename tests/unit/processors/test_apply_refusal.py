"""A change the back office refuses goes to review with the back office's own reason."""

from datetime import UTC, datetime

from adapters.memory_revenues import InMemoryRevenuesSystem
from adapters.revenues_port import RefusedChangeError
from processors.cost_model_file import load_cost_model
from processors.pipeline.apply import apply_outcome
from processors.pipeline.context import StageContext
from schemas.events import AccountChange, Status
from tests.builders import RULES
from tests.unit.adapters.revenues_contract import VACANT, change_for, seed

NOW = datetime(2025, 10, 10, 12, 0, tzinfo=UTC)


def test_a_refusal_becomes_a_review_with_the_back_offices_reason() -> None:
    revenues = InMemoryRevenuesSystem()
    seed(revenues)
    ctx = StageContext(revenues=revenues, rules=RULES, cost_model=load_cost_model(), clock=lambda: NOW)
    change: AccountChange = change_for(revenues, {"kind": "move_in", "uprn": VACANT, "move_in_date": "2025-10-01",
                                                  "address": {"line_1": "4 Acacia Avenue", "town": "Exampleton",
                                                              "postcode": "ZY1 5AB"},
                                                  "residents": [{"full_name": "Sam Taylor"}],
                                                  "tenure": "private_tenant"})
    refused = RefusedChangeError("Name longer than the 40 characters the back office holds", "NAME_TOO_LONG")
    status = apply_outcome(ctx, change, refused, NOW)
    assert status.status is Status.REVIEW
    (reason,) = status.reasons
    assert (reason.code, reason.message) == ("back_office_refused", str(refused))
