"""Every OpenAPI example is a valid request that the demo's own register accepts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from adapters.memory_revenues import InMemoryRevenuesSystem
from ctax.running.components import council_rules
from ctax.seeding.synthetic_register import SyntheticRegister, generate_register
from ctax.settings import Settings
from processors.pipeline.register_checks import check_against_register
from processors.rules.kinds.table import rules_for
from schemas.events import PropertyFacts, Status
from schemas.notification import ChangeKind, NotificationRequest
from tests.builders import RULES as BUILDER_RULES
from tests.builders import notification
from tests.unit.processors.test_stages import NOW as STAGES_NOW
from tests.unit.processors.test_stages import Pipeline, encode
from web.intake.api_examples import example_requests, openapi_examples

TODAY = date(2026, 5, 12)
RULES = council_rules(Settings())


@pytest.fixture(scope="module")
def demo_register() -> SyntheticRegister:
    # As `ctax demo` seeds it (ctax/demo/stack.py): 2,000 dwellings, seed 2026.
    return generate_register(RULES, properties=2000, seed=2026, as_of=TODAY)


def test_there_is_an_example_of_every_kind_a_resident_or_landlord_can_send() -> None:
    kinds = {NotificationRequest.model_validate(body).change.kind for body in example_requests(TODAY).values()}
    assert kinds == {kind for kind in ChangeKind if not rules_for(kind).officers_only}  # a rebill: officers only
    assert set(openapi_examples()) == set(example_requests(TODAY))


@pytest.mark.parametrize("name", sorted(example_requests(TODAY)))
def test_each_example_passes_the_register_checks_of_the_demo(name: str, demo_register: SyntheticRegister) -> None:
    request = NotificationRequest.model_validate(example_requests(TODAY)[name])
    built = notification(request.change.model_dump(mode="json"), council_code=RULES.council_code)
    register = {p.uprn: PropertyFacts(uprn=p.uprn, postcode=p.postcode, band=p.band)
                for p in demo_register.properties}
    verdict = check_against_register(built, register, RULES, TODAY)
    assert verdict.accepted, (verdict.rejections, verdict.review)


@pytest.mark.parametrize("name", sorted(example_requests(TODAY)))
def test_each_example_names_the_property_its_account_and_its_people_as_the_demo_has_them(
        name: str, demo_register: SyntheticRegister) -> None:
    change = NotificationRequest.model_validate(example_requests(TODAY)[name]).change
    accounts = {a.uprn: a for a in demo_register.accounts}
    properties = {p.uprn: p for p in demo_register.properties}
    for uprn in change.uprns:
        assert uprn in properties
    if change.kind is ChangeKind.MOVE_IN:
        assert change.uprns[0] not in accounts  # an empty property: no one to end
        return
    first = accounts[change.uprns[0]]
    reference = getattr(change, "account_reference", None)
    assert reference in {None, first.account_ref}
    named = {getattr(change, "previous_name", None)} | set(getattr(change, "liable_persons", ()))
    named |= {s.full_name for s in getattr(change, "students", ())}
    assert named - {None} <= set(first.liable_persons)


@pytest.mark.parametrize("mode", ["staged", "fused"])
def test_every_example_goes_straight_through_against_the_demo_register(mode: str) -> None:
    """Not only the register checks: each example is applied to its account with no person involved."""
    pipeline = Pipeline(mode)
    demo = generate_register(BUILDER_RULES, properties=2000, seed=2026, as_of=STAGES_NOW.date())
    pipeline.revenues = InMemoryRevenuesSystem()
    pipeline.revenues.load_register(demo.properties, demo.accounts)
    pipeline.ctx = replace(pipeline.ctx, revenues=pipeline.revenues)
    for body in example_requests(STAGES_NOW.date()).values():
        change = NotificationRequest.model_validate(body).change.model_dump(mode="json")
        pipeline.submit(encode(change=change, submitted_at=STAGES_NOW))
    finals = pipeline.finals()
    assert len(finals) == len(example_requests(STAGES_NOW.date()))
    assert [(s.status, [r.code for r in s.reasons]) for s in finals if s.status is not Status.APPLIED] == []
