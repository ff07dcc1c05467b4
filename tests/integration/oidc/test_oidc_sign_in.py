"""Staff sign in through a real OpenID Provider (oidc-provider, run by Node): the whole code flow with PKCE.

Proves: a person whose ID token maps to a role gets a session and lands on their pages; a token minted for
another client (wrong audience) and an expired token are refused; a callback replayed, or arriving in a
browser that did not start the sign-in, is refused; a person with no mapped role sees a page saying so and
gets no session; with ``password_sign_in`` off the password form is refused.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from schemas.kafka_connection import KafkaConnection
from tests.integration.oidc.fixtures import (
    CLIENT_ID,
    REDIRECT_URI,
    running_provider,
    sign_in_at_provider,
)
from tests.unit.web.staff_shell.fixtures import PASSWORD, csrf_token_from, office_of, running, seeded_revenues
from web.app import WebConfig, create_app
from web.signin.oidc_client import OidcConfig, OidcSignIn, OidcSignInError
from web.staff_shell.services import StaffShellConfig


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with running_provider() as url:
        yield url


def oidc_config(issuer: str, client_id: str = CLIENT_ID) -> OidcConfig:
    return OidcConfig(issuer=issuer, client_id=client_id, client_secret=f"{client_id}-secret",
                      redirect_uri=REDIRECT_URI, display_name="Exampleshire staff account")


def oidc_app(tmp_path: Path, issuer: str, *, password_sign_in: bool = True) -> FastAPI:
    return create_app(WebConfig(
        kafka=KafkaConnection("127.0.0.1:1"), council_code="E99999999",
        council_name="Exampleshire District Council", web_database_url=f"sqlite:///{tmp_path}/web.db",
        secret_key=b"k" * 32, secure_cookies=False, publish_timeout_seconds=0.5,
        staff_shell=StaffShellConfig(revenues_database_url=seeded_revenues(tmp_path), create_first_admin=False,
                                     metrics_port=0, lag_interval_seconds=60, password_sign_in=password_sign_in,
                                     oidc=oidc_config(issuer)),
    ))


async def start(client: httpx.AsyncClient, next_path: str = "") -> str:
    """Press "Sign in with ..." and return the provider's authorization URL the app redirects to."""
    page = await client.get("/sign-in")
    assert "Sign in with Exampleshire staff account" in page.text
    answer = await client.get("/sign-in/oidc" + (f"?next={next_path}" if next_path else ""))
    assert answer.status_code == 303
    return answer.headers["location"]


async def test_an_officer_signs_in_through_the_provider(tmp_path: Path, issuer: str) -> None:
    async with running(oidc_app(tmp_path, issuer)) as client:
        authorization = await start(client, "/staff/review")
        query = parse_qs(urlsplit(authorization).query)
        assert authorization.startswith(f"{issuer}/auth?")
        assert query["code_challenge_method"] == ["S256"]
        assert query["client_id"] == [CLIENT_ID]
        assert len(query["state"][0]) >= 32
        assert len(query["nonce"][0]) >= 32
        callback = await sign_in_at_provider(authorization, "officer")
        answer = await client.get(callback.removeprefix("http://127.0.0.1"))
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == "/staff/review"
        page = await client.get("/staff")
        assert page.status_code == 200
        assert "Olive Officer" in page.text
        assert (await client.get("/ops")).status_code == 403  # the staff role, not ops


async def test_roles_come_from_the_configured_claim(tmp_path: Path, issuer: str) -> None:
    async with running(oidc_app(tmp_path, issuer)) as client:
        callback = await sign_in_at_provider(await start(client), "operator")
        answer = await client.get(callback.removeprefix("http://127.0.0.1"))
        assert answer.headers["location"] == "/ops"
        assert (await client.get("/ops")).status_code == 200


async def test_a_person_without_a_role_is_refused_with_a_clear_page(tmp_path: Path, issuer: str) -> None:
    async with running(oidc_app(tmp_path, issuer)) as client:
        callback = await sign_in_at_provider(await start(client), "visitor")
        answer = await client.get(callback.removeprefix("http://127.0.0.1"))
        assert answer.status_code == 403
        assert "You do not have access to this service" in answer.text
        assert "Vic Visitor" in answer.text
        assert "ctax_session" not in client.cookies
        assert (await client.get("/staff")).status_code == 303  # still sent to sign in


