"""Unit tests for ctax.local_kafka's Java checks, jar cache and config rendering.

No network, no broker and no real Java are needed: ``java`` and ``mvn`` are replaced by
small shell scripts or hidden by emptying ``PATH`` and ``JAVA_HOME``.
"""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

from ctax.local_kafka import (
    KAFKA_VERSION,
    JavaNotFoundError,
    JavaTooOldError,
    LocalKafka,
    LocalKafkaError,
    MavenNotFoundError,
    check_java,
    default_cache_dir,
    fetch_jars,
    find_java,
    new_cluster_id,
    parse_java_version,
    render_server_properties,
    status_detached,
    stop_detached,
)


def _fake_executable(directory: Path, name: str, stderr_text: str) -> Path:
    """Write an executable ``name`` into ``directory`` that prints ``stderr_text`` to stderr."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / name
    assert "'" not in stderr_text
    # printf is a shell builtin, so this works with PATH pointing at an empty directory.
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' '{stderr_text}' >&2\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


@pytest.fixture
def no_java(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Hide every real ``java``/``mvn``: JAVA_HOME unset, PATH = one empty directory (returned)."""
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir()
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(empty_bin))
    return empty_bin


@pytest.mark.parametrize(
    ("output", "version", "major"),
    [
        (
            'openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)',
            "17.0.15",
            17,
        ),
        ('openjdk version "21" 2023-09-19', "21", 21),
        ('openjdk version "22-ea" 2024-03-19', "22-ea", 22),
        ('openjdk version "11.0.2" 2019-01-15 LTS', "11.0.2", 11),
        ('java version "1.8.0_392"\nJava(TM) SE Runtime Environment (build 1.8.0_392-b08)', "1.8.0_392", 8),
        ('Picked up JAVA_TOOL_OPTIONS: -Xss1m\nopenjdk version "25.0.1" 2025-10-21', "25.0.1", 25),
        ('java version "9"', "9", 9),
    ],
)
def test_parse_java_version(output: str, version: str, major: int) -> None:
    """Both the legacy 1.x and the current version schemes give the right major version."""
    assert parse_java_version(output) == (version, major)


def test_parse_java_version_rejects_garbage() -> None:
    """Output without a version is an error that still says what is required."""
    with pytest.raises(JavaTooOldError, match=r"Java 17\+ is required"):
        parse_java_version("Error: could not open `/usr/lib/jvm/lib/jvm.cfg'")


@pytest.mark.usefixtures("no_java")
def test_missing_java_gives_a_clear_error() -> None:
    """Without JAVA_HOME or java on PATH, the error names the requirement and how to install it."""
    with pytest.raises(JavaNotFoundError) as caught:
        check_java()

    message = str(caught.value)
    assert "Java 17" in message
    assert "apt-get install openjdk-17-jre-headless" in message
    assert isinstance(caught.value, LocalKafkaError)


def test_java_home_without_java_falls_back_to_path_and_says_so(
    no_java: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A JAVA_HOME with no bin/java is mentioned in the not-found message."""
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-such-jdk"))

    with pytest.raises(JavaNotFoundError, match="no-such-jdk"):
        find_java()


def test_old_java_is_rejected(no_java: Path) -> None:
    """Java 8 or 11 on PATH is refused with the install hint."""
    _fake_executable(no_java, "java", 'openjdk version "11.0.22" 2024-01-16')

    with pytest.raises(JavaTooOldError) as caught:
        check_java()

    message = str(caught.value)
    assert "Java 11" in message
    assert "Java 17+ is required" in message
    assert "apt-get install openjdk-17-jre-headless" in message


def test_java_home_wins_over_path(no_java: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """$JAVA_HOME/bin/java is used even when an (older) java is first on PATH."""
    _fake_executable(no_java, "java", 'openjdk version "11.0.22" 2024-01-16')
    java_home = tmp_path / "jdk-21"
    expected = _fake_executable(java_home / "bin", "java", 'openjdk version "21.0.5" 2024-10-15')
    monkeypatch.setenv("JAVA_HOME", str(java_home))

    info = check_java()

    assert info.path == expected
    assert info.major == 21
    assert info.version == "21.0.5"


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


def test_cluster_id_is_a_base64url_uuid() -> None:
    """Cluster ids are 22 base64url characters decoding to 16 bytes, never starting with '-'."""
    for _ in range(200):
        cluster_id = new_cluster_id()
        assert len(cluster_id) == 22
        assert not cluster_id.startswith("-")
        assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_server_properties_suit_a_single_local_node(tmp_path: Path) -> None:
    """The rendered config is a combined KRaft node on 127.0.0.1 with replication factor 1."""
    text = render_server_properties(
        port=19092, controller_port=19093, log_dir=tmp_path / "logs", extra={"num.partitions": "8"}
    )
    settings = dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))

    assert settings["process.roles"] == "broker,controller"
    assert settings["node.id"] == "1"
    assert settings["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert settings["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert settings["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert settings["log.dirs"] == str(tmp_path / "logs")
    assert settings["offsets.topic.replication.factor"] == "1"
    assert settings["transaction.state.log.replication.factor"] == "1"
    assert settings["transaction.state.log.min.isr"] == "1"
    assert settings["group.initial.rebalance.delay.ms"] == "0"
    assert settings["auto.create.topics.enable"] == "true"
    assert settings["num.partitions"] == "8"


def test_unstarted_broker_has_no_bootstrap(tmp_path: Path) -> None:
    """Asking for the address before start() is a LocalKafkaError, not a bogus address."""
    broker = LocalKafka(tmp_path / "kafka")

    assert not broker.is_running()
    assert broker.pid is None
    with pytest.raises(LocalKafkaError, match="start"):
        _ = broker.bootstrap
    assert LocalKafka(tmp_path / "kafka", port=12345).bootstrap == "127.0.0.1:12345"


def test_detached_status_without_state_file(tmp_path: Path) -> None:
    """With no state file the detached broker is reported as not running and stop is a no-op."""
    status = status_detached(tmp_path)

    assert not status.running
    assert not status.ready
    assert status.pid is None
    assert status.state_file == tmp_path / "kafka.json"
    assert stop_detached(tmp_path) is False


def test_detached_status_ignores_a_dead_pid(tmp_path: Path) -> None:
    """A state file naming a process that is gone is reported as not running."""
    (tmp_path / "kafka.json").write_text(
        json.dumps({"pid": 2**22 + 12345, "port": 1, "bootstrap": "127.0.0.1:1", "data_dir": str(tmp_path)}),
        encoding="utf-8",
    )

    status = status_detached(tmp_path)

    assert not status.running
    assert status.bootstrap == "127.0.0.1:1"
    assert status.data_dir == tmp_path
