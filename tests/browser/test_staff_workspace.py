"""The revenues workspace in Chromium: sign-in, live account updates, the account, and review decisions."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import assert_accessible, fill_date, screenshot
from tests.browser.staff_pages import (
    OFFICER,
    OPERATOR,
    ensure_users,
    move_in_body,
    reload_until,
    sign_in,
    staff_property,
    submit,
)
from tests.integration.running_stack import RunningStack

TODAY = datetime.now(ZoneInfo("Europe/London")).date()
LIVE, TO_CORRECT, TO_REJECT = staff_property(1, "C"), staff_property(2, "B"), staff_property(3, "A")


@pytest.fixture(scope="module", autouse=True)
def staff_register(web_stack: RunningStack) -> None:
    assert web_stack.revenues is not None
    web_stack.revenues.load_register([LIVE, TO_CORRECT, TO_REJECT], [])
    ensure_users(web_stack)


def test_staff_and_ops_pages_refuse_people_who_are_not_signed_in(page: Page) -> None:
    for path in ("/staff", "/staff/review", "/staff/search?q=ZY4+1AA", "/ops"):
        page.goto(path)
        expect(page).to_have_url(re.compile(r"/sign-in\?next="))
        expect(page.locator("h1")).to_have_text("Sign in")
    screenshot(page, "staff-sign-in")
    assert_accessible(page)
    answer = page.request.get("/staff/api/updates")
    assert answer.status == 401


def test_an_ops_user_cannot_open_the_workspace(page: Page) -> None:
    sign_in(page, OPERATOR[0])
    # Fetched rather than opened: a 403 navigation is logged as a console error, which the fixture forbids.
    answer = page.request.get("/staff/review")
    assert answer.status == 403
    assert "You cannot see this page" in answer.text()


def test_an_officer_sees_an_update_arrive_without_reloading_and_opens_the_account(
        page: Page, web_stack: RunningStack) -> None:
    sign_in(page, OFFICER[0])
    expect(page.locator("h1")).to_have_text("Today's account updates")
    expect(page.locator("#live-status")).to_contain_text("Live")
    page.evaluate("() => { window.notReloaded = true; }")
    receipt = submit(web_stack, move_in_body(LIVE, TODAY - timedelta(days=1)))
    row = page.locator(f'tr[data-reference="{receipt["reference"]}"]')
    expect(row).to_be_visible(timeout=60_000)
    assert page.evaluate("() => window.notReloaded === true"), "the page reloaded instead of updating itself"
    screenshot(page, "staff-todays-updates")
    assert_accessible(page)
    row.get_by_role("link").first.click()
    expect(page.locator("h1")).to_contain_text("Open")
    expect(page.locator("#charges")).to_contain_text("C")
    expect(page.locator("#audit-notes")).to_contain_text(receipt["reference"])
    expect(page.get_by_text("Robin Shaw")).to_be_visible()
    screenshot(page, "staff-account")
    assert_accessible(page)


def test_an_officer_corrects_a_review_case_and_it_is_applied(page: Page, web_stack: RunningStack) -> None:
    receipt = submit(web_stack, move_in_body(TO_CORRECT, TODAY + timedelta(days=45)))
    assert web_stack.wait_final(receipt["notification_id"])["status"] == "review"
    sign_in(page, OFFICER[0])
    page.goto("/staff/review")
    queue_row = page.locator(f'tr[data-reference="{receipt["reference"]}"]')
    expect(queue_row).to_contain_text("more than 14 days away")
    screenshot(page, "staff-review-queue")
    assert_accessible(page)
    queue_row.get_by_role("link").click()
    reload_until(page, "#correct-button")
    screenshot(page, "staff-review-case")
    assert_accessible(page)
    fill_date(page, "move_in_date", TODAY - timedelta(days=2))
    page.fill("#note", "Resident phoned: the move was two days ago; the year was mistyped")
    page.click("#correct-button")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent for processing")
    reload_until(page, "#follow-up .ctax-follow-up-status:text('applied')")
    expect(page.locator("#case-status")).to_have_text("Corrected")
    expect(page.locator(".govuk-inset-text")).to_contain_text("by Olive Officer")
    screenshot(page, "staff-review-corrected")
    assert web_stack.revenues is not None
    (account,) = web_stack.revenues.accounts_at(TO_CORRECT.uprn)
    assert account.liability_start == TODAY - timedelta(days=2)


def test_an_officer_rejects_a_review_case_with_a_reason_the_resident_sees(
        page: Page, web_stack: RunningStack) -> None:
    receipt = submit(web_stack, move_in_body(TO_REJECT, TODAY + timedelta(days=60)))
    assert web_stack.wait_final(receipt["notification_id"])["status"] == "review"
    sign_in(page, OFFICER[0])
    page.goto(f"/staff/notifications/{receipt['notification_id']}")
    reason = "We cannot accept a move this far ahead. Tell us again within 14 days of moving."
    page.fill("#reason", reason)
    page.click("#reject-button")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("rejected")
    expect(page.locator("#case-status")).to_have_text("Rejected")
    progress = web_stack.progress(receipt["notification_id"])
    assert progress["status"] == "rejected"
    assert progress["reasons"][0]["message"] == reason
