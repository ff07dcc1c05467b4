"""Fixtures for the local Kafka runner's unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def no_java(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Hide every real ``java``/``mvn``: JAVA_HOME unset, PATH = one empty directory (returned)."""
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir()
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(empty_bin))
    return empty_bin
