"""Settings recorded by local services (the demo, `ctax kafka start`) and how the other commands use them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ctax.admin.users import open_user_store
from ctax.local_kafka import free_port
from ctax.running.local_services import (
    LOCAL_SERVICES_FILE_ENV,
    export_lines,
    forget_settings,
    record_settings,
    recorded_settings,
)
from ctax.settings import Settings
from web.staff_accounts.accounts import Role

REPO_ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def services_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the fallback at a file of this test's own; no CTAX_ variables for the recorded settings."""
    path = tmp_path / "local-services.json"
    monkeypatch.setenv(LOCAL_SERVICES_FILE_ENV, str(path))
    for name in ("CTAX_KAFKA_BOOTSTRAP", "CTAX_REVENUES_DATABASE_URL", "CTAX_WEB_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return path


def _run_ctax(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ctax", *args], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.usefixtures("services_file")
def test_settings_fall_back_to_recorded_values_and_the_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    """A recorded bootstrap is used when CTAX_KAFKA_BOOTSTRAP is unset; an exported one overrides it."""
    assert Settings(_env_file=None).kafka_bootstrap == "127.0.0.1:9092"

    record_settings({"kafka_bootstrap": "127.0.0.1:40123"}, "ctax demo")
    assert Settings(_env_file=None).kafka_bootstrap == "127.0.0.1:40123"

    monkeypatch.setenv("CTAX_KAFKA_BOOTSTRAP", "127.0.0.1:9999")
    assert Settings(_env_file=None).kafka_bootstrap == "127.0.0.1:9999"


def test_forget_removes_only_a_value_nobody_replaced(services_file: Path) -> None:
    """A stopping service forgets its own address, not one a newer service recorded since."""
    record_settings({"kafka_bootstrap": "127.0.0.1:1", "web_database_url": "sqlite:////tmp/w.db"}, "ctax demo")
    forget_settings({"kafka_bootstrap": "127.0.0.1:2"})
    assert recorded_settings(services_file)["kafka_bootstrap"].value == "127.0.0.1:1"

    forget_settings({"kafka_bootstrap": "127.0.0.1:1"})
    assert set(recorded_settings(services_file)) == {"web_database_url"}
    assert recorded_settings(services_file)["web_database_url"].written_by == "ctax demo"


def test_an_empty_file_setting_turns_the_fallback_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """CTAX_LOCAL_SERVICES_FILE='' (as the test suite sets it) means nothing is read or written."""
    monkeypatch.setenv(LOCAL_SERVICES_FILE_ENV, "")

    assert record_settings({"kafka_bootstrap": "127.0.0.1:1"}, "test") is None
    assert recorded_settings() == {}


def test_export_lines_are_shell_quoted() -> None:
    assert export_lines({"kafka_bootstrap": "127.0.0.1:1", "web_database_url": "sqlite:////a b/web.db"}) == [
        "export CTAX_KAFKA_BOOTSTRAP=127.0.0.1:1",
        "export CTAX_WEB_DATABASE_URL='sqlite:////a b/web.db'",
    ]


def test_deadletters_with_the_broker_down_is_one_line_and_a_failure(services_file: Path) -> None:
    """No traceback: one line naming the address, where it came from, and how to start a broker."""
    bootstrap = f"127.0.0.1:{free_port()}"  # nothing listens there
    record_settings({"kafka_bootstrap": bootstrap}, "ctax demo")

    completed = _run_ctax("deadletters", "list", env=dict(os.environ))

    assert completed.returncode == 1
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert f"cannot use Kafka at {bootstrap}" in lines[0]
    assert "recorded by `ctax demo`" in lines[0]
    assert "ctax kafka start" in lines[0]


def test_users_list_reads_the_store_a_local_service_recorded(services_file: Path, tmp_path: Path) -> None:
    """After the demo, `ctax users list` (no CTAX_WEB_DATABASE_URL) shows the demo's users."""
    url = f"sqlite:///{tmp_path}/web.db"
    record_settings({"web_database_url": url}, "ctax demo")
    open_user_store(Settings(_env_file=None)).add("officer", "Demo Officer", Role.STAFF, "a long enough password")

    completed = _run_ctax("users", "list", env=dict(os.environ))

    assert completed.returncode == 0, completed.stderr
    assert "officer" in completed.stdout
    assert services_file.exists()
