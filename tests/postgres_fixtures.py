"""A real PostgreSQL for tests: a fresh database on the server named by CTAX_TEST_POSTGRES_URL."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from adapters.sql.engines import create_admin_engine, driver_url
from adapters.sql.revenues import SqlRevenuesSystem

ENV = "CTAX_TEST_POSTGRES_URL"


def postgres_server_url() -> str:
    url = os.environ.get(ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{ENV} is not set; .ci/run should start PostgreSQL and set it")
        pytest.skip(f"{ENV} not set (e.g. postgresql://ctax:ctax@127.0.0.1:5432/ctax)")
    if not url.startswith("postgresql") or "\n" in url:
        pytest.fail(f"{ENV} is not one PostgreSQL URL: {url!r}")
    return url


def fresh_database() -> Iterator[str]:
    """Create an empty database, yield its URL, drop it afterwards."""
    server = make_url(driver_url(postgres_server_url()))
    name = f"ctax_test_{uuid.uuid4().hex[:12]}"
    admin = create_admin_engine(postgres_server_url())
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        try:
            _drop(admin, name)
        finally:
            admin.dispose()


def fresh_revenues(options: str = "") -> Iterator[SqlRevenuesSystem]:
    """A revenues system with its schema on a fresh database (dropped afterwards); ``options`` are server
    settings for its sessions, as PostgreSQL's ``options`` connection parameter takes them."""
    for url in fresh_database():
        system = SqlRevenuesSystem.from_url(f"{url}?options={quote(options)}" if options else url)
        system.create_schema()
        try:
            yield system
        finally:
            system.dispose()


def _drop(admin: Engine, name: str, attempts: int = 40) -> None:
    """Drop the database, whoever is connected. A plain DROP first: PostgreSQL itself stops an autovacuum
    worker tidying the tables the test wrote, which FORCE may not (another role's process); FORCE then ends
    the test's own sessions. Either may meet the other case for a moment, so try again."""
    drop = f'DROP DATABASE IF EXISTS "{name}"'
    for attempt in range(attempts):
        for statement in (drop, f"{drop} WITH (FORCE)"):
            try:
                with admin.connect() as conn:
                    conn.execute(text(statement))
                return
            except (ProgrammingError, OperationalError):
                if attempt == attempts - 1 and statement != drop:
                    raise
        time.sleep(0.25)
