"""The bill preview's answers in the API docs are what the worker's rules say for the request examples."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.memory_revenues import InMemoryRevenuesSystem
from ctax.running.components import council_rules
from ctax.seeding.synthetic_register import generate_register
from ctax.settings import Settings
from processors.preview.previewer import BillPreviewer
from schemas.bill_preview import BillPreview
from schemas.notification import Channel, NotificationRequest
from web.intake.api_examples import PREVIEW_ANSWERS_ON, preview_answer_examples, preview_examples

RULES = council_rules(Settings())


@pytest.fixture(scope="module")
def previewer() -> BillPreviewer:
    demo = generate_register(RULES, properties=2000, seed=2026, as_of=PREVIEW_ANSWERS_ON)  # as `ctax demo` seeds it
    revenues = InMemoryRevenuesSystem()
    revenues.load_register(demo.properties, demo.accounts)
    sent = datetime(PREVIEW_ANSWERS_ON.year, PREVIEW_ANSWERS_ON.month, PREVIEW_ANSWERS_ON.day, 9, tzinfo=UTC)
    return BillPreviewer(register=revenues, rules=RULES, clock=lambda: sent)


@pytest.mark.parametrize("name", sorted(preview_answer_examples()))
def test_each_documented_answer_is_the_answer_to_its_request(name: str, previewer: BillPreviewer) -> None:
    request = NotificationRequest.model_validate(preview_examples(PREVIEW_ANSWERS_ON)[name]["value"])
    documented = BillPreview.model_validate(preview_answer_examples()[name]["value"])
    assert previewer(request, Channel.API) == documented

