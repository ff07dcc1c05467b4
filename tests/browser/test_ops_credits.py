"""Ops: unclaimed credits by age in Chromium, from the dashboard, after a move-out leaves a credit (axe-clean)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.browser.pages import assert_accessible, screenshot
from tests.browser.staff_pages import OPERATOR, ensure_users, sign_in, staff_property, submit
from tests.builders import RULES, existing_account
from tests.integration.running_stack import RunningStack
from tests.unit.rules.ledger_reading import Liability, year_charge_pence

TODAY = datetime.now(ZoneInfo("Europe/London")).date()
MOVED = TODAY - timedelta(days=3)
YEAR = MOVED.year if MOVED.month >= 4 else MOVED.year - 1
LEAVING = staff_property(61, "D")
START = date(2020, 6, 1)
CREDIT = 7777


def test_a_credit_left_by_a_move_out_shows_as_unclaimed(page: Page, web_stack: RunningStack) -> None:
    assert web_stack.revenues is not None
    kept = year_charge_pence(Liability(START, MOVED - timedelta(days=1), "D", ((START, 0),)), YEAR,
                             RULES.band_d_pence[YEAR])
    web_stack.revenues.load_register([LEAVING], [existing_account("600000061", LEAVING.uprn, start=START,
                                                                  paid=kept + CREDIT, paid_year=YEAR)])
    ensure_users(web_stack)
    receipt = submit(web_stack, {
        "contact": {"full_name": "Robin Shaw", "email": "robin.shaw@example.com"},
        "change": {"kind": "move_out", "uprn": LEAVING.uprn,
                   "address": {"line_1": LEAVING.address_line_1, "town": LEAVING.town, "postcode": LEAVING.postcode},
                   "move_out_date": MOVED.isoformat(),
                   "forwarding_address": {"line_1": "1 Far Road", "town": "Elsewhere", "postcode": "ZY9 9AA"}}})
    assert web_stack.wait_final(receipt["notification_id"])["status"] == "applied"
    sign_in(page, OPERATOR[0])
    page.get_by_role("link", name="Unclaimed credits by age").click()
    expect(page.locator("h1")).to_have_text("Unclaimed credits")
    recent = page.locator("#unclaimed-credits tr", has_text="Up to 30 days")
    assert int(recent.locator("td").first.inner_text()) >= 1
    screenshot(page, "ops-unclaimed-credits")
    assert_accessible(page)
