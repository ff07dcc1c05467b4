"""The bill estimate on check answers, in a real browser: the figures the worker's rules give, marked as an
estimate, accessible; none without the account number; and the bill applied matches what was shown."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from adapters.audit_notes import money
from tests.browser.register import (
    PREVIEW_MOVE_IN,
    PREVIEW_MOVE_OUT,
    PREVIEW_MOVE_OUT_ACCOUNT,
    PREVIEW_PAID,
    PREVIEW_ROAD,
)
from tests.browser.resident_journey import Resident, wait_for_status
from tests.integration.running_stack import RunningStack
from tests.integration.test_move_journeys import TODAY
from web.http.govuk_dates import long_date
from web.stores.database import create_store_engine
from web.stores.progress import ProgressStore

CHECK = "Check your answers before sending your notification"


def _year_label(day: date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _notification_id(web_stack: RunningStack, reference: str) -> str:
    engine = create_store_engine(f"sqlite:///{web_stack.workdir}/web.db")
    try:
        progress = ProgressStore(engine).progress_by_reference(reference)
    finally:
        engine.dispose()
    assert progress is not None
    return str(progress["notification_id"])


def test_a_move_out_shows_its_final_bill_estimate_only_once_the_account_number_is_given(
        page: Page, web_stack: RunningStack) -> None:
    resident = Resident(page, screenshots={"Check your answers": "60-bill-estimate-move-out"})
    moved = TODAY - timedelta(days=5)
    resident.start()
    resident.choose_kind("Moving out of the area")
    resident.find_address(PREVIEW_ROAD, PREVIEW_MOVE_OUT.address_line_1)
    resident.move_date("When did you move out?", moved)
    resident.forwarding_address("1 Harbour Street", "Elsewhere", "ZY8 1AA")
    resident.account_number("")  # not given: no account's figures are shown
    resident.contact("Alex Jones", phone="01632 960 123")
    resident.arrive(CHECK)
    estimate = page.locator("#bill-estimate")
    expect(estimate).to_contain_text("To see an estimate of your bill, give your Council Tax account number")
    expect(estimate.locator("table")).to_have_count(0)
    assert PREVIEW_MOVE_OUT_ACCOUNT not in page.content()

    estimate.get_by_role("link", name="Give your account number").click()
    resident.account_number(PREVIEW_MOVE_OUT_ACCOUNT)
    resident.arrive(CHECK)  # axe-core checks the page with the estimate on it
    expect(estimate.get_by_role("heading", level=2)).to_contain_text("What this means for your bill")
    expect(estimate.locator(".govuk-tag")).to_have_text("Estimate")
    expect(estimate).to_contain_text("This is an estimate")
    expect(estimate).to_contain_text(f"Your final bill, account {PREVIEW_MOVE_OUT_ACCOUNT}, up to "
                                     f"{long_date(moved - timedelta(days=1))}")
    expect(estimate).to_contain_text(f"Paid so far {money(PREVIEW_PAID)}")
    keys = [key.strip() for key in estimate.locator(".govuk-summary-list__key").all_inner_texts()]
    assert keys[:2] == [f"Council Tax for {_year_label(moved - timedelta(days=1))}", "Paid so far"]
    assert keys[2] in {"Left to pay", "Credit"}

    reference = resident.send()
    wait_for_status(resident, reference, "Account updated")
    notification_id = _notification_id(web_stack, reference)
    metrics = web_stack.metrics({notification_id})[notification_id]
    assert [(m.outcome.value, m.preview_matched) for m in metrics][:1] == [("applied", True)]


def test_a_move_in_shows_the_new_accounts_instalments(page: Page, web_stack: RunningStack) -> None:
    resident = Resident(page, screenshots={"Check your answers": "61-bill-estimate-move-in"})
    resident.start()
    resident.choose_kind("Moving into the area")
    resident.find_address(PREVIEW_ROAD, PREVIEW_MOVE_IN.address_line_1)
    resident.move_date("When did you move in?", TODAY)
    resident.add_person("Sam Taylor", TODAY.replace(year=TODAY.year - 30))
    resident.more_people("No")
    resident.tenure("I rent it from a private landlord or letting agent")
    resident.previous_address("12 Long Lane", "Elsewhere", "SW1A 2AA")
    resident.instalments(10)
    resident.contact("Sam Taylor", email="sam@example.com")
    resident.arrive(CHECK)
    estimate = page.locator("#bill-estimate")
    expect(estimate).to_contain_text(f"Your new account from {long_date(TODAY)}")
    expect(estimate).to_contain_text("25% off (single person discount)")
    instalments = estimate.locator("table")
    expect(instalments.first.locator("caption")).to_contain_text("Estimated instalments for")
    amounts = [float(text.replace("£", "").replace(",", "")) for text in
               instalments.first.locator("td.govuk-table__cell--numeric").all_inner_texts()]
    left = estimate.locator(".govuk-summary-list__row", has_text="Left to pay").first.locator("dd").inner_text()
    assert amounts
    assert round(sum(amounts), 2) == float(left.strip().replace("£", "").replace(",", ""))
