"""The refund approval queue in Chromium (axe-clean): a move-out's refund above the council's threshold waits
for an officer, who approves it; the worker releases it through the revenues port and it leaves the queue."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from adapters.revenues_port import RefundDecision
from tests.browser.pages import assert_accessible, error_summary, screenshot
from tests.browser.staff_pages import OFFICER, ensure_users, sign_in, staff_property, submit
from tests.builders import RULES, existing_account
from tests.integration.running_stack import RunningStack
from tests.unit.rules.ledger_reading import Liability, year_charge_pence

TODAY = datetime.now(ZoneInfo("Europe/London")).date()
MOVED = TODAY - timedelta(days=3)
YEAR = MOVED.year if MOVED.month >= 4 else MOVED.year - 1
LEAVING = staff_property(63, "D")
ACCOUNT, START = "600000063", date(2020, 6, 1)
CREDIT = RULES.refund_approval_threshold_pence + 12345  # above the threshold: held for approval


def test_an_officer_approves_a_held_refund_and_the_worker_releases_it(page: Page, web_stack: RunningStack) -> None:
    assert web_stack.revenues is not None
    kept = year_charge_pence(Liability(START, MOVED - timedelta(days=1), "D", ((START, 0),)), YEAR,
                             RULES.band_d_pence[YEAR])
    web_stack.revenues.load_register([LEAVING], [existing_account(ACCOUNT, LEAVING.uprn, start=START,
                                                                  paid=kept + CREDIT, paid_year=YEAR)])
    ensure_users(web_stack)
    receipt = submit(web_stack, {
        "contact": {"full_name": "Robin Shaw", "email": "robin.shaw@example.com"},
        "change": {"kind": "move_out", "uprn": LEAVING.uprn,
                   "address": {"line_1": LEAVING.address_line_1, "town": LEAVING.town, "postcode": LEAVING.postcode},
                   "move_out_date": MOVED.isoformat(),
                   "forwarding_address": {"line_1": "1 Far Road", "town": "Elsewhere", "postcode": "ZY9 9AA"}},
        "refund_bank_account": {"account_holder": "Robin Shaw", "sort_code": "08-99-99",
                                "account_number": "66374958"}})
    assert web_stack.wait_final(receipt["notification_id"])["status"] == "applied"

    sign_in(page, OFFICER[0])
    page.get_by_role("link", name="Refunds", exact=True).click()
    expect(page.locator("h1")).to_have_text("Refunds waiting for approval")
    row = page.locator(f'[data-refund="{ACCOUNT}/{YEAR}"]')
    expect(row).to_contain_text("sort code **-**-99, account ****4958")
    expect(row).to_contain_text(f"£{CREDIT // 100:,}.{CREDIT % 100:02d}")
    assert "66374958" not in page.content()
    screenshot(page, "staff-refunds-waiting")
    assert_accessible(page)

    row.get_by_role("link", name=f"Decide the refund for {ACCOUNT}").click()
    expect(page.locator("h1")).to_contain_text(ACCOUNT)
    assert_accessible(page)
    page.get_by_role("button", name="Send decision").click()
    assert error_summary(page) == ["Choose whether to approve or reject the refund",
                                   "Say why, for the account's audit note"]
    assert_accessible(page)
    page.get_by_label("Approve: release the refund to the bank account").check()
    page.fill("#reason", "Checked against the payments received")
    page.get_by_role("button", name="Send decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your decision has been sent")
    assert_accessible(page)

    deadline = time.monotonic() + 60
    while page.locator(f'[data-refund="{ACCOUNT}/{YEAR}"]').count() and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    expect(page.locator(f'[data-refund="{ACCOUNT}/{YEAR}"]')).to_have_count(0)  # released: no longer waiting
    account = web_stack.revenues.account(ACCOUNT)
    assert account is not None
    assert [(r.amount_pence, r.decision) for r in account.refunds] == [(CREDIT, RefundDecision.APPROVED)]
    assert [p.amount_pence for p in account.payments][-1] == -CREDIT
