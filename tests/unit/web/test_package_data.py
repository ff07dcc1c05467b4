"""The wheel ships every template and static file the web app reads (pyproject package-data for ``web``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WEB = ROOT / "web"


def test_package_data_covers_every_template_and_static_file() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["web"]
    shipped = {path for pattern in patterns for path in WEB.glob(pattern) if path.is_file()}
    needed = {path for folder in ("templates", "static") for path in (WEB / folder).rglob("*") if path.is_file()}
    assert needed, "web/templates and web/static should not be empty"
    assert sorted(str(p.relative_to(WEB)) for p in needed - shipped) == []
