"""A resident moves into the area: the journey in a real browser ends with a new account in the database."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.register import MILL_LANE, MOVE_IN_VACANT
from tests.browser.resident_journey import Resident, wait_for_status
from tests.integration.running_stack import RunningStack
from tests.integration.test_move_journeys import TODAY


def test_moving_in_opens_an_account_and_the_status_page_says_so(page: Page, web_stack: RunningStack) -> None:
    resident = Resident(page, screenshots={
        "Council Tax: tell us": "01-start", "What do you want": "02-kind", "What is the postcode": "03-postcode",
        "Select ": "04-select-address", "When did you": "05-move-date", "Tell us about an adult": "06-person",
        "You have told us": "07-people", "Do you own": "08-tenure", "What was your previous": "08a-previous-address",
        "How many instalments": "08b-instalments", "Your contact": "09-contact",
        "Check your answers": "10-check-answers", "Notification sent": "11-confirmation",
        "Progress of your": "12-status",
    })
    moved = TODAY - timedelta(days=2)
    resident.start()
    resident.choose_kind("Moving into the area")
    resident.find_address(MILL_LANE.lower().replace(" ", ""), MOVE_IN_VACANT.address_line_1)
    resident.move_date("When did you move in?", moved)
    resident.add_person("Priya Patel", TODAY.replace(year=TODAY.year - 30) - timedelta(days=40))
    resident.more_people("Yes")
    resident.add_person("Tom Patel", TODAY.replace(year=TODAY.year - 20) - timedelta(days=10), "Full-time student",
                        first=False)
    resident.more_people("No")
    resident.tenure("I rent it from a private landlord or letting agent")
    resident.previous_address("12 Long Lane", "Elsewhere", "SW1A 2AA")
    resident.instalments(12)
    resident.contact("Priya Patel", email="priya.patel@example.com")
    summary = page.locator(".govuk-summary-list").all_inner_texts()
    assert any("1 Mill Lane" in text for text in summary)
    assert any("Tom Patel" in text and "Full-time student" in text for text in summary)
    token = page.locator("input[name=csrf_token]").input_value()
    reference = resident.send()

    # Sending again (a refresh re-posting the form, or a second click) shows the same reference...
    again = page.request.post("/moving/check", form={"csrf_token": token})
    assert again.ok
    assert reference in again.text()
    # ...and Back after sending does not reopen the answers: they are gone from the server.
    page.go_back()
    expect(page.locator("h1")).to_have_text("Council Tax: tell us about a change")

    wait_for_status(resident, reference, "Account updated")
    assert web_stack.revenues is not None
    (account,) = web_stack.revenues.accounts_at(MOVE_IN_VACANT.uprn)
    assert (account.liability_start, account.liability_end) == (moved, None)
    assert account.liable_persons == ("Priya Patel", "Tom Patel")
    assert (account.discount_code, account.discount_percent) == ("SPD", 25)  # Tom is disregarded
    assert reference in account.audit_notes[0].note
    assert "Priya" not in page.content()  # the status page shows no personal data
