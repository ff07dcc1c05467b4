"""The PostgreSQL session settings the adapter's engines ask for, with any the database URL already gives."""

from adapters.sql.engines import session_options


def test_sessions_run_without_jit_and_read_only_when_asked() -> None:
    url = "postgresql+psycopg://ctax:secret@db.example/revenues"
    assert session_options(url, read_only=False) == "-c jit=off"
    assert session_options(url, read_only=True) == "-c jit=off -c default_transaction_read_only=on"


def test_the_urls_own_options_are_kept_before_ours() -> None:
    url = "postgresql+psycopg://ctax:secret@db.example/revenues?options=-c%20search_path%3Dlegacy"
    assert session_options(url, read_only=False) == "-c search_path=legacy -c jit=off"
