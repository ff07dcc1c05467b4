"""A real PostgreSQL for tests: a fresh database on the server named by CTAX_TEST_POSTGRES_URL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from adapters.sql.engines import create_admin_engine, driver_url

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
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
