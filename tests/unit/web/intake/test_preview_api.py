"""``POST /api/v1/notifications/preview`` in-process, wired as ``ctax web`` wires it (the worker's rules over a
read-only reader of a seeded revenues database): the estimate, no side effects, no other household's figures,
the intake's rate limit, and its documentation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import MetaData, create_engine, select

from adapters.sql.reader import SqlRevenuesReader
from adapters.sql.revenues import SqlRevenuesSystem
from ctax.running.web_components import bill_previewer
from ctax.settings import Settings
from schemas.kafka_connection import KafkaConnection
from tests.builders import COUNCIL, RULES, existing_account, register_property
from tests.unit.web.fake_kafka import FakeKafka, use_fake_kafka
from web.app import WebConfig, create_app
from web.resident.session import uk_today
from web.staff_shell.services import StaffShellConfig

OCCUPIED, VACANT = "100090000031", "100090000032"
TODAY = uk_today().date()
SOON = (TODAY + timedelta(days=3)).isoformat()
CONTACT = {"full_name": "Sam Taylor", "email": "sam@example.com"}
PREVIEW = "/api/v1/notifications/preview"


def _address(line_1: str, postcode: str = "ZY1 5AB") -> dict[str, str]:
    return {"line_1": line_1, "town": "Exampleton", "postcode": postcode}


def move_out(**extra: Any) -> dict[str, Any]:
    return {"contact": CONTACT, "change": {
        "kind": "move_out", "uprn": OCCUPIED, "address": _address("31 Acacia Avenue"), "move_out_date": SOON,
        "forwarding_address": _address("9 Harbour Street", "ZY8 1AA"), **extra}}


def move_in() -> dict[str, Any]:
    return {"contact": CONTACT, "change": {
        "kind": "move_in", "uprn": VACANT, "address": _address("32 Acacia Avenue"), "move_in_date": SOON,
        "residents": [{"full_name": "Sam Taylor", "date_of_birth": "1990-05-17"}], "tenure": "private_tenant"}}


def seeded_revenues(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/revenues.db"
    revenues = SqlRevenuesSystem.from_url(url)
    revenues.create_schema()
    year = TODAY.year if TODAY.month >= 4 else TODAY.year - 1
    revenues.load_register(
        [register_property(OCCUPIED, band="D", line_1="31 Acacia Avenue"),
         register_property(VACANT, band="B", line_1="32 Acacia Avenue")],
        [existing_account("500000031", OCCUPIED, start=date(2021, 3, 1), paid=43210, paid_year=year)])
    revenues.dispose()
    return url


def every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a database, to show that nothing was written."""
    engine = create_engine(url)
    try:
        tables = MetaData()
        tables.reflect(engine)
        with engine.connect() as conn:
            return {name: sorted(map(tuple, conn.execute(select(table))), key=repr)
                    for name, table in tables.tables.items()}
    finally:
        engine.dispose()


@asynccontextmanager
async def preview_app(tmp_path: Path, *, wired: bool = True, per_minute: float = 600.0,
                      burst: int = 100) -> AsyncIterator[tuple[httpx.AsyncClient, FakeKafka]]:
    url = seeded_revenues(tmp_path)
    reader = SqlRevenuesReader.from_url(url)
    settings = Settings(council_code=COUNCIL, band_d_pence=dict(RULES.band_d_pence))
    app = create_app(WebConfig(
        kafka=KafkaConnection("127.0.0.1:1"), council_code=COUNCIL, council_name="Exampleshire District Council",
        web_database_url=f"sqlite:///{tmp_path}/web.db", secret_key=b"k" * 32, publish_timeout_seconds=0.5,
        intake_rate_per_minute=per_minute, intake_burst=burst,
        bill_preview=bill_previewer(settings, reader) if wired else None,
        staff_shell=StaffShellConfig(create_first_admin=False, metrics_port=0, lag_interval_seconds=60)))
    try:
        async with app.router.lifespan_context(app):
            fake = use_fake_kafka(app)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
                yield client, fake
    finally:
        reader.dispose()


