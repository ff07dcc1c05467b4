"""A pristine copy of the seeded revenues database for every benchmark phase (SQLite file or PostgreSQL)."""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from adapters.sql.engines import create_admin_engine, driver_url
from adapters.sql.revenues import SqlRevenuesSystem


class BenchDatabase:
    def __init__(self, workdir: Path, postgres_url: str | None) -> None:
        self._workdir = workdir
        self._server = postgres_url
        self._template = f"ctax_bench_{uuid.uuid4().hex[:8]}"
        self._made: list[str] = []

    @property
    def kind(self) -> str:
        return "postgresql" if self._server else "sqlite"

    def template_url(self) -> str:
        if self._server is None:
            return f"sqlite:///{self._workdir}/template.db"
        self._create(self._template)
        return self._url(self._template)

    def server_version(self) -> str:
        if self._server is None:
            import sqlite3

            return f"SQLite {sqlite3.sqlite_version}"
        engine = create_admin_engine(self._server)
        with engine.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar_one())
        engine.dispose()
        return f"PostgreSQL {version}"

    def fresh(self, name: str) -> str:
        """A new database holding exactly what the template holds."""
        if self._server is None:
            target = self._workdir / f"{name}.db"
            shutil.copyfile(self._workdir / "template.db", target)
            return f"sqlite:///{target}"
        database = f"{self._template}_{name}"
        self._create(database, template=self._template)
        return self._url(database)

    def drop_all(self) -> list[str]:
        """Drop every database this run made; return the names that could not be dropped (never raise, so a
        finished run's figures are never lost to clean-up).

        A plain DROP first: PostgreSQL itself stops an autovacuum worker busy on the database, which
        ``WITH (FORCE)`` would refuse to do for a role without pg_signal_backend. FORCE is the fallback for
        a connection a killed worker left behind."""
        if self._server is None:
            return []
        left: list[str] = []
        engine = create_admin_engine(self._server)
        try:
            with engine.connect() as conn:
                for database in reversed(self._made):
                    if not _drop(conn, database):
                        left.append(database)
        except DBAPIError:
            left = list(self._made)
        finally:
            engine.dispose()
        return left

    def _create(self, database: str, template: str | None = None) -> None:
        assert self._server is not None
        engine = create_admin_engine(self._server)
        with engine.connect() as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{database}"{suffix}'))
        engine.dispose()
        self._made.append(database)

    def _url(self, database: str) -> str:
        assert self._server is not None
        return make_url(driver_url(self._server)).set(database=database).render_as_string(hide_password=False)



def _drop(conn: Connection, database: str) -> bool:
    drop = f'DROP DATABASE IF EXISTS "{database}"'
    for attempt in range(5):
        for statement in (drop, f"{drop} WITH (FORCE)"):
            try:
                conn.execute(text(statement))
                return True
            except DBAPIError:
                continue
        time.sleep(0.5 * (attempt + 1))
    return False


def seed_template(url: str, seed: Callable[[SqlRevenuesSystem], None]) -> None:
    revenues = SqlRevenuesSystem.from_url(url)
    revenues.create_schema()
    seed(revenues)
    revenues.dispose()
