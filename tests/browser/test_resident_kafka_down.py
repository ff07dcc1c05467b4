"""When Kafka cannot store the notification the resident is told nothing was sent, and can try again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from adapters.sql.revenues import SqlRevenuesSystem
from tests.browser.conftest import watch_for_errors
from tests.browser.register import ACCOUNTS, MILL_LANE, MOVE_OUT_OCCUPIED, PROPERTIES
from tests.browser.resident_journey import Resident
from tests.integration.running_stack import RunningStack, free_port
from tests.integration.test_move_journeys import TODAY


@pytest.fixture
def kafka_down_page(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    """A page on a web app whose Kafka bootstrap address has nothing listening."""
    stack = RunningStack(f"127.0.0.1:{free_port()}", f"sqlite:///{tmp_path}/revenues.db", tmp_path)
    try:
        revenues = SqlRevenuesSystem.from_url(stack.database_url)
        revenues.create_schema()
        revenues.load_register(PROPERTIES, ACCOUNTS)
        revenues.dispose()
        stack.start_web(CTAX_PUBLISH_TIMEOUT_SECONDS="3")
        context = browser.new_context(base_url=stack.base_url)
        page = context.new_page()
        errors = watch_for_errors(page)
        yield page
        context.close()
        assert not errors, errors
    finally:
        stack.stop()


def test_sending_while_kafka_is_down_shows_503_and_keeps_the_answers(kafka_down_page: Page) -> None:
    page = kafka_down_page
    resident = Resident(page, screenshots={"Sorry, the service is unavailable": "60-kafka-down"})
    resident.start()
    resident.choose_kind("Moving out of the area")
    resident.find_address(MILL_LANE, MOVE_OUT_OCCUPIED.address_line_1)
    resident.move_date("When did you move out?", TODAY)
    resident.forwarding_address("1 Harbour Street", "Elsewhere", "ZY8 1AA")
    resident.account_number()
    resident.no_refund()
    resident.contact("Alex Jones", phone="01632 960 123")
    resident.arrive("Check your answers")
    with page.expect_response("**/moving/check") as sent:
        resident.continue_("Accept and send")
    assert sent.value.status == 503
    resident.arrive("Sorry, the service is unavailable")
    assert "Nothing was sent to the council" in page.content()
    page.get_by_role("link", name="Go back to check your answers and try again").click()
    resident.arrive("Check your answers")  # the answers are still there