async def test_a_replayed_callback_is_refused(tmp_path: Path, issuer: str) -> None:
    async with running(oidc_app(tmp_path, issuer)) as client:
        authorization = await start(client)
        state = client.cookies["ctax_oidc_state"]
        callback = (await sign_in_at_provider(authorization, "officer")).removeprefix("http://127.0.0.1")
        assert (await client.get(callback)).status_code == 303
        await client.post("/sign-out", data={"csrf_token": await _csrf(client)})
        client.cookies.set("ctax_oidc_state", state)  # an attacker who kept the cookie and the URL
        replayed = await client.get(callback)
        assert replayed.status_code == 400
        assert "already been used or is too old" in replayed.text
        assert (await client.get("/staff")).status_code == 303


async def test_a_callback_in_a_browser_that_did_not_start_the_sign_in_is_refused(tmp_path: Path, issuer: str) -> None:
    async with running(oidc_app(tmp_path, issuer)) as client:
        callback = (await sign_in_at_provider(await start(client), "officer")).removeprefix("http://127.0.0.1")
        client.cookies.clear()  # the victim's browser: it never started this sign-in (login CSRF)
        refused = await client.get(callback)
        assert refused.status_code == 400
        assert "ctax_session" not in client.cookies


async def _provider_id_token(issuer: str, client_id: str, nonce: str) -> str:
    """Run the code flow for ``client_id`` directly and return the ID token the provider issued."""
    provider = OidcSignIn(oidc_config(issuer, client_id))
    verifier = secrets.token_urlsafe(48)
    callback = await sign_in_at_provider(
        await provider.authorization_url(state="s" * 32, nonce=nonce, code_verifier=verifier), "officer")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    metadata = await provider._discover()
    async with httpx.AsyncClient() as http:
        answer = await http.post(metadata["token_endpoint"], auth=(client_id, f"{client_id}-secret"), data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier})
    token: str = answer.json()["id_token"]
    return token


async def test_a_token_for_another_audience_is_refused(issuer: str) -> None:
    nonce = secrets.token_urlsafe(32)
    token = await _provider_id_token(issuer, "another-service", nonce)
    ours = OidcSignIn(oidc_config(issuer))
    with pytest.raises(OidcSignInError, match=r"claim does not match .*aud"):
        await ours.verify_id_token(token, nonce=nonce)
    mine = await _provider_id_token(issuer, CLIENT_ID, nonce)
    assert (await ours.verify_id_token(mine, nonce=nonce))["sub"] == "officer"  # the same check passes ours


async def test_an_expired_token_and_a_wrong_nonce_are_refused(issuer: str) -> None:
    nonce = secrets.token_urlsafe(32)
    token = await _provider_id_token(issuer, CLIENT_ID, nonce)
    two_hours_on = OidcSignIn(oidc_config(issuer), clock=lambda: time.time() + 7200)  # the ID token lives 1 hour
    with pytest.raises(OidcSignInError, match="expired"):
        await two_hours_on.verify_id_token(token, nonce=nonce)
    with pytest.raises(OidcSignInError, match=r"claim does not match .*nonce"):
        await OidcSignIn(oidc_config(issuer)).verify_id_token(token, nonce="another nonce")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(OidcSignInError, match="signature"):
        await OidcSignIn(oidc_config(issuer)).verify_id_token(tampered, nonce=nonce)


async def test_an_expired_token_at_the_callback_gives_no_session(tmp_path: Path, issuer: str) -> None:
    app = oidc_app(tmp_path, issuer)
    async with running(app) as client:
        office_of(app).oidc = OidcSignIn(oidc_config(issuer), clock=lambda: time.time() + 7200)
        callback = await sign_in_at_provider(await start(client), "officer")
        answer = await client.get(callback.removeprefix("http://127.0.0.1"))
        assert answer.status_code == 400
        assert "We could not confirm who you are" in answer.text
        assert "ctax_session" not in client.cookies


async def test_passwords_can_be_turned_off(tmp_path: Path, issuer: str) -> None:
    async with running(oidc_app(tmp_path, issuer, password_sign_in=False)) as client:
        page = await client.get("/sign-in")
        assert 'name="password"' not in page.text
        token = await csrf_token_from(client, "/status")  # the sign-in page has no form to take one from
        refused = await client.post("/sign-in", data={"username": "officer", "password": PASSWORD,
                                                      "csrf_token": token})
        assert refused.status_code == 403
        assert "ctax_session" not in client.cookies


async def _csrf(client: httpx.AsyncClient) -> str:
    page = await client.get("/staff")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


async def test_an_unreachable_provider_gives_a_clear_page_not_an_error(tmp_path: Path) -> None:
    async with running(oidc_app(tmp_path, "http://127.0.0.1:1")) as client:
        answer = await client.get("/sign-in/oidc")
        assert answer.status_code == 503
        assert "We cannot reach Exampleshire staff account" in answer.text
