"""Moving out: the optional refund page checks bank details with the modulus rules and keeps them only sealed."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from schemas.bank_details import BankDetailsSealer
from schemas.kafka_connection import KafkaConnection
from schemas.modulus_check import load_tables
from schemas.notification import MoveOut
from tests.builders import BANK_KEY
from tests.unit.web.fake_kafka import FakeKafka, use_fake_kafka
from tests.unit.web.resident.page_walker import PageWalker
from web.app import WebConfig, create_app
from web.intake.refund_details import RefundDetails
from web.resident.session import uk_today

TABLES = Path(__file__).parents[2] / "schemas" / "modulus_tables"
SOON = uk_today().date()
DATE = {"move-date-day": str(SOON.day), "move-date-month": str(SOON.month), "move-date-year": str(SOON.year)}
CONTACT = {"contact-name": "Sam Taylor", "contact-email": "sam@example.com", "contact-phone": ""}
GOOD = {"account-holder": "Sam Taylor", "sort-code": "08 99 99", "account-number": "66374958"}


@pytest.fixture
async def walker(tmp_path: Path) -> AsyncIterator[tuple[PageWalker, FakeKafka]]:
    app = create_app(WebConfig(
        kafka=KafkaConnection("127.0.0.1:1"), council_code="E99999999", council_name="Exampleshire District Council",
        web_database_url=f"sqlite:///{tmp_path}/web.db", secret_key=b"k" * 32, publish_timeout_seconds=0.5,
        refunds=RefundDetails(BankDetailsSealer([BANK_KEY]), load_tables(TABLES))))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://testserver") as client:
        yield PageWalker(client), use_fake_kafka(app)


async def _to_refund_page(walker: PageWalker) -> None:
    await walker.answer("/moving/kind", {"kind": "move_out"})
    await walker.answer("/moving/address/leaving/postcode", {"postcode": "ZY3 1AA"})
    await walker.answer("/moving/address/leaving/manual", {"address-line-1": "4 Mill Lane",
                                                           "address-town": "Exampleton", "address-postcode": "ZY3 1AA"})
    await walker.answer("/moving/date", DATE)
    await walker.answer("/moving/forwarding-address", {
        "address-line-1": "12 Long Lane", "address-town": "Elsewhere", "address-postcode": "SW1A 2AA"})
    await walker.answer("/moving/rented", {"rented": "no"})  # a typed address: the register knows no owner
    assert await walker.answer_then("/moving/account-number", {"account-number": ""}) == "/moving/refund"


async def test_bank_details_are_checked_then_kept_only_sealed_and_sent_sealed(
        walker: tuple[PageWalker, FakeKafka], tmp_path: Path) -> None:
    pages, kafka = walker
    await _to_refund_page(pages)
    missing = await pages.answer("/moving/refund", {**GOOD, "sort-code": ""}, expect=400)
    assert "Enter a sort code" in missing.text
    wrong = await pages.answer("/moving/refund", {**GOOD, "account-number": "66374959"}, expect=400)
    assert "do not belong together" in wrong.text
    short = await pages.answer("/moving/refund", {**GOOD, "account-number": "6637495"}, expect=400)
    assert "account number of 8 digits" in short.text
    assert await pages.answer_then("/moving/refund", GOOD) == "/moving/contact"
    await pages.answer("/moving/contact", CONTACT)
    check = await pages.page("/moving/check")
    assert "Sort code **-**-99, account ****4958" in check.text
    assert "66374958" not in check.text
    with sqlite3.connect(tmp_path / "web.db") as conn:
        stored = repr(conn.execute("SELECT * FROM resident_journey").fetchall())
    assert "****4958" in stored
    assert "66374958" not in stored
    assert "089999" not in stored
    await pages.answer("/moving/check", {})
    (sent,) = kafka.records
    assert isinstance(sent.change, MoveOut)
    assert sent.change.refund_to is not None
    assert BankDetailsSealer([BANK_KEY]).open(sent.change.refund_to).account_number == "66374958"


async def test_leaving_the_details_empty_gives_no_refund_account(walker: tuple[PageWalker, FakeKafka]) -> None:
    pages, _ = walker
    await _to_refund_page(pages)
    empty = {"account-holder": "", "sort-code": "", "account-number": ""}
    assert await pages.answer_then("/moving/refund", empty) == "/moving/contact"
    await pages.answer("/moving/contact", CONTACT)
    check = await pages.page("/moving/check")
    assert "Not given: we will write to you about any credit" in check.text
