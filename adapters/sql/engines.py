"""The one place a database URL becomes an SQLAlchemy engine, for the adapter, the web stores and the tools."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from adapters.sql.connection_errors import install_tls_explanations


def driver_url(url: str) -> str:
    """A ``postgresql://`` URL as SQLAlchemy needs it for psycopg 3; other URLs unchanged."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_database_engine(
    url: str, *, read_only: bool = False, pool_size: int = 5, pre_ping: bool = False, **kwargs: Any
) -> Engine:
    """Create an engine for a database URL.

    SQLite gets WAL, foreign keys and a busy timeout so readers never block writers; ``read_only`` makes the
    connection itself refuse writes (SQLite ``query_only``, PostgreSQL ``default_transaction_read_only``),
    so a bug in a page cannot change an account. Extra keyword arguments go to ``create_engine``. A PostgreSQL
    server whose certificate fails ``sslmode=verify-full`` raises one clear ``DatabaseTlsError``.
    """
    url = driver_url(url)
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": 30}, pool_size=pool_size, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            if read_only:
                cursor.execute("PRAGMA query_only=ON")
            cursor.close()

        return engine
    # TLS settings travel in the URL as libpq keywords (sslmode=verify-full&sslrootcert=/path/ca.pem).
    # No JIT: every statement here is a short batch read or write, and compiling one (PostgreSQL does when its
    # estimate is high, as it is on tables not yet analysed) takes hundreds of milliseconds, far more than running it.
    connect_args: dict[str, Any] = {"options": session_options(url, read_only), **liveness_defaults(url)}
    engine = create_engine(url, pool_size=pool_size, max_overflow=kwargs.pop("max_overflow", pool_size),
                           pool_pre_ping=pre_ping, connect_args=connect_args, **kwargs)
    install_tls_explanations(engine, url)
    return engine


def session_options(url: str, read_only: bool) -> str:
    """The libpq ``options`` for the session: the URL's own (they would otherwise be replaced), then ours."""
    given = make_url(url).query.get("options", "")
    ours = ["-c jit=off", *(["-c default_transaction_read_only=on"] if read_only else [])]
    return " ".join([*([given] if isinstance(given, str) and given else []), *ours])


# libpq waits for ever by default: for a connection (no connect_timeout) and for an answer on a connection whose
# peer vanished without a word (kernel keepalives start after two hours). A worker would then hold its partitions
# and do nothing. With these, a dead server or network is an error within about a minute, and the batch is given
# back as an outage. A value in the URL wins.
LIVENESS = {"connect_timeout": "10", "keepalives": "1", "keepalives_idle": "20", "keepalives_interval": "5",
            "keepalives_count": "4", "tcp_user_timeout": "60000"}


def liveness_defaults(url: str) -> dict[str, str]:
    """The libpq liveness settings the URL does not set itself."""
    given = make_url(url).query
    return {key: value for key, value in LIVENESS.items() if key not in given}


def create_admin_engine(url: str) -> Engine:
    """An engine for server administration (CREATE and DROP DATABASE), which must run outside a transaction."""
    return create_engine(driver_url(url), isolation_level="AUTOCOMMIT", poolclass=NullPool)
