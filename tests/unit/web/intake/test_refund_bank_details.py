"""Bank details for a refund through the intake API: modulus-checked, sealed before Kafka, masked; refused clearly."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from schemas.bank_details import BankDetailsSealer, new_key
from schemas.modulus_check import load_tables
from schemas.notification import MoveOut
from tests.builders import address, move_in, move_out
from tests.unit.web.fake_kafka import FakeKafka, use_fake_kafka
from tests.unit.web.staff_shell.fixtures import running, staff_shell_app
from web.intake.refund_details import RefundDetails
from web.intake.runtime import WebRuntime

TABLES = Path(__file__).parents[2] / "schemas" / "modulus_tables"
CONTACT = {"full_name": "Robin Moss", "email": "robin@example.com"}
GOOD = {"account_holder": "Robin Moss", "sort_code": "08-99-99", "account_number": "66374958"}  # published: valid
KEY = new_key()


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient, FakeKafka]]:
    app = staff_shell_app(tmp_path)
    async with running(app) as client:
        runtime: WebRuntime = app.state.runtime
        runtime.refunds = RefundDetails(BankDetailsSealer([KEY]), load_tables(TABLES))
        yield app, client, use_fake_kafka(app)


def _body(bank: dict[str, str] | None = GOOD, change: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"contact": CONTACT, "change": change or move_out(address=address())}
    if bank is not None:
        body["refund_bank_account"] = bank
    return dict(json.loads(json.dumps(body, default=str)))  # dates as JSON gives them


async def test_bank_details_reach_kafka_sealed_with_a_masked_form(
        app: tuple[FastAPI, httpx.AsyncClient, FakeKafka]) -> None:
    _, client, kafka = app
    response = await client.post("/api/v1/notifications", json=_body())
    assert response.status_code == 202, response.text
    (sent,) = kafka.records
    assert isinstance(sent.change, MoveOut)
    sealed = sent.change.refund_to
    assert sealed is not None
    assert sealed.masked == "sort code **-**-99, account ****4958"
    wire = sent.model_dump_json()
    assert "66374958" not in wire
    assert "089999" not in wire
    opened = BankDetailsSealer([KEY]).open(sealed)
    assert (opened.account_holder, opened.sort_code, opened.account_number) == ("Robin Moss", "089999", "66374958")


async def test_an_account_number_failing_its_modulus_check_is_refused_and_nothing_sent(
        app: tuple[FastAPI, httpx.AsyncClient, FakeKafka]) -> None:
    _, client, kafka = app
    response = await client.post("/api/v1/notifications", json=_body({**GOOD, "account_number": "66374959"}))
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "refund_bank_account", "account_number"]
    assert error["type"] == "modulus_check_failed"
    assert "do not belong together" in error["msg"]
    assert kafka.records == []


@pytest.mark.parametrize(("body", "loc", "code"), [
    (_body(change={**move_out(address=address()), "refund_to": {"ciphertext": "x", "masked": "y"}}, bank=None),
     ["body", "change", "refund_to"], "refund_to_given"),
])
async def test_sealed_details_from_a_client_are_refused(
        app: tuple[FastAPI, httpx.AsyncClient, FakeKafka], body: dict[str, Any], loc: list[str], code: str) -> None:
    _, client, kafka = app
    response = await client.post("/api/v1/notifications", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc
    assert response.json()["detail"][0]["type"] == code
    assert kafka.records == []


async def test_bank_details_with_another_kind_of_change_are_refused(
        app: tuple[FastAPI, httpx.AsyncClient, FakeKafka]) -> None:
    _, client, kafka = app
    response = await client.post("/api/v1/notifications", json=_body(change=move_in()))
    assert response.status_code == 422
    assert "only taken with a move out" in response.text
    assert kafka.records == []


async def test_without_a_key_and_tables_bank_details_are_not_taken(
        app: tuple[FastAPI, httpx.AsyncClient, FakeKafka]) -> None:
    running_app, client, kafka = app
    running_app.state.runtime.refunds = None
    response = await client.post("/api/v1/notifications", json=_body())
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "refunds_not_offered"
    assert (await client.post("/api/v1/notifications", json=_body(bank=None))).status_code == 202
    assert len(kafka.records) == 1
