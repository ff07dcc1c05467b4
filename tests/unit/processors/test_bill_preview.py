"""The bill before sending (processors/preview): the estimate is the worker's own assessment of the notifier's
bill, checked against an independent calculation and against what the pipeline then applies; it never shows
another household's figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from adapters.memory_revenues import InMemoryRevenuesSystem
from ctax.seeding.synthetic_register import generate_register
from processors.preview.previewer import BillPreviewer
from schemas.bill_preview import BillPart, BillPreview, PreviewStatus
from schemas.events import PropertyFacts, Status
from schemas.notification import Channel, NotificationRequest
from tests.builders import OWNER, RULES, existing_account, move_in, move_out, move_within, register_property
from tests.unit.processors.test_stages import NOW, Pipeline, encode
from web.intake.api_examples import example_requests

VACANT, OCCUPIED, LATER = "100090000004", "100090000002", "100090000007"
CONTACT = {"full_name": "Sam Taylor", "email": "sam@example.com"}


class FactsOnly:
    """The one read the preview may make: the register facts (nothing here can write)."""

    def __init__(self, revenues: InMemoryRevenuesSystem) -> None:
        self.revenues = revenues
        self.asked: list[list[str]] = []

    def property_facts_many(self, uprns: Any) -> dict[str, PropertyFacts]:
        self.asked.append(sorted(uprns))
        return self.revenues.property_facts_many(uprns)


@pytest.fixture
def revenues() -> InMemoryRevenuesSystem:
    memory = InMemoryRevenuesSystem()
    memory.load_register(
        [register_property(VACANT, band="B"), register_property(OCCUPIED, line_1="2 Acacia Avenue", band="D"),
         register_property(LATER, line_1="7 Acacia Avenue")],
        [existing_account("500000001", OCCUPIED, start=date(2021, 3, 1), paid=60000),
         existing_account("500000077", LATER, start=date(2025, 11, 1))],
    )
    return memory


def previewer(revenues: InMemoryRevenuesSystem) -> BillPreviewer:
    return BillPreviewer(register=FactsOnly(revenues), rules=RULES, clock=lambda: NOW)


def preview(revenues: InMemoryRevenuesSystem, change: dict[str, Any]) -> BillPreview:
    request = NotificationRequest.model_validate({"contact": CONTACT, "change": change})
    return previewer(revenues)(request, Channel.API)


def independent_charge(band_ninths: int, first: date, last: date, discount: int) -> int:
    """Decimal arithmetic, half-up: the band's annual charge, then the days liable, then the discount."""
    annual = (Decimal(RULES.band_d_pence[2025] * band_ninths) / 9).quantize(Decimal(1), ROUND_HALF_UP)
    exact = annual * ((last - first).days + 1) / 365 * (100 - discount) / 100
    return int(exact.quantize(Decimal(1), ROUND_HALF_UP))


def test_a_move_in_estimate_is_the_new_accounts_bill_by_an_independent_calculation(
        revenues: InMemoryRevenuesSystem) -> None:
    estimate = preview(revenues, move_in(VACANT, date(2025, 10, 1)))
    assert estimate.status is PreviewStatus.ESTIMATE
    assert estimate.digest
    assert estimate.notice_date == date(2025, 10, 10)
    (bill,) = estimate.bills
    assert (bill.part, bill.starts, bill.discount_code, bill.discount_percent) == (
        BillPart.NEW_ACCOUNT, date(2025, 10, 1), "SPD", 25)  # one adult: single person discount
    (year,) = bill.years
    expected = independent_charge(7, date(2025, 10, 1), date(2026, 3, 31), 25)
    assert (year.financial_year, year.charge_pence, year.paid_pence, year.balance_pence) == (
        2025, expected, 0, expected)
    # Notice on 10 October: one less than the 5 whole months left (Sch. 1 para 2(3)(b)), all within the year.
    assert len(year.instalments) == 4
    assert sum(i.amount_pence for i in year.instalments) == expected
    dues = [i.due_date for i in year.instalments]
    assert dues == sorted(dues)
    assert dues[0] > estimate.notice_date
    assert dues[-1] <= date(2026, 3, 31)


