"""Check answers with the bill preview wired in as ``ctax web`` wires it: an account change's estimate once its
account number is confirmed, none otherwise, and the digest of what was shown sent with the notification."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

import httpx

from adapters.sql.reader import SqlRevenuesReader
from adapters.sql.revenues import SqlRevenuesSystem
from ctax.running.web_components import bill_previewer
from ctax.settings import Settings
from schemas.kafka_connection import KafkaConnection
from tests.builders import COUNCIL, RULES, existing_account, register_property
from tests.unit.web.fake_kafka import FakeKafka, use_fake_kafka
from tests.unit.web.resident.page_walker import PageWalker
from web.app import WebConfig, create_app
from web.http.govuk_dates import long_date
from web.resident.session import uk_today
from web.staff_shell.services import StaffShellConfig

HOME = "100090001641"
POSTCODE = "ZY4 1AB"
TODAY = uk_today().date()
DATE = {"move-date-day": str(TODAY.day), "move-date-month": str(TODAY.month), "move-date-year": str(TODAY.year)}
CONTACT = {"contact-name": "Alex Jones", "contact-email": "alex@example.com", "contact-phone": ""}


@asynccontextmanager
async def resident_app(tmp_path: Path) -> AsyncIterator[tuple[PageWalker, FakeKafka]]:
    url = f"sqlite:///{tmp_path}/revenues.db"
    revenues = SqlRevenuesSystem.from_url(url)
    revenues.create_schema()
    revenues.load_register([register_property(HOME, postcode=POSTCODE, band="C", line_1="41 Estimate Street")],
                           [existing_account("500001641", HOME, start=date(2022, 4, 1))])
    revenues.dispose()
    reader = SqlRevenuesReader.from_url(url)
    app = create_app(WebConfig(
        kafka=KafkaConnection("127.0.0.1:1"), council_code=COUNCIL, council_name="Exampleshire District Council",
        web_database_url=f"sqlite:///{tmp_path}/web.db", secret_key=b"k" * 32, secure_cookies=False,
        publish_timeout_seconds=0.5, register=reader,
        bill_preview=bill_previewer(Settings(council_code=COUNCIL, band_d_pence=dict(RULES.band_d_pence)), reader),
        staff_shell=StaffShellConfig(create_first_admin=False, metrics_port=0, lag_interval_seconds=60)))
    try:
        async with app.router.lifespan_context(app):
            fake = use_fake_kafka(app)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
                yield PageWalker(client), fake
    finally:
        reader.dispose()


async def _claim_discount(walker: PageWalker, account_number: str) -> str:
    await walker.answer("/moving/kind", {"kind": "single_person_discount"})
    await walker.answer("/moving/address/home/postcode", {"postcode": POSTCODE})
    await walker.answer("/moving/address/home/select", {"uprn": HOME})
    await walker.answer("/moving/account-number", {"account-number": account_number})
    await walker.answer("/moving/discount", {"action": "claim"})
    await walker.answer("/moving/discount/reason", {"reason": "others_left"})
    await walker.answer("/moving/date", DATE)
    assert await walker.answer_then("/moving/contact", CONTACT) == "/moving/check"
    return (await walker.page("/moving/check")).text


async def test_a_discount_claim_shows_the_revised_bill_and_sends_the_digest_of_it(tmp_path: Path) -> None:
    async with resident_app(tmp_path) as (walker, fake):
        page = await _claim_discount(walker, "500001641")
        assert "What this means for your bill" in page
        assert f"Your bill, account 500001641, from {long_date(TODAY)}" in page
        assert "25% off (single person discount)" in page
        assert "Estimated instalments for" in page
        await walker.answer("/moving/check", {})
    (sent,) = fake.records
    assert sent.preview_digest is not None
    assert re.fullmatch(r"[0-9a-f]{64}", sent.preview_digest)


async def test_another_accounts_number_shows_no_figures_and_sends_no_digest(tmp_path: Path) -> None:
    async with resident_app(tmp_path) as (walker, fake):
        page = await _claim_discount(walker, "500001642")
        assert "To see an estimate of your bill, give your Council Tax account number" in page
        assert "Estimated instalments" not in page
        assert "500001641" not in page
        await walker.answer("/moving/check", {})
    (sent,) = fake.records
    assert sent.preview_digest is None


async def test_a_change_of_name_says_the_bill_does_not_change(tmp_path: Path) -> None:
    async with resident_app(tmp_path) as (walker, fake):
        await walker.answer("/moving/kind", {"kind": "change_of_name"})
        await walker.answer("/moving/address/home/postcode", {"postcode": POSTCODE})
        await walker.answer("/moving/address/home/select", {"uprn": HOME})
        await walker.answer("/moving/account-number", {"account-number": "500001641"})
        await walker.answer("/moving/name", {"previous-name": "Alex Jones", "new-name": "Alex Smith",
                                             "reason": "marriage"})
        await walker.answer("/moving/date", DATE)
        assert await walker.answer_then("/moving/contact", CONTACT) == "/moving/check"
        page = (await walker.page("/moving/check")).text
        assert "Your bill once the name on the account is changed." in page
        assert "This change does not change what you pay." in page
        assert "Estimated instalments" not in page
        await walker.answer("/moving/check", {})
    (sent,) = fake.records
    assert sent.preview_digest is not None
