"""Signing in and out: cookies, sessions, throttling, safe redirects."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.unit.web.staff_shell.fixtures import PASSWORD, csrf_token_from, running, sign_in, staff_shell_app


async def test_an_officer_signs_in_and_lands_on_the_workspace(tmp_path: Path) -> None:
    async with running(staff_shell_app(tmp_path)) as client:
        answer = await sign_in(client, "officer")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/staff"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("ctax_session=")
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" not in cookie  # CTAX_WEB_SECURE_COOKIES=false, as on plain http://127.0.0.1
        page = await client.get("/staff")
        assert page.status_code == 200
        assert "Olive Officer" in page.text


async def test_secure_cookies_are_host_prefixed_and_secure(tmp_path: Path) -> None:
    async with running(staff_shell_app(tmp_path, secure_cookies=True), base_url="https://testserver") as client:
        answer = await sign_in(client, "operator")
        assert answer.headers["location"] == "/ops"
        cookie = next(c for c in answer.headers.get_list("set-cookie") if "ctax_session" in c)
        assert cookie.startswith("__Host-ctax_session=")
        assert "Secure" in cookie
        assert "HttpOnly" in cookie


async def test_wrong_passwords_are_refused_then_throttled(tmp_path: Path) -> None:
    async with running(staff_shell_app(tmp_path)) as client:
        for _ in range(5):
            refused = await sign_in(client, "officer", "not the password!")
            assert refused.status_code == 400
            assert "Enter a correct username and password" in refused.text
        throttled = await sign_in(client, "officer")  # even the right password waits now
        assert throttled.status_code == 429
        assert "Too many failed attempts" in throttled.text
        assert "set-cookie" not in throttled.headers or "ctax_session" not in throttled.headers["set-cookie"]


async def test_unknown_users_get_the_same_answer(tmp_path: Path) -> None:
    async with running(staff_shell_app(tmp_path)) as client:
        answer = await sign_in(client, "nobody", PASSWORD)
        assert answer.status_code == 400
        assert "Enter a correct username and password" in answer.text


async def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(tmp_path: Path) -> None:
    async with running(staff_shell_app(tmp_path)) as client:
        first = await client.get("/staff/review")
        assert first.status_code == 303
        assert first.headers["location"] == "/sign-in?next=/staff/review"
        token = await csrf_token_from(client, "/sign-in?next=/staff/review")
        back = await client.post("/sign-in", data={"username": "officer", "password": PASSWORD,
                                                   "csrf_token": token, "next": "/staff/review"})
        assert back.headers["location"] == "/staff/review"
        await client.post("/sign-out", data={"csrf_token": token})
        away = await client.post("/sign-in", data={"username": "officer", "password": PASSWORD,
                                                   "csrf_token": token, "next": "//evil.example/"})
        assert away.headers["location"] == "/staff"


async def test_signing_out_ends_the_session_on_the_server(tmp_path: Path) -> None:
    async with running(staff_shell_app(tmp_path)) as client:
        await sign_in(client, "officer")
        token = client.cookies["ctax_session"]
        csrf = await csrf_token_from(client, "/staff")
        out = await client.post("/sign-out", data={"csrf_token": csrf})
        assert out.status_code == 303
        assert (await client.get("/staff")).status_code == 303
        # The old cookie value no longer works either (the session was deleted, not just the cookie).
        client.cookies.set("ctax_session", token)
        assert (await client.get("/staff")).status_code == 303


async def test_sign_in_without_the_form_token_is_refused(tmp_path: Path) -> None:
    async with running(staff_shell_app(tmp_path)) as client:
        await client.get("/sign-in")
        answer = await client.post("/sign-in", data={"username": "officer", "password": PASSWORD})
        assert answer.status_code == 403


async def test_api_callers_get_401_not_a_redirect(tmp_path: Path) -> None:
    async with running(staff_shell_app(tmp_path)) as client:
        answer = await client.get("/staff/api/updates")
        assert answer.status_code == 401
        assert answer.json()["detail"] == "Sign in first"
        await sign_in(client, "operator")
        assert (await client.get("/staff/api/updates")).status_code == 403


def _unused(_: httpx.Response) -> None:
    """Keeps httpx imported for type checkers in this module's helpers."""
