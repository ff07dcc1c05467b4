"""An app with the staff and ops side for unit tests: SQLite stores, a seeded revenues database, no Kafka."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

import httpx
from fastapi import FastAPI

from adapters.sql.revenues import SqlRevenuesSystem
from schemas.kafka_connection import KafkaConnection
from tests.builders import existing_account, register_property
from web.app import WebConfig, create_app
from web.staff_accounts.accounts import Role
from web.staff_shell.services import StaffShell, StaffShellConfig

PASSWORD = "correct horse battery staple"
OCCUPIED = "100090000021"
VACANT = "100090000022"


def seeded_revenues(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/revenues.db"
    revenues = SqlRevenuesSystem.from_url(url)
    revenues.create_schema()
    revenues.load_register(
        [register_property(OCCUPIED, band="D", line_1="21 Acacia Avenue"),
         register_property(VACANT, band="B", line_1="22 Acacia Avenue")],
        [existing_account("500000021", OCCUPIED, start=date(2021, 3, 1), paid=50000)],
    )
    revenues.dispose()
    return url


def staff_shell_app(tmp_path: Path, *, secure_cookies: bool = False) -> FastAPI:
    return create_app(WebConfig(
        kafka=KafkaConnection("127.0.0.1:1"), council_code="E99999999",
        council_name="Exampleshire District Council", web_database_url=f"sqlite:///{tmp_path}/web.db",
        secret_key=b"k" * 32, secure_cookies=secure_cookies, publish_timeout_seconds=0.5,
        staff_shell=StaffShellConfig(revenues_database_url=seeded_revenues(tmp_path), create_first_admin=False,
                                     metrics_port=0, lag_interval_seconds=60),
    ))


def office_of(app: FastAPI) -> StaffShell:
    office: StaffShell = app.state.staff_shell
    return office


@asynccontextmanager
async def running(app: FastAPI, base_url: str = "http://127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan (stores, followers) and give a client talking to it in-process."""
    async with app.router.lifespan_context(app):
        office = office_of(app)
        office.users.add("officer", "Olive Officer", Role.STAFF, PASSWORD)
        office.users.add("operator", "Otto Operator", Role.OPS, PASSWORD)
        office.users.add("boss", "Ada Admin", Role.ADMIN, PASSWORD)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


async def csrf_token_from(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    token = await csrf_token_from(client, "/sign-in")
    return await client.post("/sign-in", data={"username": username, "password": password, "csrf_token": token})