def test_a_move_out_with_its_account_number_shows_the_final_bill_and_what_was_paid(
        revenues: InMemoryRevenuesSystem) -> None:
    estimate = preview(revenues, move_out(OCCUPIED, date(2025, 10, 1), account_reference="500000001",
                                          address={"line_1": "2 Acacia Avenue", "town": "Exampleton",
                                                   "postcode": "ZY1 5AB"}))
    assert estimate.status is PreviewStatus.ESTIMATE
    (bill,) = estimate.bills
    assert (bill.part, bill.account_ref, bill.ends) == (BillPart.FINAL_BILL, "500000001", date(2025, 9, 30))
    (year,) = bill.years
    expected = independent_charge(9, date(2025, 4, 1), date(2025, 9, 30), 0)
    assert (year.charge_pence, year.paid_pence, year.balance_pence) == (expected, 60000, expected - 60000)
    assert sum(i.amount_pence for i in year.instalments) == expected - 60000


def _without_number(**extra: Any) -> dict[str, Any]:
    return move_out(OCCUPIED, date(2025, 10, 1), **extra)


@pytest.mark.parametrize("number", [None, "500000002", "500000077", " 500000001X"])
def test_a_move_out_preview_shows_no_figures_without_the_right_account_number_for_the_address(
        revenues: InMemoryRevenuesSystem, number: str | None) -> None:
    change = _without_number(**({"account_reference": number.strip()} if number else {}))
    answer = preview(revenues, change)
    assert answer.status is PreviewStatus.ACCOUNT_NOT_CONFIRMED
    assert (answer.bills, answer.digest) == ((), None)
    assert [r.code for r in answer.reasons] == ["account_not_confirmed"]
    # The same answer whatever was wrong, so a preview cannot be used to learn anything about the account.
    assert answer == preview(revenues, _without_number())
    assert "500000001" not in answer.model_dump_json()


def test_the_right_account_number_with_the_wrong_postcode_shows_nothing(revenues: InMemoryRevenuesSystem) -> None:
    change = _without_number(account_reference="500000001",
                             address={"line_1": "2 Acacia Avenue", "town": "Exampleton", "postcode": "ZY9 9ZZ"})
    answer = preview(revenues, change)
    assert answer.status is PreviewStatus.REJECTED
    assert [r.code for r in answer.reasons] == ["postcode_mismatch"]
    assert answer.bills == ()
    assert answer.digest is None


def test_a_move_in_never_shows_the_previous_occupiers_final_bill(revenues: InMemoryRevenuesSystem) -> None:
    estimate = preview(revenues, move_in(OCCUPIED, date(2025, 10, 1),
                                         address={"line_1": "2 Acacia Avenue", "town": "Exampleton",
                                                  "postcode": "ZY1 5AB"}))
    assert estimate.status is PreviewStatus.ESTIMATE
    assert [bill.part for bill in estimate.bills] == [BillPart.NEW_ACCOUNT]
    shown = estimate.model_dump_json()
    assert "500000001" not in shown
    assert "60000" not in shown


def test_a_move_within_never_shows_the_owners_account_at_the_home_left_empty(
        revenues: InMemoryRevenuesSystem) -> None:
    estimate = preview(revenues, move_within(
        OCCUPIED, VACANT, from_address={"line_1": "2 Acacia Avenue", "town": "Exampleton", "postcode": "ZY1 5AB"},
        to_address={"line_1": "4 Acacia Avenue", "town": "Exampleton", "postcode": "ZY1 5AB"}))
    assert estimate.status is PreviewStatus.ESTIMATE
    assert [bill.part for bill in estimate.bills] == [BillPart.NEW_ACCOUNT]
    assert estimate.bills[0].periods[0].band == "B"  # the mover's new home, not the owner's at the old one
    assert OWNER not in estimate.model_dump_json()


def test_why_a_person_must_decide_is_not_told_when_it_concerns_another_account(
        revenues: InMemoryRevenuesSystem) -> None:
    # An account at the property starts after the move date: the rules' reason names it, the preview does not.
    answer = preview(revenues, move_in(LATER, date(2025, 10, 1),
                                       address={"line_1": "7 Acacia Avenue", "town": "Exampleton",
                                                "postcode": "ZY1 5AB"}))
    assert answer.status is PreviewStatus.NEEDS_REVIEW
    assert [r.code for r in answer.reasons] == ["needs_review"]
    assert "500000077" not in answer.model_dump_json()
    assert answer.bills == ()


