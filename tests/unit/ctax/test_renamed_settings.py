"""Renamed settings: the old name is still read, with a warning, and the new one wins."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ctax.settings import Settings


def test_the_old_revenues_database_variable_is_still_read_with_a_warning(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv("CTAX_REVENUES_DATABASE_URL", raising=False)
    monkeypatch.setenv("CTAX_DATABASE_URL", "sqlite:///old-name.db")
    with caplog.at_level(logging.WARNING, logger="ctax.settings"):
        settings = Settings(_env_file=None)
    assert settings.revenues_database_url == "sqlite:///old-name.db"
    (warning,) = [record.getMessage() for record in caplog.records if record.name == "ctax.settings"]
    assert "CTAX_DATABASE_URL" in warning
    assert "CTAX_REVENUES_DATABASE_URL" in warning


def test_the_new_name_wins_over_the_old(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTAX_DATABASE_URL", "sqlite:///old-name.db")
    monkeypatch.setenv("CTAX_REVENUES_DATABASE_URL", "sqlite:///new-name.db")
    assert Settings(_env_file=None).revenues_database_url == "sqlite:///new-name.db"


def test_the_old_keyword_is_still_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CTAX_REVENUES_DATABASE_URL", raising=False)
    assert Settings(_env_file=None, database_url="sqlite:///kw.db").revenues_database_url == "sqlite:///kw.db"


def test_the_old_variable_in_a_dotenv_file_is_still_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CTAX_REVENUES_DATABASE_URL", raising=False)
    monkeypatch.delenv("CTAX_DATABASE_URL", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("CTAX_DATABASE_URL=sqlite:///from-dotenv.db\n")
    assert Settings(_env_file=env_file).revenues_database_url == "sqlite:///from-dotenv.db"