async def test_a_preview_answers_with_the_estimate_and_sends_and_keeps_nothing(tmp_path: Path) -> None:
    async with preview_app(tmp_path) as (client, fake):
        before = {name: every_row(f"sqlite:///{tmp_path}/{name}.db") for name in ("revenues", "web")}
        moving_in = await client.post(PREVIEW, json=move_in())
        moving_out = await client.post(PREVIEW, json=move_out(account_reference="500000031"))
        after = {name: every_row(f"sqlite:///{tmp_path}/{name}.db") for name in ("revenues", "web")}
    assert moving_in.status_code == 200
    assert moving_in.json()["status"] == "estimate"
    assert [bill["part"] for bill in moving_in.json()["bills"]] == ["new_account"]
    final = moving_out.json()
    assert final["status"] == "estimate"
    (bill,) = final["bills"]
    assert (bill["part"], bill["account_ref"]) == ("final_bill", "500000031")
    assert bill["years"][0]["paid_pence"] == 43210
    assert fake.records == []  # nothing on Kafka
    assert after == before  # nothing in either database
    assert before["revenues"]["account"]  # (the snapshot does see the seeded rows)


async def test_the_notification_sent_after_a_preview_carries_its_digest(tmp_path: Path) -> None:
    async with preview_app(tmp_path) as (client, fake):
        estimate = (await client.post(PREVIEW, json=move_in())).json()
        sent = await client.post("/api/v1/notifications", json={**move_in(), "preview_digest": estimate["digest"]})
        refused = await client.post("/api/v1/notifications", json={**move_in(), "preview_digest": "x" * 64})
    assert sent.status_code == 202
    assert [record.preview_digest for record in fake.records] == [estimate["digest"]]
    assert refused.status_code == 422


async def test_a_wrong_account_number_or_postcode_shows_nothing_of_the_account(tmp_path: Path) -> None:
    async with preview_app(tmp_path) as (client, _fake):
        answers = {
            "none": await client.post(PREVIEW, json=move_out()),
            "wrong": await client.post(PREVIEW, json=move_out(account_reference="500000032")),
            "wrong postcode": await client.post(PREVIEW, json=move_out(
                account_reference="500000031", address=_address("31 Acacia Avenue", "ZY9 9ZZ"))),
        }
    for name, answer in answers.items():
        assert answer.status_code == 200, name
        body = answer.json()
        assert (body["bills"], body["digest"]) == ([], None), name
        assert "500000031" not in answer.text, name
        assert "43210" not in answer.text, name
    assert answers["none"].json() == answers["wrong"].json()
    assert answers["none"].json()["status"] == "account_not_confirmed"
    assert answers["wrong postcode"].json()["status"] == "rejected"
    assert [r["code"] for r in answers["wrong postcode"].json()["reasons"]] == ["postcode_mismatch"]


async def test_previews_are_rate_limited_with_the_rest_of_the_intake(tmp_path: Path) -> None:
    async with preview_app(tmp_path, per_minute=1, burst=2) as (client, fake):
        answers = [await client.post(PREVIEW, json=move_in()) for _ in range(3)]
        sending = await client.post("/api/v1/notifications", json=move_in())
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[2].headers["Retry-After"]) >= 1
    assert sending.status_code == 429  # one bucket for the address, previews and notifications alike
    assert fake.records == []


async def test_a_preview_for_another_council_or_without_the_rules_wired_in_is_refused(tmp_path: Path) -> None:
    async with preview_app(tmp_path, wired=False) as (client, _fake):
        other = await client.post(PREVIEW, json={**move_in(), "council_code": "E11111111"})
        unwired = await client.post(PREVIEW, json=move_in())
        invalid = await client.post(PREVIEW, json={"contact": CONTACT, "change": {"kind": "move_in"}})
    assert other.status_code == 422
    assert unwired.status_code == 503
    assert unwired.headers["Retry-After"] == "5"
    assert invalid.status_code == 422


async def test_the_api_docs_describe_the_preview_with_an_example_of_each_kind(tmp_path: Path) -> None:
    async with preview_app(tmp_path) as (client, _fake):
        spec = (await client.get("/openapi.json")).json()
    operation = spec["paths"][PREVIEW]["post"]
    assert "estimate" in operation["description"]
    assert "account_not_confirmed" in operation["description"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert {example["value"]["change"]["kind"] for example in examples.values()} == {
        "move_in", "move_out", "move_within", "single_person_discount", "household_change", "student_exemption",
        "change_of_name", "payment_arrangement"}
    assert "account_reference" not in examples["move_out_without_account_number"]["value"]["change"]
    assert "BillPreview" in spec["components"]["schemas"]
    answers = operation["responses"]["200"]["content"]["application/json"]["examples"]
    assert {name: answer["value"]["status"] for name, answer in answers.items()} == {
        "move_in": "estimate", "move_out": "estimate", "move_out_without_account_number": "account_not_confirmed"}
