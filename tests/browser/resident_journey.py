"""Steps of the resident journey as a person takes them, each page checked with axe-core on the way."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date

from playwright.sync_api import Page, expect

from tests.browser.pages import assert_accessible, fill_date, heading, screenshot


@dataclass
class Resident:
    """Walks the journey in a page; checks every page it sees and screenshots the ones named."""

    page: Page
    screenshots: dict[str, str] = field(default_factory=dict)  # page heading start -> screenshot name
    seen: list[str] = field(default_factory=list)

    def arrive(self, expected_heading: str) -> None:
        """Check the page is the one expected, accessible, and screenshot it if asked."""
        expect(self.page.locator("h1").first).to_contain_text(expected_heading)
        assert_accessible(self.page)
        self.seen.append(self.page.url)
        for start, name in self.screenshots.items():
            if heading(self.page).startswith(start):
                screenshot(self.page, name)

    def continue_(self, button: str = "Continue") -> None:
        self.page.get_by_role("button", name=button).click()

    def start(self) -> None:
        self.page.goto("/")
        self.arrive("Council Tax: tell us about a change")
        self.page.get_by_role("button", name="Start now").click()

    def choose_kind(self, label: str) -> None:
        self.arrive("What do you want to tell us about?")
        self.page.get_by_label(label, exact=True).check()
        self.continue_()

    def find_address(self, postcode: str, line_1: str) -> None:
        self.arrive("What is the postcode of")
        self.page.fill("#postcode", postcode)
        self.continue_()
        self.arrive("Select ")
        self.page.get_by_role("radio", name=re.compile(f"^{line_1},")).check()  # test addresses need no escaping
        self.continue_()

    def address_not_listed(self, postcode: str, line_1: str, town: str) -> None:
        self.arrive("What is the postcode of")
        self.page.fill("#postcode", postcode)
        self.continue_()
        if heading(self.page) == "No addresses found":
            self.arrive("No addresses found")
            self.page.get_by_role("button", name="Enter the address yourself").click()
        else:
            self.arrive("Select ")
            self.page.get_by_role("link", name="My address is not listed").click()
        self.arrive("Enter ")
        self.page.fill("#address-line-1", line_1)
        self.page.fill("#address-town", town)
        expect(self.page.locator("#address-postcode")).to_have_value(postcode)
        self.continue_()

    def move_date(self, question: str, moved: date) -> None:
        self.arrive(question)
        fill_date(self.page, "move-date", moved)
        self.continue_()

    def add_person(self, full_name: str, born: date, disregard: str = "No, none of these", *,
                   first: bool = True) -> None:
        self.arrive("Tell us about an adult" if first else "Tell us about another adult")
        self.page.fill("#full-name", full_name)
        fill_date(self.page, "date-of-birth", born)
        self.page.get_by_label(disregard, exact=True).check()
        self.continue_()

    def more_people(self, answer: str) -> None:
        self.arrive("You have told us about")
        self.page.get_by_label(answer, exact=True).check()
        self.continue_()

    def tenure(self, label: str) -> None:
        self.arrive("Do you own or rent the property?")
        self.page.get_by_label(label, exact=True).check()
        self.continue_()

    def forwarding_address(self, line_1: str, town: str, postcode: str) -> None:
        self.arrive("What is your new address?")
        self.page.fill("#address-line-1", line_1)
        self.page.fill("#address-town", town)
        self.page.fill("#address-postcode", postcode)
        self.continue_()

    def previous_address(self, line_1: str, town: str, postcode: str) -> None:
        self.arrive("What was your previous address?")
        self.page.fill("#address-line-1", line_1)
        self.page.fill("#address-town", town)
        self.page.fill("#address-postcode", postcode)
        self.continue_()

    def instalments(self, count: int) -> None:
        self.arrive("How many instalments do you want to pay in?")
        self.page.get_by_label(f"{count} monthly instalments", exact=False).check()
        self.continue_()

    def account_number(self, number: str = "") -> None:
        self.arrive("What is your Council Tax account number? (optional)")
        self.page.fill("#account-number", number)
        self.continue_()

    def no_refund(self) -> None:
        """Leave the optional refund page blank (the embedded defaults take bank details for refunds)."""
        self.arrive("If your final bill is in credit, where should we refund it?")
        self.continue_()

    def choose(self, question: str, label: str) -> None:
        """Answer a one-question radios page."""
        self.arrive(question)
        self.page.get_by_label(label, exact=True).check()
        self.continue_()

    def contact(self, full_name: str, email: str = "", phone: str = "") -> None:
        self.arrive("Your contact details")
        self.page.fill("#contact-name", full_name)
        self.page.fill("#contact-email", email)
        self.page.fill("#contact-phone", phone)
        self.continue_()

    def send(self) -> str:
        """Accept and send from the check-answers page; return the reference on the confirmation page."""
        self.arrive("Check your answers before sending your notification")
        self.continue_("Accept and send")
        self.arrive("Notification sent")
        reference = self.page.locator(".ctax-reference").inner_text().strip()
        assert re.fullmatch(r"CTX-[0-9A-Z]{4}-[0-9A-Z]{4}", reference), reference
        return reference

    def check_status(self, reference: str) -> str:
        """Look the reference up on the status page and return the status shown."""
        self.page.goto("/status")
        self.arrive("What is your reference number?")
        self.page.fill("#reference", reference.lower().replace("-", " "))
        self.page.get_by_role("button", name="Check progress").click()
        self.arrive("Progress of your notification")
        return self.page.locator(".govuk-tag:not(.govuk-phase-banner__content__tag)").inner_text().strip()


def wait_for_status(resident: Resident, reference: str, wanted: str, timeout: float = 60.0) -> None:
    """Look the reference up on the status page until it shows ``wanted``."""
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = resident.check_status(reference)
        if shown == wanted:
            return
        time.sleep(0.5)
    raise AssertionError(f"status of {reference} stayed {shown!r}, not {wanted!r}")
