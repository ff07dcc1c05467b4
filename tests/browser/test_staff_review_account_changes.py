"""An officer in Chromium corrects a review case of an everyday change: a student exemption whose certificate
was not in the format that goes straight through is checked, corrected and then applied."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from adapters.revenues_port import RegisterProperty
from tests.browser.pages import assert_accessible, screenshot
from tests.browser.staff_pages import OFFICER, ensure_users, reload_until, sign_in, submit
from tests.builders import existing_account
from tests.integration.running_stack import RunningStack
from tests.integration.test_move_journeys import TODAY

HALL = RegisterProperty(uprn="100095000001", property_ref="P5000001", address_line_1="1 Hall Lane",
                        address_line_2=None, town="Exampleton", postcode="ZY7 1AA", band="D")
ACCOUNT = "900000001"


@pytest.fixture(scope="module", autouse=True)
def hall_lane(web_stack: RunningStack) -> None:
    assert web_stack.revenues is not None
    web_stack.revenues.load_register([HALL], [existing_account(ACCOUNT, HALL.uprn, start=date(2022, 9, 1))])
    ensure_users(web_stack)


def test_an_officer_corrects_a_student_certificate_and_the_exemption_is_applied(
        page: Page, web_stack: RunningStack) -> None:
    receipt = submit(web_stack, {
        "contact": {"full_name": "Alex Jones", "email": "alex.jones@example.com"},
        "change": {"kind": "student_exemption", "uprn": HALL.uprn,
                   "address": {"line_1": HALL.address_line_1, "town": HALL.town, "postcode": HALL.postcode},
                   "account_reference": ACCOUNT, "effective_date": (TODAY - timedelta(days=1)).isoformat(),
                   "students": [{"full_name": "Alex Jones", "institution": "University of Exampleton",
                                 "certificate_reference": "20251234"}]},
    })
    assert web_stack.wait_final(receipt["notification_id"])["status"] == "review"
    sign_in(page, OFFICER[0])
    page.goto("/staff/review")
    queue_row = page.locator(f'tr[data-reference="{receipt["reference"]}"]')
    expect(queue_row).to_contain_text("student certificate reference")
    queue_row.get_by_role("link").click()
    reload_until(page, "#correct-button")
    expect(page.locator("body")).to_contain_text("Student exemption")
    screenshot(page, "79-staff-review-student-exemption")
    assert_accessible(page)
    page.fill("#students-0-certificate_reference", "UOE/20251234")
    page.fill("#note", "Certificate checked with the university")
    page.click("#correct-button")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent for processing")
    reload_until(page, "#follow-up .ctax-follow-up-status:text('applied')")
    assert web_stack.revenues is not None
    account = web_stack.revenues.account(ACCOUNT)
    assert account is not None
    assert account.discount_percent == 100
