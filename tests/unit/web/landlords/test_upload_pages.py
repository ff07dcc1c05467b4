"""The landlord pages in-process, with a fake Kafka: good, mixed, repeated, hostile files; only one's own."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import cast

import httpx
import pytest
from fastapi import FastAPI

from schemas.notification import Channel, MoveIn, MoveOut
from tests.unit.web.fake_kafka import FakeKafka, use_fake_kafka
from tests.unit.web.landlords.files import BAD_POSTCODE, END, START, csv_file, xlsx_file
from tests.unit.web.landlords.hostile_files import (
    chart_only,
    hidden_first_sheet,
    macro_workbook,
    styles_bomb,
    xlsx_text_rows,
)
from tests.unit.web.staff_shell.fixtures import PASSWORD, csrf_token_from, office_of, running, sign_in, staff_shell_app
from web.intake.publisher import NotificationPublisher
from web.intake.runtime import WebRuntime
from web.landlords import parse_process
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


async def _results(client: httpx.AsyncClient, response: httpx.Response, *, sent: bool = True) -> tuple[str, str]:
    """The upload's result page; with ``sent``, once no row is waiting (they are sent in the background)."""
    assert response.status_code == 303, response.text[:2000]
    location = response.headers["location"]
    for _ in range(100):
        page = await client.get(location)
        assert page.status_code == 200
        if not sent or 'data-pending="0"' in page.text:
            return location, page.text
        await asyncio.sleep(0.05)
    raise AssertionError("the rows were not sent within 5 seconds")


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
    assert isinstance(kafka.records[0].change, MoveIn)
    assert isinstance(kafka.records[1].change, MoveOut)
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
    location, html = await _results(client, await _upload(client, "tenancies.csv", csv_file(START, END)), sent=False)
    assert set(_row_results(html).values()) == {"Waiting to be sent"}  # stored, nothing lost
    assert "Send waiting rows now" in html
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


@pytest.mark.parametrize(("name", "build", "message"), [
    ("styles.xlsx", styles_bomb, "the styles (xl/styles.xml) unpacks to more than 1 MB"),
    ("formula.xlsx", lambda: xlsx_text_rows([START.replace("Sam Taylor", "\u00a0=HYPERLINK(\"x\")").split(",")]),
     "Row 2 has a formula in tenant_names"),
    ("macros.xlsx", macro_workbook, "macro-enabled workbook (.xlsm)"),
    ("chart.xlsx", chart_only, "no visible sheet of rows"),
])
async def test_hostile_workbooks_are_refused_whole_with_one_sentence(
        client: httpx.AsyncClient, kafka: FakeKafka, name: str, build: Callable[[], bytes], message: str) -> None:
    await sign_in(client, "lettings")
    refused = await _upload(client, name, build())
    assert refused.status_code == 400
    assert message in refused.text
    assert kafka.records == []
    assert "Your uploads" in refused.text
    assert name not in refused.text  # nothing of a refused file is kept


async def test_the_rows_sent_are_those_of_the_visible_sheet(client: httpx.AsyncClient, kafka: FakeKafka) -> None:
    await sign_in(client, "lettings")
    _, html = await _results(client, await _upload(client, "hidden.xlsx", hidden_first_sheet()))
    assert set(_row_results(html)) == {2}
    (record,) = kafka.records
    assert isinstance(record.change, MoveOut)


async def test_a_long_file_name_is_kept_short(client: httpx.AsyncClient, kafka: FakeKafka) -> None:
    await sign_in(client, "lettings")
    _, html = await _results(client, await _upload(client, "C:\\lettings\\" + "q" * 150 + ".csv", csv_file(START)))
    assert "C:" not in html
    assert "q" * 89 + "…" in html
    assert "q" * 100 not in html


async def test_when_every_reader_is_busy_the_landlord_is_told_to_try_again(
        client: httpx.AsyncClient, kafka: FakeKafka, monkeypatch: pytest.MonkeyPatch) -> None:
    await sign_in(client, "lettings")
    monkeypatch.setattr(parse_process, "SLOT_WAIT_SECONDS", 0.1)
    held = [parse_process._slots.acquire(blocking=False) for _ in range(parse_process.MAX_CONCURRENT_PARSES)]
    try:
        busy = await _upload(client, "tenancies.csv", csv_file(START))
    finally:
        for _ in range(sum(held)):
            parse_process._slots.release()
    assert busy.status_code == 503
    assert "Try again in a minute" in busy.text
    assert kafka.records == []


class GatedKafka(FakeKafka):
    """Kafka that takes nothing until the gate opens."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def publish(self, key: bytes, value: bytes) -> None:
        await self.gate.wait()
        await super().publish(key, value)


async def test_the_upload_answers_before_its_rows_are_sent_and_the_page_follows_them(
        app: FastAPI, client: httpx.AsyncClient) -> None:
    gated = GatedKafka()
    runtime: WebRuntime = app.state.runtime
    runtime.publisher = cast(NotificationPublisher, gated)
    await sign_in(client, "lettings")
    answered = await asyncio.wait_for(_upload(client, "tenancies.csv", csv_file(START, END)), 10)
    location, html = await _results(client, answered, sent=False)
    assert set(_row_results(html).values()) == {"Waiting to be sent"}
    assert f'data-progress="{location}/progress"' in html
    assert "landlord-upload-progress.js" in html
    gated.gate.set()
    await client.post(f"{location}/send", data={"csrf_token": await csrf_token_from(client, location)})
    for _ in range(100):
        progress = await client.get(f"{location}/progress")
        if 'data-pending="0"' in progress.text:
            break
        await asyncio.sleep(0.05)
    assert "<html" not in progress.text  # the fragment the page swaps in
    assert all(ref.startswith("CTX-") for ref in _row_results(progress.text).values())
    assert len(gated.records) == 2
