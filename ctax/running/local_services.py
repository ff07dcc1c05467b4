"""How locally started services tell the other ``ctax`` commands where they are.

``ctax demo`` starts its broker on a random port and keeps its databases under ``var/demo/``;
``ctax kafka start`` picks a port too. Each records the settings that reach it (``kafka_bootstrap``,
``web_database_url``, ...) in one JSON file, by default ``var/local-services.json``, and forgets
them when it stops. The settings read that file after the ``CTAX_*`` environment variables and the
``.env`` file, so an exported variable always wins. ``CTAX_LOCAL_SERVICES_FILE`` names another file;
set to an empty string it turns the fallback off (the test suite does that).
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ctax.local_kafka.files import file_lock, utc_now, write_json_atomically

LOCAL_SERVICES_FILE_ENV: Final = "CTAX_LOCAL_SERVICES_FILE"
DEFAULT_LOCAL_SERVICES_FILE: Final = Path("var/local-services.json")


@dataclass(frozen=True)
class RecordedSetting:
    """One setting a local service recorded: its value, which command wrote it, and when."""

    name: str
    value: str
    written_by: str
    written_at: str


def local_services_file() -> Path | None:
    """Return the file in use: ``$CTAX_LOCAL_SERVICES_FILE`` if set (``None`` if set empty), else the default."""
    configured = os.environ.get(LOCAL_SERVICES_FILE_ENV)
    if configured is None:
        return DEFAULT_LOCAL_SERVICES_FILE
    return Path(configured).expanduser() if configured.strip() else None


def recorded_settings(path: Path | None = None) -> dict[str, RecordedSetting]:
    """Return the recorded settings by name (empty when there is no file or it cannot be read)."""
    path = path if path is not None else local_services_file()
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        name: RecordedSetting(name, entry["value"], str(entry.get("written_by", "?")),
                              str(entry.get("written_at", "?")))
        for name, entry in data.items()
        if isinstance(entry, dict) and isinstance(entry.get("value"), str)
    }


def record_settings(values: Mapping[str, str], written_by: str, path: Path | None = None) -> Path | None:
    """Record ``values`` (setting name -> value) as written by ``written_by``; return the file, if any."""
    path = path if path is not None else local_services_file()
    if path is None:
        return None
    with file_lock(path.with_name(f".{path.name}.lock")):
        data = {name: _entry(setting) for name, setting in recorded_settings(path).items()}
        now = utc_now()
        for name, value in values.items():
            data[name] = {"value": value, "written_by": written_by, "written_at": now}
        write_json_atomically(path, data)
    return path


def forget_settings(values: Mapping[str, str], path: Path | None = None) -> None:
    """Forget each recorded setting that still holds the given value (another service may have replaced it)."""
    path = path if path is not None else local_services_file()
    if path is None or not path.exists():
        return
    with file_lock(path.with_name(f".{path.name}.lock")):
        kept = {name: _entry(setting) for name, setting in recorded_settings(path).items()
                if values.get(name) != setting.value}
        write_json_atomically(path, kept)


def export_lines(values: Mapping[str, str]) -> list[str]:
    """Return ``export CTAX_...=...`` shell lines for ``values`` (setting name -> value)."""
    return [f"export CTAX_{name.upper()}={shlex.quote(value)}" for name, value in values.items()]


def describe_origin(name: str) -> str:
    """Say where the setting ``name`` comes from: its environment variable, a local service, or the default."""
    variable = f"CTAX_{name.upper()}"
    if os.environ.get(variable, "").strip():
        return f"from {variable}"
    setting = recorded_settings().get(name)
    if setting is not None:
        return f"recorded by `{setting.written_by}` at {setting.written_at} in {local_services_file()}"
    return f"the default, as {variable} is not set"


def _entry(setting: RecordedSetting) -> dict[str, str]:
    return {"value": setting.value, "written_by": setting.written_by, "written_at": setting.written_at}
