"""The web side's floors: what each lower package may import, so the layout keeps reading top-down.

Checked from the source (every import, including those inside functions), not hoped for. ``web`` never
imports ``processors``: the two share contracts through ``schemas``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[3] / "web"

# Package -> the web modules it may import (a package name allows all its modules). The packages above
# these (signin, staff_shell, signin_pages, staff, ops, landlords), staff_routes.py and app.py may import
# anything below them (pyproject.toml's import contracts order those); every floor may use the ground floor
# (web.in_thread: blocking calls off the event loop; web.kind_wording: the words for each kind of change).
GROUND = {"web.in_thread", "web.kind_wording"}
LOWER_FLOORS = {
    "http": {"web.http"} | GROUND,
    "staff_accounts": GROUND,
    "stores": {"web.stores", "web.staff_accounts"} | GROUND,  # the user store's records
    "kafka": {"web.kafka", "web.stores"} | GROUND,
    "intake": {"web.intake", "web.kafka", "web.stores"} | GROUND,
    "resident": {"web.resident", "web.intake", "web.http", "web.stores"} | GROUND,
}


@pytest.mark.parametrize("module", sorted(GROUND))
def test_the_ground_floor_imports_nothing_of_the_web_side(module: str) -> None:
    path = WEB / f"{module.removeprefix('web.')}.py"
    assert {name for name in imports(path) if name.startswith("web.")} == set()


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def allowed(module: str, rules: set[str]) -> bool:
    return any(module == rule or module.startswith(f"{rule}.") for rule in rules)


def test_web_never_imports_the_processors() -> None:
    offenders = {f"{path.relative_to(WEB)}: {name}" for path in WEB.rglob("*.py") for name in imports(path)
                 if name == "processors" or name.startswith("processors.")}
    assert offenders == set()


@pytest.mark.parametrize("package", sorted(LOWER_FLOORS))
def test_a_lower_floor_imports_nothing_from_the_floors_above(package: str) -> None:
    offenders = {f"{path.relative_to(WEB)}: {name}" for path in (WEB / package).rglob("*.py")
                 for name in imports(path) if name.startswith("web.") and not allowed(name, LOWER_FLOORS[package])}
    assert offenders == set()
