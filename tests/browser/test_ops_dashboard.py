"""The ops dashboard in Chromium: its figures move as notifications flow, without reloading."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import assert_accessible, screenshot
from tests.browser.staff_pages import OPERATOR, ensure_users, move_in_body, sign_in, staff_property, submit
from tests.integration.running_stack import RunningStack

TODAY = datetime.now(ZoneInfo("Europe/London")).date()
FLOWING = staff_property(11, "D")


@pytest.fixture(scope="module", autouse=True)
def ops_register(web_stack: RunningStack) -> None:
    assert web_stack.revenues is not None
    web_stack.revenues.load_register([FLOWING], [])
    ensure_users(web_stack)


def test_the_ops_dashboard_counts_move_after_notifications_flow(page: Page, web_stack: RunningStack) -> None:
    sign_in(page, OPERATOR[0])
    expect(page.locator("h1")).to_have_text("Ops dashboard")
    before = int(page.locator("#figure-today").inner_text())
    page.evaluate("() => { window.notReloaded = true; }")
    receipt = submit(web_stack, move_in_body(FLOWING, TODAY))
    web_stack.wait_final(receipt["notification_id"])
    expect(page.locator("#figure-today")).not_to_have_text(str(before), timeout=60_000)
    assert int(page.locator("#figure-today").inner_text()) > before
    assert page.evaluate("() => window.notReloaded === true")
    expect(page.locator("#figure-lag")).not_to_have_text("–", timeout=30_000)
    expect(page.locator("#per-minute-chart rect").first).to_be_attached()
    screenshot(page, "ops-dashboard")
    assert_accessible(page)
