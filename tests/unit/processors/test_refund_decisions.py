"""An officer's decision on a refund held for approval, through both pipeline shapes: only an officer may send it,
the release is posted once by the refund's id, and a decision the back office cannot take goes to a person."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from adapters.memory_revenues import InMemoryRevenuesSystem
from adapters.revenues_port import RefundDecision
from schemas.bank_details import BankDetailsSealer
from schemas.events import Status
from schemas.notification import BankAccountDetails
from tests.builders import BANK_KEY, RULES, address, existing_account, move_out, refund_decision, register_property
from tests.unit.processors.test_stages import Pipeline, encode
from tests.unit.rules.ledger_reading import Liability, year_charge_pence

HOUSE, ACCOUNT, PAID = "100090000002", "500000001", 200000
MOVED = date(2025, 8, 1)
SEALED = BankDetailsSealer([BANK_KEY]).seal(
    BankAccountDetails(account_holder="Alex Jones", sort_code="089999", account_number="66374958"))
# The credit: paid £2,000 towards 2025/26, liable (band B) from 1 April to 31 July only.
CREDIT = PAID - year_charge_pence(Liability(date(2021, 3, 1), date(2025, 7, 31), "B", ((date(2021, 3, 1), 0),)),
                                  2025, RULES.band_d_pence[2025])


@pytest.fixture(params=["staged", "fused"])
def pipeline(request: pytest.FixtureRequest) -> Pipeline:
    """The occupier moved out with a credit above the council's threshold: its refund is held for approval."""
    made = Pipeline(str(request.param))
    made.revenues = InMemoryRevenuesSystem()
    made.revenues.load_register([register_property(HOUSE, line_1="2 Acacia Avenue")],
                                [existing_account(ACCOUNT, HOUSE, start=date(2021, 3, 1), paid=PAID, paid_year=2025)])
    made.ctx = replace(made.ctx, revenues=made.revenues)
    made.submit(encode(change=move_out(uprn=HOUSE, move_date=MOVED, address=address("2 Acacia Avenue"),
                                       refund_to=SEALED.model_dump())))
    assert RULES.refund_approval_threshold_pence < CREDIT
    return made


def _decision(approved: bool) -> dict[str, object]:
    return refund_decision(ACCOUNT, 2025, approved=approved, uprn=HOUSE, line_1="2 Acacia Avenue")


def _refund_and_payments(pipeline: Pipeline) -> tuple[list[tuple[int, object]], list[int]]:
    account = pipeline.revenues.account(ACCOUNT)
    assert account is not None
    return [(r.amount_pence, r.decision) for r in account.refunds], [p.amount_pence for p in account.payments]


def test_only_an_officer_may_decide_a_refund(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=_decision(True)))  # through the public API
    assert (pipeline.finals()[-1].status, pipeline.finals()[-1].reasons[0].code) == (Status.REJECTED,
                                                                                      "officers_only")
    assert _refund_and_payments(pipeline) == ([(CREDIT, None)], [PAID])


def test_an_approved_refund_is_released_once(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=_decision(True), channel="officer_correction"))
    pipeline.submit(encode(change=_decision(True), channel="officer_correction"))  # decided again, the same way
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED, Status.APPLIED, Status.DUPLICATE]
    assert _refund_and_payments(pipeline) == ([(CREDIT, RefundDecision.APPROVED)], [PAID, -CREDIT])


def test_a_rejected_refund_keeps_the_credit_and_a_later_approval_goes_to_a_person(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=_decision(False), channel="officer_correction"))
    pipeline.submit(encode(change=_decision(True), channel="officer_correction"))
    assert [s.status for s in pipeline.finals()][1:] == [Status.APPLIED, Status.REVIEW]
    assert "already rejected" in pipeline.finals()[-1].reasons[0].message
    assert _refund_and_payments(pipeline) == ([(CREDIT, RefundDecision.REJECTED)], [PAID])
