"""Each account-change journey page by page in-process: question order, error messages, check answers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from schemas.kafka_connection import KafkaConnection
from tests.unit.web.resident.page_walker import PageWalker
from web.app import WebConfig, create_app
from web.resident.session import uk_today

SOON = uk_today().date()
DATE = {"move-date-day": str(SOON.day), "move-date-month": str(SOON.month), "move-date-year": str(SOON.year)}
CONTACT = {"contact-name": "Sam Taylor", "contact-email": "sam@example.com", "contact-phone": ""}


@pytest.fixture
async def walker(tmp_path: Path) -> AsyncIterator[PageWalker]:
    app = create_app(WebConfig(kafka=KafkaConnection("127.0.0.1:1"), council_code="E99999999",
                               council_name="Exampleshire District Council",
                               web_database_url=f"sqlite:///{tmp_path}/web.db", secret_key=b"k" * 32))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as client:
        yield PageWalker(client)


async def _start(walker: PageWalker, kind: str) -> None:
    """Choose the kind, type the home address in (the test register is empty), give the account number."""
    assert await walker.answer_then("/moving/kind", {"kind": kind}) == "/moving/address/home/postcode"
    await walker.answer("/moving/address/home/postcode", {"postcode": "zy3 1aa"})
    assert await walker.answer_then("/moving/address/home/manual", {
        "address-line-1": "4 Mill Lane", "address-town": "Exampleton", "address-postcode": "ZY3 1AA",
    }) == "/moving/account-number"
    error = await walker.answer("/moving/account-number", {"account-number": "50000<>"}, expect=400)
    assert "Account number must be up to 20 letters" in error.text
    await walker.answer("/moving/account-number", {"account-number": " 500000004 "})


async def _check(walker: PageWalker, *expected: str) -> str:
    page = await walker.page("/moving/check")
    assert "Check your answers" in page.text
    for text in expected:
        assert text in page.text, text
    return page.text


async def test_the_kind_page_offers_every_change_a_resident_can_tell_us(walker: PageWalker) -> None:
    page = await walker.page("/moving/kind")
    for value in ("move_in", "move_out", "move_within", "single_person_discount", "household_change",
                  "student_exemption", "change_of_name", "payment_arrangement"):
        assert f'value="{value}"' in page.text
    assert 'value="rebill"' not in page.text
    refused = await walker.answer("/moving/kind", {"kind": "rebill"}, expect=400)
    assert "Select what you are telling us about" in refused.text


async def test_changing_claim_to_stop_forgets_the_reason_and_shows_the_answer_so_far(walker: PageWalker) -> None:
    await _start(walker, "single_person_discount")
    await walker.answer("/moving/discount", {"action": "claim"})
    await walker.answer("/moving/discount/reason", {"reason": "others_left"})
    claim = await walker.page("/moving/discount")
    assert re.search(r'value="claim"\s+checked', claim.text)
    assert await walker.answer_then("/moving/discount", {"action": "end"}) == "/moving/discount/reason"
    reasons = await walker.page("/moving/discount/reason")
    assert "Why does the discount stop?" in reasons.text
    assert "checked" not in reasons.text  # a reason for claiming is not carried over to stopping
    assert 'value="others_left"' not in reasons.text


async def test_a_question_this_change_does_not_ask_sends_the_resident_to_the_start(walker: PageWalker) -> None:
    await _start(walker, "household_change")
    for path in ("/moving/discount", "/moving/discount/reason", "/moving/instalments"):
        response = await walker.client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/moving"


async def test_claiming_a_single_person_discount(walker: PageWalker) -> None:
    await _start(walker, "single_person_discount")
    assert await walker.answer_then("/moving/discount", {"action": "claim"}) == "/moving/discount/reason"
    wrong = await walker.answer("/moving/discount/reason", {"reason": "someone_moved_in"}, expect=400)
    assert "Select why" in wrong.text  # a reason to stop is not offered when claiming
    assert await walker.answer_then("/moving/discount/reason", {"reason": "others_left"}) == "/moving/date"
    assert await walker.answer_then("/moving/date", DATE) == "/moving/contact"
    assert await walker.answer_then("/moving/contact", CONTACT) == "/moving/check"
    await _check(walker, "Claim a single person discount", "The other adults have moved out", "500000004",
                 "Date of the change")


async def test_who_lives_there_asks_each_adult_and_who_pays(walker: PageWalker) -> None:
    await _start(walker, "household_change")
    assert await walker.answer_then("/moving/household", {"event": "adult_joined"}) == "/moving/date"
    assert await walker.answer_then("/moving/date", DATE) == "/moving/people"
    for name, disregard in (("Ben Walker", "none"), ("Rosa Walker", "full_time_student")):
        await walker.answer("/moving/people/add", {"full-name": name, "date-of-birth-day": "1",
                                                   "date-of-birth-month": "2", "date-of-birth-year": "1990",
                                                   "disregard": disregard})
    assert await walker.answer_then("/moving/people", {"add-another": "no"}) == "/moving/household/liable"
    none = await walker.answer("/moving/household/liable", {}, expect=400)
    assert "Select at least one person who pays" in none.text
    assert await walker.answer_then("/moving/household/liable", {"liable": ["1"]}) == "/moving/contact"
    await walker.answer("/moving/contact", CONTACT)
    await _check(walker, "An adult moved in", "Rosa Walker", "Full-time student", "Who pays", "Ben Walker")


async def test_a_student_exemption_lists_every_student_with_a_certificate(walker: PageWalker) -> None:
    await _start(walker, "student_exemption")
    assert await walker.answer_then("/moving/date", DATE) == "/moving/students"
    bad = await walker.answer("/moving/students/add", {"full-name": "Femi Nowak", "institution": "",
                                                       "certificate-reference": "UOE<1234>"}, expect=400)
    assert "Enter the university or college" in bad.text
    assert "The certificate reference must be in the right format, like UOE/20251234" in bad.text
    for name, certificate in (("Femi Nowak", "uoe/20251234"), ("Jack Nowak", "UOE/20255678")):
        await walker.answer("/moving/students/add", {"full-name": name, "institution": "University of Exampleton",
                                                     "certificate-reference": certificate})
    assert await walker.answer_then("/moving/students", {"add-another": "no"}) == "/moving/contact"
    await walker.answer("/moving/contact", CONTACT)
    await _check(walker, "Students who live there", "Femi Nowak", "Certificate UOE/20251234", "Jack Nowak")


async def test_a_change_of_name_needs_two_different_names_and_a_reason(walker: PageWalker) -> None:
    await _start(walker, "change_of_name")
    same = await walker.answer("/moving/name", {"previous-name": "Amira Campbell", "new-name": "Amira Campbell"},
                               expect=400)
    assert "The new name must be different" in same.text
    assert "Select why the name changed" in same.text
    assert await walker.answer_then("/moving/name", {"previous-name": "Amira Campbell", "new-name": "Amira Lewis",
                                                     "reason": "marriage"}) == "/moving/date"
    await walker.answer("/moving/date", DATE)
    await walker.answer("/moving/contact", CONTACT)
    await _check(walker, "Amira Campbell", "Amira Lewis", "Marriage")


async def test_a_payment_arrangement_asks_instalments_and_an_optional_day(walker: PageWalker) -> None:
    await _start(walker, "payment_arrangement")
    bad = await walker.answer("/moving/payment", {"instalments": "12", "payment-day": "31"}, expect=400)
    assert "Day of the month must be a number from 1 to 28" in bad.text
    assert await walker.answer_then("/moving/payment", {"instalments": "12", "payment-day": "15"}) == "/moving/contact"
    await walker.answer("/moving/contact", CONTACT)
    await _check(walker, "12 monthly instalments", "The 15th")


async def test_a_move_in_asks_the_previous_address_and_the_instalments(walker: PageWalker) -> None:
    assert await walker.answer_then("/moving/kind", {"kind": "move_in"}) == "/moving/address/new/postcode"
    await walker.answer("/moving/address/new/postcode", {"postcode": "ZY3 1AA"})
    await walker.answer("/moving/address/new/manual", {"address-line-1": "4 Mill Lane", "address-town": "Exampleton",
                                                       "address-postcode": "ZY3 1AA"})
    await walker.answer("/moving/date", DATE)
    await walker.answer("/moving/people/add", {"full-name": "Sam Taylor", "date-of-birth-day": "1",
                                               "date-of-birth-month": "2", "date-of-birth-year": "1990",
                                               "disregard": "none"})
    await walker.answer("/moving/people", {"add-another": "no"})
    assert await walker.answer_then("/moving/tenure", {"tenure": "owner_occupier"}) == "/moving/previous-address"
    assert await walker.answer_then("/moving/previous-address", {
        "address-line-1": "12 Long Lane", "address-town": "Elsewhere", "address-postcode": "SW1A 2AA",
    }) == "/moving/instalments"
    assert await walker.answer_then("/moving/instalments", {"instalments": "12"}) == "/moving/contact"
    await walker.answer("/moving/contact", CONTACT)
    await _check(walker, "Your previous address", "12 Long Lane", "12 monthly instalments")


async def test_a_move_out_asks_for_the_account_number_but_does_not_need_it(walker: PageWalker) -> None:
    await walker.answer("/moving/kind", {"kind": "move_out"})
    await walker.answer("/moving/address/leaving/postcode", {"postcode": "ZY3 1AA"})
    await walker.answer("/moving/address/leaving/manual", {"address-line-1": "4 Mill Lane",
                                                           "address-town": "Exampleton", "address-postcode": "ZY3 1AA"})
    await walker.answer("/moving/date", DATE)
    assert await walker.answer_then("/moving/forwarding-address", {
        "address-line-1": "12 Long Lane", "address-town": "Elsewhere", "address-postcode": "SW1A 2AA",
    }) == "/moving/rented"  # a typed address: the register does not know its owner
    assert await walker.answer_then("/moving/rented", {"rented": "no"}) == "/moving/account-number"
    assert await walker.answer_then("/moving/account-number", {"account-number": ""}) == "/moving/contact"
    await walker.answer("/moving/contact", CONTACT)
    await _check(walker, "Council Tax account number", "Not given")


async def test_a_move_out_of_a_rented_home_the_register_has_no_owner_for_asks_for_the_landlord(
        walker: PageWalker) -> None:
    await walker.answer("/moving/kind", {"kind": "move_out"})
    await walker.answer("/moving/address/leaving/postcode", {"postcode": "ZY3 1AA"})
    await walker.answer("/moving/address/leaving/manual", {"address-line-1": "4 Mill Lane",
                                                           "address-town": "Exampleton", "address-postcode": "ZY3 1AA"})
    await walker.answer("/moving/date", DATE)
    await walker.answer("/moving/forwarding-address", {
        "address-line-1": "12 Long Lane", "address-town": "Elsewhere", "address-postcode": "SW1A 2AA"})
    assert await walker.answer_then("/moving/rented", {"rented": "yes"}) == "/moving/landlord"
    assert await walker.answer_then("/moving/landlord", {"landlord-name": " Quayside Homes Ltd "}) == (
        "/moving/account-number")
    await walker.answer("/moving/account-number", {"account-number": ""})
    await walker.answer("/moving/contact", CONTACT)
    await _check(walker, "Landlord or letting agent", "Quayside Homes Ltd")


async def test_pages_of_another_kind_send_the_resident_back_to_the_start(walker: PageWalker) -> None:
    await walker.answer("/moving/kind", {"kind": "payment_arrangement"})
    for path in ("/moving/discount", "/moving/household", "/moving/students", "/moving/name", "/moving/date",
                 "/moving/instalments", "/moving/previous-address"):
        response = await walker.client.get(path)
        assert (response.status_code, response.headers["location"]) == (303, "/moving"), path
