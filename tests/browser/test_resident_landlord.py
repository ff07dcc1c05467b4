"""Moving out of a rented home whose owner the register does not know: the form asks for the landlord or agent,
who becomes liable for the empty home; every page is checked with axe on the way (``Resident.arrive``)."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page

from tests.browser.pages import error_summary
from tests.browser.register import OWNER_UNKNOWN_ACCOUNT, OWNER_UNKNOWN_OCCUPIED, ROPE_WALK
from tests.browser.resident_journey import Resident, wait_for_status
from tests.integration.running_stack import RunningStack
from tests.integration.test_move_journeys import TODAY


def test_leaving_a_rented_home_names_the_landlord_who_pays_while_it_is_empty(
        page: Page, web_stack: RunningStack) -> None:
    resident = Resident(page, screenshots={"What is the name of your landlord": "22-move-out-landlord",
                                           "Check your answers": "23-move-out-landlord-check-answers"})
    moved = TODAY - timedelta(days=4)
    resident.start()
    resident.choose_kind("Moving out of the area")
    resident.find_address(ROPE_WALK, OWNER_UNKNOWN_OCCUPIED.address_line_1)
    resident.move_date("When did you move out?", moved)
    resident.forwarding_address("1 Harbour Street", "Elsewhere", "ZY8 1AA")
    resident.choose("Did you rent the home you are leaving?", "Yes, from a landlord or letting agent")
    resident.arrive("What is the name of your landlord or letting agent?")
    resident.continue_()  # nothing typed: the error names the field
    resident.arrive("What is the name of your landlord or letting agent?")
    assert error_summary(page) == ["Enter the name of your landlord or letting agent"]
    page.fill("#landlord-name", "Quayside Homes <Ltd>")
    resident.continue_()
    resident.arrive("What is the name of your landlord or letting agent?")
    assert "must only include letters, numbers" in error_summary(page)[0]
    page.fill("#landlord-name", "Quayside Homes Ltd")
    resident.continue_()
    resident.account_number(OWNER_UNKNOWN_ACCOUNT)
    resident.no_refund()
    resident.contact("Kim Lee", phone="01632 960 456")
    resident.arrive("Check your answers before sending your notification")
    assert "Quayside Homes Ltd" in page.locator(".govuk-summary-list").first.inner_text()
    reference = resident.send()
    wait_for_status(resident, reference, "Account updated")
    assert web_stack.revenues is not None
    accounts = web_stack.revenues.accounts_at(OWNER_UNKNOWN_OCCUPIED.uprn)
    assert [(a.liable_persons, a.liability_start, a.liability_end) for a in accounts] == [
        (("Quayside Homes Ltd",), moved, None),
        (("Alex Jones",), accounts[1].liability_start, moved - timedelta(days=1))]
    # The register names the landlord as owner from now on.
    assert web_stack.revenues.property_facts_many([OWNER_UNKNOWN_OCCUPIED.uprn])[
        OWNER_UNKNOWN_OCCUPIED.uprn].owner_name == "Quayside Homes Ltd"
    assert accounts[0].unoccupied_since == moved
