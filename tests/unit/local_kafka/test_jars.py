"""The jar cache: where it lives, when it counts as complete, and when Maven runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctax.local_kafka import KAFKA_VERSION, MavenNotFoundError, default_cache_dir, fetch_jars, jars_are_cached
from tests.unit.local_kafka.fixtures import fake_executable


def test_cache_dir_follows_ctax_kafka_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """CTAX_KAFKA_CACHE replaces ~/.cache/ctax; the version stays part of the path."""
    monkeypatch.setenv("CTAX_KAFKA_CACHE", str(tmp_path))

    assert default_cache_dir() == tmp_path / f"kafka-{KAFKA_VERSION}" / "libs"


def test_cache_dir_defaults_to_home_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without overrides the jars go to ~/.cache/ctax/kafka-<version>/libs."""
    monkeypatch.delenv("CTAX_KAFKA_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))

    assert default_cache_dir("9.9.9") == tmp_path / ".cache" / "ctax" / "kafka-9.9.9" / "libs"


@pytest.mark.usefixtures("no_java")
def test_fetch_without_maven_gives_a_clear_error(tmp_path: Path) -> None:
    """An empty cache and no mvn on PATH is a MavenNotFoundError explaining what to install."""
    with pytest.raises(MavenNotFoundError, match="apt-get install maven"):
        fetch_jars(tmp_path / "libs")


@pytest.mark.usefixtures("no_java")
def test_complete_cache_needs_neither_maven_nor_network(tmp_path: Path) -> None:
    """A cache whose marker lists jars that are all present is used as it is."""
    libs = tmp_path / "libs"
    libs.mkdir()
    jar = f"kafka_2.13-{KAFKA_VERSION}.jar"
    (libs / jar).write_bytes(b"PK")
    (libs / ".ctax-complete.json").write_text(
        json.dumps({"kafka_version": KAFKA_VERSION, "jars": [jar]}), encoding="utf-8"
    )

    assert fetch_jars(libs) == libs.resolve()


@pytest.mark.usefixtures("no_java")
def test_incomplete_cache_is_fetched_again(tmp_path: Path) -> None:
    """A marker naming a jar that has gone missing means the cache must be refilled."""
    libs = tmp_path / "libs"
    libs.mkdir()
    (libs / ".ctax-complete.json").write_text(
        json.dumps({"kafka_version": KAFKA_VERSION, "jars": ["gone.jar"]}), encoding="utf-8"
    )

    with pytest.raises(MavenNotFoundError):
        fetch_jars(libs)


@pytest.mark.usefixtures("no_java")
def test_cache_from_another_pom_is_fetched_again(tmp_path: Path) -> None:
    """A marker recording a different POM hash means the jar set may differ: fetch again."""
    libs = tmp_path / "libs"
    libs.mkdir()
    jar = f"kafka_2.13-{KAFKA_VERSION}.jar"
    (libs / jar).write_bytes(b"PK")
    (libs / ".ctax-complete.json").write_text(
        json.dumps({"kafka_version": KAFKA_VERSION, "jars": [jar], "pom_sha256": "0" * 64}), encoding="utf-8"
    )

    with pytest.raises(MavenNotFoundError):
        fetch_jars(libs)


def _fake_maven(bin_dir: Path) -> None:
    """Put a ``mvn`` on PATH that "downloads" by creating the Kafka jar in its working directory."""
    script = bin_dir / "mvn"
    script.write_text(f"#!/bin/sh\n: > kafka_2.13-{KAFKA_VERSION}.jar\n", encoding="utf-8")
    script.chmod(0o755)


def test_download_is_announced_only_when_maven_runs(no_java: Path, tmp_path: Path) -> None:
    """on_download is called once for the real fetch, and not at all once the cache is complete."""
    fake_executable(no_java, "java", 'openjdk version "17.0.15" 2025-04-15')
    _fake_maven(no_java)
    libs = tmp_path / "libs"
    announced: list[str] = []

    assert not jars_are_cached(libs)
    fetch_jars(libs, on_download=lambda: announced.append("downloading"))
    fetch_jars(libs, on_download=lambda: announced.append("downloading again"))

    assert announced == ["downloading"]
    assert jars_are_cached(libs)
    assert (libs / f"kafka_2.13-{KAFKA_VERSION}.jar").is_file()
