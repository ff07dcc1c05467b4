"""Finding Java 17+ and reading its version; ``java`` is a shell-script stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctax.local_kafka import (
    JavaNotFoundError,
    JavaTooOldError,
    LocalKafkaError,
    check_java,
    find_java,
    parse_java_version,
)
from tests.unit.local_kafka.fixtures import fake_executable


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
    fake_executable(no_java, "java", 'openjdk version "11.0.22" 2024-01-16')

    with pytest.raises(JavaTooOldError) as caught:
        check_java()

    message = str(caught.value)
    assert "Java 11" in message
    assert "Java 17+ is required" in message
    assert "apt-get install openjdk-17-jre-headless" in message


def test_java_home_wins_over_path(no_java: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """$JAVA_HOME/bin/java is used even when an (older) java is first on PATH."""
    fake_executable(no_java, "java", 'openjdk version "11.0.22" 2024-01-16')
    java_home = tmp_path / "jdk-21"
    expected = fake_executable(java_home / "bin", "java", 'openjdk version "21.0.5" 2024-10-15')
    monkeypatch.setenv("JAVA_HOME", str(java_home))

    info = check_java()

    assert info.path == expected
    assert info.major == 21
    assert info.version == "21.0.5"
