"""Moving out, moving within the area, and an address that is not in the register, in a real browser."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.register import (
    MILL_LANE,
    MOVE_OUT_ACCOUNT,
    MOVE_OUT_OCCUPIED,
    ORCHARD_ROAD,
    WITHIN_FROM_ACCOUNT,
    WITHIN_FROM_OCCUPIED,
    WITHIN_TO_VACANT,
)
from tests.browser.resident_journey import Resident, wait_for_status
from tests.integration.running_stack import RunningStack
from tests.integration.test_move_journeys import TODAY
from web.stores.database import create_store_engine
from web.stores.progress import ProgressStore


def test_moving_out_ends_the_liability_the_day_before(page: Page, web_stack: RunningStack) -> None:
    resident = Resident(page, screenshots={"What is your new address": "20-move-out-forwarding-address",
                                           "Check your answers": "21-move-out-check-answers"})
    moved = TODAY - timedelta(days=5)
    resident.start()
    resident.choose_kind("Moving out of the area")
    resident.find_address(MILL_LANE, MOVE_OUT_OCCUPIED.address_line_1)
    resident.move_date("When did you move out?", moved)
    resident.forwarding_address("1 Harbour Street", "Elsewhere", "ZY8 1AA")
    resident.account_number(MOVE_OUT_ACCOUNT)
    resident.no_refund()
    resident.contact("Alex Jones", phone="01632 960 123")
    reference = resident.send()
    wait_for_status(resident, reference, "Account updated")
    assert web_stack.revenues is not None
    account = web_stack.revenues.account(MOVE_OUT_ACCOUNT)
    assert account is not None
    assert account.liability_end == moved - timedelta(days=1)
    assert reference in account.audit_notes[-1].note


def test_moving_within_the_area_moves_the_liability(page: Page, web_stack: RunningStack) -> None:
    resident = Resident(page)
    moved = TODAY - timedelta(days=1)
    resident.start()
    resident.choose_kind("Moving from one address to another in the area")
    resident.find_address(MILL_LANE, WITHIN_FROM_OCCUPIED.address_line_1)
    resident.find_address(ORCHARD_ROAD, WITHIN_TO_VACANT.address_line_1)
    resident.move_date("When did you move?", moved)
    resident.add_person("Chris Evans", TODAY.replace(year=TODAY.year - 41))
    resident.more_people("Yes")
    resident.add_person("Dana Evans", TODAY.replace(year=TODAY.year - 39), first=False)
    resident.more_people("No")
    resident.tenure("I own it or I'm buying it")
    resident.instalments(10)
    resident.contact("Chris Evans", email="chris@example.com")
    reference = resident.send()
    wait_for_status(resident, reference, "Account updated")
    assert web_stack.revenues is not None
    old = web_stack.revenues.account(WITHIN_FROM_ACCOUNT)
    assert old is not None
    assert old.liability_end == moved - timedelta(days=1)
    (new,) = web_stack.revenues.accounts_at(WITHIN_TO_VACANT.uprn)
    assert (new.liability_start, new.liability_end, new.discount_percent) == (moved, None, 0)
    assert new.liable_persons == ("Chris Evans", "Dana Evans")


def test_an_address_not_in_the_register_goes_to_a_person(page: Page, web_stack: RunningStack) -> None:
    resident = Resident(page, screenshots={"Enter the address": "30-not-listed-manual-address",
                                           "Notification sent": "31-not-listed-confirmation",
                                           "Progress of your": "32-not-listed-status"})
    resident.start()
    resident.choose_kind("Moving into the area")
    resident.address_not_listed(MILL_LANE, "7 Mill Lane", "Exampleton")
    resident.move_date("When did you move in?", TODAY)
    resident.add_person("Sam Taylor", TODAY.replace(year=TODAY.year - 25))
    resident.more_people("No")
    resident.tenure("I'm a lodger")
    resident.previous_address("9 Harbour Street", "Elsewhere", "ZY8 1AA")
    resident.instalments(10)
    resident.contact("Sam Taylor", email="sam@example.com")
    expect(page.get_by_text("Not in our list of properties: we will check it")).to_be_visible()
    reference = resident.send()
    expect(page.get_by_text("a member of our Council Tax team will check it")).to_be_visible()
    wait_for_status(resident, reference, "Needs a person")
    expect(page.get_by_text("We need to match the address to our list of properties.")).to_be_visible()
    progress = ProgressStore(create_store_engine(f"sqlite:///{web_stack.workdir}/web.db")).progress_by_reference(
        reference)
    assert progress is not None
    assert [(r["code"], r["field"]) for r in progress["reasons"]] == [("address_not_in_register", "change.address")]
    assert web_stack.revenues is not None
    assert all("7 Mill Lane" not in n.note for a in web_stack.revenues.accounts_at(MOVE_OUT_OCCUPIED.uprn)
               for n in a.audit_notes)


def test_a_postcode_with_no_addresses_offers_to_type_the_address(page: Page, web_stack: RunningStack) -> None:
    resident = Resident(page, screenshots={"No addresses found": "33-no-addresses-found"})
    resident.start()
    resident.choose_kind("Moving out of the area")
    resident.address_not_listed("ZY9 9ZZ", "1 Nowhere Close", "Exampleton")
    resident.arrive("When did you move out?")
