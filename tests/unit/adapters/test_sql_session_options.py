"""The PostgreSQL session settings the adapter's engines ask for, with any the database URL already gives."""

from adapters.sql.engines import liveness_defaults, session_options


def test_sessions_run_without_jit_and_read_only_when_asked() -> None:
    url = "postgresql+psycopg://ctax:secret@db.example/revenues"
    assert session_options(url, read_only=False) == "-c jit=off"
    assert session_options(url, read_only=True) == "-c jit=off -c default_transaction_read_only=on"


def test_the_urls_own_options_are_kept_before_ours() -> None:
    url = "postgresql+psycopg://ctax:secret@db.example/revenues?options=-c%20search_path%3Dlegacy"
    assert session_options(url, read_only=False) == "-c search_path=legacy -c jit=off"


def test_a_dead_server_or_network_is_noticed_within_about_a_minute() -> None:
    settings = liveness_defaults("postgresql+psycopg://ctax:secret@db.example/revenues")
    assert settings["connect_timeout"] == "10"
    assert settings["keepalives"] == "1"
    noticed_after = (int(settings["keepalives_idle"])
                     + int(settings["keepalives_interval"]) * int(settings["keepalives_count"]))
    assert noticed_after <= 60
    assert int(settings["tcp_user_timeout"]) <= 60_000


def test_the_urls_own_liveness_settings_win() -> None:
    url = "postgresql+psycopg://ctax:secret@db.example/revenues?connect_timeout=3&keepalives_idle=7"
    settings = liveness_defaults(url)
    assert "connect_timeout" not in settings
    assert "keepalives_idle" not in settings
    assert settings["keepalives_count"] == "4"
