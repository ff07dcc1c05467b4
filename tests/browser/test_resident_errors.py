"""Every question explains a wrong answer in plain English: an error summary and a message by the field."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.browser.pages import assert_accessible, error_summary, fill_date, inline_errors, screenshot
from tests.browser.register import ERRORS_VACANT, ORCHARD_ROAD
from tests.browser.resident_journey import Resident
from tests.integration.running_stack import RunningStack
from tests.integration.test_move_journeys import TODAY


def submit_expecting(page: Page, *messages: str, button: str = "Continue", shot: str | None = None) -> None:
    """Press the button; the page must come back with exactly these errors, be accessible, and say Error."""
    page.get_by_role("button", name=button).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert error_summary(page) == list(messages)
    assert inline_errors(page) == list(messages)
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    if shot:
        screenshot(page, shot)


def test_each_question_explains_what_is_wrong(page: Page) -> None:
    resident = Resident(page)
    resident.start()
    resident.arrive("What do you want to tell us about?")
    submit_expecting(page, "Select what you are telling us about", shot="40-error-kind")
    resident.choose_kind("Moving into the area")

    resident.arrive("What is the postcode of the address you are moving into?")
    submit_expecting(page, "Enter a postcode")
    page.fill("#postcode", "NOT A POSTCODE")
    submit_expecting(page, "Enter a real postcode, like SW1A 2AA", shot="41-error-postcode")
    page.fill("#postcode", ORCHARD_ROAD)
    resident.continue_()
    resident.arrive("Select the address you are moving into")
    submit_expecting(page, "Select an address")
    resident.page.get_by_role("radio", name=f"{ERRORS_VACANT.address_line_1}, Exampleton, {ORCHARD_ROAD}").check()
    resident.continue_()

    resident.arrive("When did you move in?")
    submit_expecting(page, "Enter the date you moved in")
    page.fill("#move-date-day", "12")
    submit_expecting(page, "Date you moved in must include a month and year")
    fill_date(page, "move-date", date(2025, 1, 1))
    page.fill("#move-date-month", "13")
    submit_expecting(page, "Date you moved in must be a real date", shot="42-error-date")
    page.fill("#move-date-month", "1")
    page.fill("#move-date-year", "25")
    submit_expecting(page, "Year must include 4 numbers")
    fill_date(page, "move-date", TODAY.replace(year=TODAY.year - 8))
    page.get_by_role("button", name="Continue").click()
    assert error_summary(page)[0].startswith("Date you moved in must be on or after ")
    fill_date(page, "move-date", TODAY - timedelta(days=1))
    resident.continue_()

    resident.arrive("Tell us about an adult who lives there")
    submit_expecting(page, "Enter their full name", "Enter the date of birth",
                     "Select if any of these apply to them, or select 'No, none of these'", shot="43-error-person")
    page.fill("#full-name", "R2-D2")
    fill_date(page, "date-of-birth", TODAY.replace(year=TODAY.year - 17))
    page.get_by_label("No, none of these").check()
    submit_expecting(page, "Full name must only include letters, spaces, hyphens, apostrophes and full stops",
                     "Only tell us about people aged 18 or over on the date of the move")
    page.fill("#full-name", "A" * 101)  # the input stops at 100; a post without the page is checked too
    assert len(page.input_value("#full-name")) == 100
    page.fill("#full-name", "Jo Bloggs")
    fill_date(page, "date-of-birth", TODAY + timedelta(days=3))
    submit_expecting(page, "Date of birth must be in the past")
    fill_date(page, "date-of-birth", date(1980, 2, 29) + timedelta(days=1))
    resident.continue_()

    resident.arrive("You have told us about 1 adult")
    submit_expecting(page, "Select yes if anyone else aged 18 or over lives there")
    page.get_by_label("No", exact=True).check()
    resident.continue_()

    resident.arrive("Do you own or rent the property?")
    submit_expecting(page, "Select whether you own or rent the property")
    page.get_by_label("Something else").check()
    resident.continue_()

    resident.arrive("What was your previous address?")
    submit_expecting(page, "Enter address line 1, typically the building and street", "Enter town or city",
                     "Enter a postcode")
    page.fill("#address-line-1", "1 Harbour Street")
    page.fill("#address-town", "Elsewhere")
    page.fill("#address-postcode", "ZY8 1AA")
    resident.continue_()

    resident.arrive("How many instalments do you want to pay in?")
    submit_expecting(page, "Select how many instalments you want to pay in")
    page.get_by_label("10 monthly instalments", exact=False).check()
    resident.continue_()

    resident.arrive("Your contact details")
    submit_expecting(page, "Enter your full name", "Enter an email address or a telephone number so we can contact you",
                     shot="44-error-contact")
    page.fill("#contact-name", "Jo Bloggs")
    page.fill("#contact-email", "jo@@example")
    page.fill("#contact-phone", "12")
    submit_expecting(page, "Enter an email address in the correct format, like name@example.com",
                     "Enter a telephone number, like 01632 960 001 or +44 808 157 0192")
    page.fill("#contact-email", "jo@example.com")
    page.fill("#contact-phone", "")
    resident.continue_()
    resident.arrive("Check your answers before sending your notification")

    # A Change link goes back to the question, shows the answer given, and returns to check answers.
    page.get_by_role("link", name="Change date of the move").click()
    resident.arrive("When did you move in?")
    expect(page.locator("#move-date-day")).to_have_value(str((TODAY - timedelta(days=1)).day))
    fill_date(page, "move-date", TODAY)
    resident.continue_()
    resident.arrive("Check your answers before sending your notification")
    expect(page.get_by_text(f"{TODAY.day} {TODAY:%B %Y}", exact=True)).to_be_visible()


def test_typing_an_address_explains_each_missing_part(page: Page) -> None:
    resident = Resident(page)
    resident.start()
    resident.choose_kind("Moving out of the area")
    page.get_by_role("link", name="I do not know the postcode").click()
    resident.arrive("Enter the address you are leaving")
    submit_expecting(page, "Enter address line 1, typically the building and street", "Enter town or city",
                     "Enter a postcode", shot="45-error-manual-address")
    page.fill("#address-line-1", "3 Mill Lane")
    page.fill("#address-town", "Exampleton")
    page.fill("#address-postcode", "ZY3 1AA")
    resident.continue_()
    resident.move_date("When did you move out?", TODAY)
    resident.arrive("What is your new address?")
    page.fill("#address-line-1", "3 Mill Lane")
    page.fill("#address-town", "Exampleton")
    page.fill("#address-postcode", "zy31aa")
    submit_expecting(page, "Your new address must be different from the address you are leaving")


def test_the_status_page_explains_a_wrong_or_unknown_reference(page: Page) -> None:
    page.goto("/status")
    assert_accessible(page)
    screenshot(page, "50-status-find")
    submit_expecting(page, "Enter your reference number", button="Check progress")
    page.fill("#reference", "hello")
    submit_expecting(page, "Enter your reference number in the right format, like CTX-7K3M-Q9PD",
                     button="Check progress")
    page.fill("#reference", "CTX-0000-0000")
    submit_expecting(page, "We cannot find a notification with that reference number. Check it and try again",
                     button="Check progress", shot="51-status-not-found")


def test_a_form_posted_without_its_token_is_refused(page: Page, web_stack: RunningStack) -> None:
    page.goto("/moving/kind")
    refused = page.request.post("/moving/kind", form={"kind": "move_in"})
    assert refused.status == 403
    assert "Sorry, this form has expired" in refused.text()
    forged = page.request.post("/moving/kind", form={"kind": "move_in", "csrf_token": "0" * 64})
    assert forged.status == 403
    page.goto("/no-such-page")
    expect(page.locator("h1")).to_have_text("Page not found")
    assert_accessible(page)
