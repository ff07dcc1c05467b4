"""The staff account page in Chromium: each year's instalments live, paid or superseded, clearly marked."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from adapters.revenues_port import ChargeRow, ExistingAccount, InstalmentRow, PaymentRow
from processors.rules.charges import charge_lines
from processors.rules.discounts import NO_DISCOUNT
from processors.rules.instalments import instalment_plan
from schemas.financial_year import financial_year_of
from tests.browser.pages import assert_accessible, screenshot
from tests.browser.staff_pages import OFFICER, ensure_users, sign_in, staff_property, submit
from tests.builders import RULES
from tests.integration.running_stack import RunningStack

TODAY = datetime.now(ZoneInfo("Europe/London")).date()
LEDGER_PROPERTY = staff_property(7, "C")
LEDGER_ACCOUNT = "600000071"


def _account_with_a_missed_instalment() -> tuple[ExistingAccount, tuple[InstalmentRow, ...]]:
    """Billed for this year in 10 instalments before it began; every one due before today paid but the last."""
    year = financial_year_of(TODAY)
    lines = charge_lines(year.start, year.end, LEDGER_PROPERTY.band, NO_DISCOUNT, RULES)
    plan = instalment_plan(sum(c.charge_pence for c in lines), year, year.start - timedelta(days=30),
                           RULES.payment_day)
    due = [i for i in plan if i.due_date < TODAY]
    paid = due[:-1]  # the latest one due is missed
    instalments = tuple(InstalmentRow(**i.model_dump()) for i in plan)
    return ExistingAccount(
        account_ref=LEDGER_ACCOUNT, uprn=LEDGER_PROPERTY.uprn, liability_start=year.start - timedelta(days=400),
        liable_persons=("Sam Okafor",), discount_code=None, discount_percent=0,
        charges=tuple(ChargeRow(**c.model_dump()) for c in lines), instalments=instalments,
        payments=tuple(PaymentRow(i.financial_year, i.due_date, i.amount_pence) for i in paid)), instalments


def test_an_officer_sees_each_years_instalments_live_paid_and_superseded(page: Page, web_stack: RunningStack) -> None:
    """A payment arrangement re-plans the year: the missed and later instalments are superseded (folded into the
    revised plan, SI 1992/613 Sch. 1 para 10) and still shown, marked, beside the paid ones and the new plan."""
    assert web_stack.revenues is not None
    account, held = _account_with_a_missed_instalment()
    web_stack.revenues.load_register([LEDGER_PROPERTY], [account])
    ensure_users(web_stack)
    receipt = submit(web_stack, {
        "contact": {"full_name": "Sam Okafor", "email": "sam.okafor@example.com"},
        "change": {"kind": "payment_arrangement", "uprn": LEDGER_PROPERTY.uprn,
                   "address": {"line_1": LEDGER_PROPERTY.address_line_1, "town": LEDGER_PROPERTY.town,
                               "postcode": LEDGER_PROPERTY.postcode},
                   "twelve_instalments": True, "payment_day": 15, "requested_on": TODAY.isoformat()}})
    assert web_stack.wait_final(receipt["notification_id"])["status"] == "applied"

    sign_in(page, OFFICER[0])
    page.goto(f"/staff/accounts/{LEDGER_ACCOUNT}")
    year = financial_year_of(TODAY)
    table = page.locator(f"#instalments-{year.start_year}")
    expect(table.locator("caption")).to_contain_text(f"Instalments for {year.label}")
    superseded = table.locator('tr[data-state="superseded"]')
    live = table.locator('tr[data-state="live"]')
    replaced = [i for i in held if i.due_date >= max(i.due_date for i in held if i.due_date < TODAY)] \
        if any(i.due_date < TODAY for i in held) else list(held)
    expect(superseded).to_have_count(len(replaced))
    for row in superseded.all():
        expect(row).to_contain_text("Superseded")
        expect(row).to_contain_text("replaced by a revised demand")
    paid = [i for i in held if i not in replaced]
    expect(live.filter(has_text="Paid")).to_have_count(len(paid))
    expect(live.filter(has_text="To pay").first).to_be_visible()
    expect(table.locator("caption")).to_contain_text("superseded")
    screenshot(page, "staff-account-instalments")
    assert_accessible(page)
