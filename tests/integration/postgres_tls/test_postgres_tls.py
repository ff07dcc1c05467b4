"""PostgreSQL over TLS with sslmode=verify-full, against a cluster that refuses anything but TLS.

Proves: the app's engine factory (the one behind the web stores, the revenues adapter and the tools)
connects with the documented URL settings and the session really is encrypted; the web stores work over
it; a CA that did not sign the server's certificate, or a host name the certificate does not name, fails
at once with one clear DatabaseTlsError; a client that does not ask for TLS is refused by the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from adapters.sql.connection_errors import DatabaseTlsError
from adapters.sql.engines import create_database_engine
from tests.integration.postgres_tls.certificates import make_authority
from tests.integration.postgres_tls.cluster import TlsCluster, tls_only_cluster
from web.stores.database import create_store_engine
from web.stores.sessions import SessionStore

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def cluster() -> Iterator[TlsCluster]:
    with tls_only_cluster() as running:
        yield running


def test_verify_full_connects_and_the_session_is_encrypted(cluster: TlsCluster) -> None:
    engine = create_database_engine(cluster.url())
    try:
        with engine.connect() as conn:
            ssl = conn.execute(text("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).one()
        assert ssl.ssl is True
        assert ssl.version.startswith("TLS")
    finally:
        engine.dispose()


def test_the_web_stores_work_over_tls(cluster: TlsCluster) -> None:
    engine = create_store_engine(cluster.url())
    try:
        sessions = SessionStore(engine, idle=timedelta(minutes=5), lifetime=timedelta(hours=1))
        sessions.create_schema()
        token = sessions.start("officer")
        resumed = sessions.resume(token)
        assert resumed is not None
        assert resumed.username == "officer"
    finally:
        engine.dispose()


def test_an_untrusted_ca_fails_with_one_clear_message(cluster: TlsCluster, tmp_path: Path) -> None:
    stranger = make_authority("someone else's CA").write_certificate(tmp_path / "other-ca.pem")
    engine = create_database_engine(cluster.url(ca_file=stranger))
    with pytest.raises(DatabaseTlsError) as refused:
        engine.connect()
    message = str(refused.value)
    assert message == (f"PostgreSQL at localhost:{cluster.port} refused over TLS: its certificate is not signed "
                       f"by a CA in sslrootcert={stranger}; point sslrootcert at the CA that issued the server's "
                       "certificate")
    engine.dispose()


def test_a_host_name_not_on_the_certificate_fails_with_one_clear_message(cluster: TlsCluster) -> None:
    engine = create_database_engine(cluster.url("127.0.0.1"))  # the certificate names localhost only
    with pytest.raises(DatabaseTlsError, match=r"its certificate is for 'localhost', not '127\.0\.0\.1'"):
        engine.connect()
    engine.dispose()


def test_a_client_without_tls_is_refused(cluster: TlsCluster) -> None:
    engine = create_database_engine(cluster.url(sslmode="disable"))
    with pytest.raises(OperationalError, match="no encryption"):
        engine.connect()
    engine.dispose()
