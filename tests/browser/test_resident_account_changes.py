"""The everyday changes to an open account in Chromium, each page checked with axe: single person discount,
who lives there, student exemption, change of name and payment arrangement, each applied straight through."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from adapters.revenues_port import RegisterProperty
from tests.browser.resident_journey import Resident, wait_for_status
from tests.builders import existing_account
from tests.integration.running_stack import RunningStack
from tests.integration.test_move_journeys import TODAY

LARK_STREET = "ZY5 1AA"
CHANGED = TODAY - timedelta(days=1)


def _home(number: int, band: str = "C") -> RegisterProperty:
    uprn = f"1000930000{number:02d}"
    return RegisterProperty(uprn=uprn, property_ref=f"P{uprn[-7:]}", address_line_1=f"{number} Lark Street",
                            address_line_2=None, town="Exampleton", postcode=LARK_STREET, band=band)


DISCOUNT, HOUSEHOLD, STUDENTS, NAME, PAYMENT = (_home(n) for n in range(1, 6))


def _account(home: RegisterProperty) -> str:
    return f"70000000{home.uprn[-1]}"


@pytest.fixture(scope="module", autouse=True)
def lark_street(web_stack: RunningStack) -> None:
    assert web_stack.revenues is not None
    homes = [DISCOUNT, HOUSEHOLD, STUDENTS, NAME, PAYMENT]
    web_stack.revenues.load_register(homes, [existing_account(_account(h), h.uprn, start=date(2022, 4, 1))
                                             for h in homes])


def _begin(resident: Resident, kind: str, home: RegisterProperty) -> None:
    resident.start()
    resident.choose_kind(kind)
    resident.find_address(LARK_STREET, home.address_line_1)
    resident.account_number(_account(home))


def _finish(resident: Resident, web_stack: RunningStack, home: RegisterProperty, *summary: str) -> None:
    resident.contact("Alex Jones", email="alex.jones@example.com")
    expect(resident.page.locator("h1").first).to_contain_text("Check your answers")  # loaded before reading it
    text = " ".join(resident.page.locator(".govuk-summary-list").all_inner_texts())
    for expected in summary:
        assert expected in text, expected
    reference = resident.send()
    wait_for_status(resident, reference, "Account updated")
    assert web_stack.revenues is not None
    account = web_stack.revenues.account(_account(home))
    assert account is not None
    assert reference in account.audit_notes[-1].note


def test_claiming_a_single_person_discount(page: Page, web_stack: RunningStack) -> None:
    resident = Resident(page, screenshots={"Do you want to claim": "70-spd-action", "Why can you": "71-spd-reason",
                                           "Check your answers": "72-spd-check-answers"})
    _begin(resident, "Single person discount: claim it or stop it", DISCOUNT)
    resident.choose("Do you want to claim or stop a single person discount?", "Claim a single person discount")
    resident.choose("Why can you claim the discount?", "The other adults have moved out")
    resident.move_date("From what date?", CHANGED)
    _finish(resident, web_stack, DISCOUNT, "Claim a single person discount", _account(DISCOUNT))
    expect(page.get_by_text("We have changed your single person discount")).to_be_visible()
    account = web_stack.revenues.account(_account(DISCOUNT)) if web_stack.revenues else None
    assert account is not None
    assert (account.discount_code, account.discount_percent) == ("SPD", 25)


def test_who_lives_there(page: Page, web_stack: RunningStack) -> None:
    resident = Resident(page, screenshots={"What has changed": "73-household-event",
                                           "Who pays": "74-household-liable"})
    _begin(resident, "Someone moved in or out, or started or stopped counting for discounts", HOUSEHOLD)
    resident.choose("What has changed?", "An adult moved in")
    resident.move_date("When did this happen?", CHANGED)
    resident.add_person("Alex Jones", TODAY.replace(year=TODAY.year - 40))
    resident.more_people("Yes")
    resident.add_person("Bo Jones", TODAY.replace(year=TODAY.year - 19), "Full-time student", first=False)
    resident.more_people("No")
    resident.arrive("Who pays the Council Tax?")
    page.get_by_label("Alex Jones", exact=True).check()
    resident.continue_()
    _finish(resident, web_stack, HOUSEHOLD, "An adult moved in", "Bo Jones", "Who pays")
    account = web_stack.revenues.account(_account(HOUSEHOLD)) if web_stack.revenues else None
    assert account is not None
    assert account.discount_code == "SPD"  # Bo is disregarded: one adult counts


def test_a_home_where_everyone_is_a_student(page: Page, web_stack: RunningStack) -> None:
    resident = Resident(page, screenshots={"Tell us about a student": "75-student",
                                           "You have told us about 1 student": "76-students"})
    _begin(resident, "Everyone who lives there is a full-time student", STUDENTS)
    resident.move_date("From what date has everyone been a full-time student?", CHANGED)
    resident.arrive("Tell us about a student who lives there")
    page.fill("#full-name", "Alex Jones")
    page.fill("#institution", "University of Exampleton")
    page.fill("#certificate-reference", "UOE/20251234")
    resident.continue_()
    resident.arrive("You have told us about 1 student")
    page.get_by_label("No", exact=True).check()
    resident.continue_()
    _finish(resident, web_stack, STUDENTS, "Certificate UOE/20251234")
    account = web_stack.revenues.account(_account(STUDENTS)) if web_stack.revenues else None
    assert account is not None
    assert account.discount_percent == 100  # exempt, class N


def test_a_change_of_name(page: Page, web_stack: RunningStack) -> None:
    resident = Resident(page, screenshots={"Tell us about the change of name": "77-name"})
    _begin(resident, "A change of name", NAME)
    resident.arrive("Tell us about the change of name")
    page.fill("#previous-name", "Alex Jones")
    page.fill("#new-name", "Alex Smith")
    page.get_by_label("Marriage", exact=True).check()
    resident.continue_()
    resident.move_date("When did the name change?", CHANGED)
    _finish(resident, web_stack, NAME, "Alex Smith", "Marriage")
    account = web_stack.revenues.account(_account(NAME)) if web_stack.revenues else None
    assert account is not None
    assert account.liable_persons == ("Alex Smith",)


def test_paying_in_twelve_instalments_on_another_day(page: Page, web_stack: RunningStack) -> None:
    resident = Resident(page, screenshots={"How do you want to pay": "78-payment"})
    _begin(resident, "How you pay: 10 or 12 instalments, or another payment day", PAYMENT)
    resident.arrive("How do you want to pay?")
    page.get_by_label("12 monthly instalments", exact=False).check()
    page.fill("#payment-day", "15")
    resident.continue_()
    _finish(resident, web_stack, PAYMENT, "12 monthly instalments", "The 15th")
    expect(page.get_by_text("We have changed how you pay")).to_be_visible()
