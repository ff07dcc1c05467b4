"""The landlord pages in-process, with a fake Kafka: good, mixed, repeated, hostile files; only one's own."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from schemas.notification import Channel, MoveIn, MoveOut
from tests.unit.web.fake_kafka import FakeKafka, use_fake_kafka
from tests.unit.web.landlords.files import BAD_POSTCODE, END, START, csv_file, xlsx_file
from tests.unit.web.staff_shell.fixtures import PASSWORD, csrf_token_from, office_of, running, sign_in, staff_shell_app
from web.staff_accounts.accounts import Role


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    return staff_shell_app(tmp_path)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as client:
        office_of(app).users.add("lettings", "Acme Lettings", Role.LANDLORD, PASSWORD)
        office_of(app).users.add("other-agent", "Other Agent", Role.LANDLORD, PASSWORD)
        yield client


@pytest.fixture
def kafka(app: FastAPI, client: httpx.AsyncClient) -> FakeKafka:
    return use_fake_kafka(app)


async def _upload(client: httpx.AsyncClient, name: str, content: bytes) -> httpx.Response:
    token = await csrf_token_from(client, "/landlords")
    return await client.post("/landlords/upload", data={"csrf_token": token}, files={"file": (name, content)})


async def _results(client: httpx.AsyncClient, response: httpx.Response) -> tuple[str, str]:
    assert response.status_code == 303, response.text[:2000]
    location = response.headers["location"]
    page = await client.get(location)
    assert page.status_code == 200
    return location, page.text


def _row_results(html: str) -> dict[int, str]:
    table = html[html.index('id="row-results"'):]
    row = r'<th scope="row" class="govuk-table__header">(\d+)</th>\s*<td class="govuk-table__cell">(.*?)</td>'
    cells = re.findall(row, table, flags=re.S)
    return {int(number): re.sub(r"<[^>]+>", "", text).strip() for number, text in cells}


async def test_a_landlord_signs_in_to_the_upload_page_and_gets_the_templates(client: httpx.AsyncClient) -> None:
    signed_in = await sign_in(client, "lettings")
    assert signed_in.headers["location"] == "/landlords"
    page = await client.get("/landlords")
    assert "Tell us about tenancy changes" in page.text
    assert "tenant_names" in page.text  # the columns are documented on the page
    template = await client.get("/landlords/template.csv")
    assert template.text.startswith("change,date,uprn,")
    assert (await client.get("/landlords/template.xlsx")).content.startswith(b"PK\x03\x04")
    assert (await client.get("/staff/review")).status_code == 403  # a landlord is not an officer


async def test_staff_cannot_upload_for_landlords(client: httpx.AsyncClient) -> None:
    await sign_in(client, "officer")
    assert (await client.get("/landlords")).status_code == 403


async def test_a_good_file_sends_every_row_once_even_when_uploaded_twice(
        client: httpx.AsyncClient, kafka: FakeKafka) -> None:
    await sign_in(client, "lettings")
    location, html = await _results(client, await _upload(client, "tenancies.csv", csv_file(START, END)))
    results = _row_results(html)
    assert set(results) == {2, 3}
    assert all(re.fullmatch(r"CTX-[0-9A-Z]{4}-[0-9A-Z]{4}", ref) for ref in results.values()), results
    assert [type(r.change) for r in kafka.records] == [MoveIn, MoveOut]
    assert {r.channel for r in kafka.records} == {Channel.LANDLORD_BULK}
    again, html_again = await _results(client, await _upload(client, "renamed.csv", csv_file(START, END)))
    assert again == location
    assert _row_results(html_again) == results
    assert len(kafka.records) == 2  # nothing sent twice


async def test_a_mixed_file_sends_the_good_rows_and_lists_the_bad(client: httpx.AsyncClient, kafka: FakeKafka) -> None:
    await sign_in(client, "lettings")
    _, html = await _results(client, await _upload(client, "mixed.xlsx", xlsx_file([
        START.split(","), BAD_POSTCODE.split(","), END.split(",")])))
    results = _row_results(html)
    assert results[3] == "Not sent: postcode: Enter a real postcode, like SW1A 2AA"
    assert results[2].startswith("CTX-")
    assert results[4].startswith("CTX-")
    assert len(kafka.records) == 2


@pytest.mark.parametrize(("name", "content", "message"), [
    ("virus.exe", b"MZ\x90\x00" + b"\x00" * 64, "The file must be a CSV or an XLSX file"),
    ("formula.csv", csv_file(START.replace("Sam Taylor", "=cmd|' /C calc'!A0")), "has a formula"),
    ("huge.csv", b"a" * (512 * 1024 + 10), "smaller than 512 KB"),
])
async def test_hostile_files_are_refused_whole(client: httpx.AsyncClient, kafka: FakeKafka, name: str,
                                               content: bytes, message: str) -> None:
    await sign_in(client, "lettings")
    refused = await _upload(client, name, content)
    assert refused.status_code == 400
    assert message in refused.text
    assert "govuk-error-summary" in refused.text
    assert kafka.records == []


async def test_a_file_far_over_the_limit_is_stopped_before_it_is_read(client: httpx.AsyncClient) -> None:
    await sign_in(client, "lettings")
    refused = await _upload(client, "enormous.csv", b"a" * (2 * 1024 * 1024))
    assert refused.status_code == 413


async def test_rows_kafka_cannot_take_wait_and_are_sent_later(client: httpx.AsyncClient, kafka: FakeKafka) -> None:
    await sign_in(client, "lettings")
    kafka.down = True
    location, html = await _results(client, await _upload(client, "tenancies.csv", csv_file(START, END)))
    assert set(_row_results(html).values()) == {"Waiting to be sent"}  # stored, nothing lost
    kafka.down = False
    token = await csrf_token_from(client, location)
    sent = await client.post(f"{location}/send", data={"csrf_token": token})
    _, html = await _results(client, sent)
    assert all(ref.startswith("CTX-") for ref in _row_results(html).values())
    assert len(kafka.records) == 2


async def test_a_landlord_sees_only_their_own_uploads(client: httpx.AsyncClient, kafka: FakeKafka) -> None:
    await sign_in(client, "lettings")
    location, _ = await _results(client, await _upload(client, "tenancies.csv", csv_file(START)))
    await client.post("/sign-out", data={"csrf_token": await csrf_token_from(client, "/landlords")})
    await sign_in(client, "other-agent")
    assert (await client.get(location)).status_code == 404
    assert "tenancies.csv" not in (await client.get("/landlords")).text
    assert len(kafka.records) == 1
