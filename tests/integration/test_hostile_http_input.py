"""Hostile input at the intake API: each gets a clear 4xx (never a 5xx, never a 202 for garbage), and what is
accepted is stored literally, so nothing reaches the legacy system half-done or as code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.builders import register_property
from tests.integration.running_stack import RunningStack
from tests.integration.test_move_journeys import move_in_body


@pytest.fixture(scope="module")
def stack(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    workdir = tmp_path_factory.mktemp("hostile")
    running = RunningStack(kafka_bootstrap, f"sqlite:///{workdir}/revenues.db", Path(workdir))
    try:
        running.start()
        assert running.revenues is not None
        running.revenues.load_register([register_property("100090000011", line_1="11 Acacia Avenue")], [])
        yield running
    finally:
        running.stop()


def post_raw(stack: RunningStack, content: bytes, content_type: str = "application/json") -> httpx.Response:
    return httpx.post(f"{stack.base_url}/api/v1/notifications", content=content,
                      headers={"content-type": content_type}, timeout=30)


def test_an_oversize_body_is_refused_before_it_is_read(stack: RunningStack) -> None:
    response = post_raw(stack, b'{"contact": "' + b"x" * 200_000 + b'"}')
    assert response.status_code == 413
    assert "bytes or fewer" in response.json()["detail"]


def test_an_oversize_body_sent_without_a_length_is_refused(stack: RunningStack) -> None:
    def chunks() -> Iterator[bytes]:  # a generator body goes out chunked, with no Content-Length
        yield b'{"contact": "'
        for _ in range(50):
            yield b"x" * 10_000
        yield b'"}'

    response = httpx.post(f"{stack.base_url}/api/v1/notifications", content=chunks(),
                          headers={"content-type": "application/json"}, timeout=30)
    assert response.status_code == 413
    assert "bytes or fewer" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_wrong_content_type_is_refused(stack: RunningStack, content_type: str) -> None:
    response = post_raw(stack, json.dumps(move_in_body("100090000011", "11 Acacia Avenue")).encode(), content_type)
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("depth", [50, 5_000, 30_000])
def test_deeply_nested_json_is_a_client_error(stack: RunningStack, depth: int) -> None:
    response = post_raw(stack, b'{"contact": ' + b"[" * depth + b"]" * depth + b"}")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("broken", [b"", b"{", b"null", b"[]", b'"text"', b"\xff\xfe", b'{"contact": NaN}'])
def test_malformed_json_is_a_client_error(stack: RunningStack, broken: bytes) -> None:
    assert 400 <= post_raw(stack, broken).status_code < 500


@pytest.mark.parametrize(("where", "value"), [
    ("name", "Robert'); DROP TABLE account;--"),
    ("name", "=HYPERLINK(\"http://evil\",\"x\")"),
    ("name", "Bob\x00Smith"),
    ("name", "Bob\u202eSmith"),
    ("name", "Bob\nSmith"),
    ("address", "11 Acacia Avenue\r\nX-Injected: yes"),
    ("postcode", "ZY1 5AB; DROP TABLE property"),
    ("uprn", "100090000011 OR 1=1"),
])
def test_injection_and_control_characters_are_refused_on_the_field(stack: RunningStack, where: str,
                                                                     value: str) -> None:
    body: dict[str, Any] = move_in_body("100090000011", "11 Acacia Avenue")
    field = {"name": ("contact", "full_name"), "address": ("change", "address", "line_1"),
             "postcode": ("change", "address", "postcode"), "uprn": ("change", "uprn")}[where]
    target = body
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    response = stack.submit(body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"].startswith(".".join(field[:1]))


def test_sql_in_free_text_is_stored_as_text_and_changes_nothing_else(stack: RunningStack) -> None:
    assert stack.revenues is not None
    body = move_in_body("100090000011", "11 Acacia Avenue")
    body["change"]["previous_address"] = {"line_1": "1 Old Road'; DELETE FROM account; --", "town": "Oldtown",
                                          "postcode": "ZY2 2AB"}
    response = stack.submit(body)
    assert response.status_code == 202, response.text
    assert stack.wait_final(response.json()["notification_id"])["status"] == "applied"
    (account,) = stack.revenues.accounts_at("100090000011")
    assert account.liable_persons == ("Priya Patel",)


def test_too_many_residents_is_refused(stack: RunningStack) -> None:
    body = move_in_body("100090000011", "11 Acacia Avenue",
                        residents=[{"full_name": f"Person {chr(65 + i % 26)}"} for i in range(40)])
    response = stack.submit(body)
    assert response.status_code == 422
    assert "at most 12" in response.text