def test_the_preview_reads_only_the_register_facts_of_the_properties_named(revenues: InMemoryRevenuesSystem) -> None:
    reader = FactsOnly(revenues)
    request = NotificationRequest.model_validate({"contact": CONTACT, "change": move_in(VACANT, date(2025, 10, 1))})
    BillPreviewer(register=reader, rules=RULES, clock=lambda: NOW)(request, Channel.API)
    assert reader.asked == [[VACANT]]


def test_a_rebill_is_refused_as_the_worker_refuses_it(revenues: InMemoryRevenuesSystem) -> None:
    answer = preview(revenues, {"kind": "rebill", "uprn": OCCUPIED, "from_date": date(2025, 10, 1),
                                "address": {"line_1": "2 Acacia Avenue", "town": "Exampleton",
                                            "postcode": "ZY1 5AB"},
                                "account_reference": "500000001", "reason": "Band changed"})
    assert answer.status is PreviewStatus.REJECTED
    assert [r.code for r in answer.reasons] == ["officers_only"]


# -- what the worker then applies ------------------------------------------------------------------------------

def _demo_pipeline(mode: str) -> Pipeline:
    pipeline = Pipeline(mode)
    demo = generate_register(RULES, properties=2000, seed=2026, as_of=NOW.date())
    pipeline.revenues = InMemoryRevenuesSystem()
    pipeline.revenues.load_register(demo.properties, demo.accounts)
    pipeline.ctx = replace(pipeline.ctx, revenues=pipeline.revenues)
    return pipeline


@pytest.mark.parametrize("mode", ["staged", "fused"])
def test_every_resident_kind_gets_an_estimate_that_equals_what_the_worker_applies(mode: str) -> None:
    pipeline = _demo_pipeline(mode)
    shown: dict[str, BillPreview] = {}
    for name, body in example_requests(NOW.date()).items():
        request = NotificationRequest.model_validate(body)
        estimate = previewer(pipeline.revenues)(request, Channel.API)
        assert estimate.status is PreviewStatus.ESTIMATE, (name, estimate.reasons)
        shown[name] = estimate
        pipeline.submit(encode(change=request.change.model_dump(mode="json"), submitted_at=NOW,
                               preview_digest=estimate.digest))
    assert {estimate.kind.value for estimate in shown.values()} == {
        "move_in", "move_out", "move_within", "single_person_discount", "household_change", "student_exemption",
        "change_of_name", "payment_arrangement"}
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED] * len(shown)
    assert [s.preview_matched for s in pipeline.finals()] == [True] * len(shown)
    assert [m.preview_matched for m in pipeline.metrics()] == [True] * len(shown)


@pytest.mark.parametrize("mode", ["staged", "fused"])
def test_a_payment_recorded_after_the_preview_shows_on_the_metric_as_not_matched(mode: str) -> None:
    pipeline = _demo_pipeline(mode)
    body = example_requests(NOW.date())["move_out"]
    request = NotificationRequest.model_validate(body)
    estimate = previewer(pipeline.revenues)(request, Channel.API)
    assert estimate.status is PreviewStatus.ESTIMATE
    pipeline.revenues.record_payment("500000001", 2025, NOW.date(), 1234)
    change = request.change.model_dump(mode="json")
    pipeline.submit(encode(change=change, submitted_at=NOW, preview_digest=estimate.digest))
    assert [(m.outcome, m.preview_matched) for m in pipeline.metrics()] == [(Status.APPLIED, False)]


@pytest.mark.parametrize("mode", ["staged", "fused"])
def test_a_notification_sent_without_a_preview_says_nothing_about_one(mode: str) -> None:
    pipeline = _demo_pipeline(mode)
    change = NotificationRequest.model_validate(example_requests(NOW.date())["move_in"]).change
    pipeline.submit(encode(change=change.model_dump(mode="json"), submitted_at=NOW))
    assert [(m.outcome, m.preview_matched) for m in pipeline.metrics()] == [(Status.APPLIED, None)]


def test_a_preview_digest_is_checked_for_its_form() -> None:
    body = {**example_requests(NOW.date())["move_in"], "preview_digest": "not-a-digest"}
    with pytest.raises(ValueError, match="preview_digest"):
        NotificationRequest.model_validate(body)
