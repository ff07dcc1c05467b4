"""What browser tests do on a page: check it with axe-core, save a screenshot, fill GOV.UK form parts."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"


@cache
def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        raise FileNotFoundError(f"{AXE_SCRIPT} is missing: run scripts/setup (npm ci installs axe-core)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now and return its violations (all rules that axe runs by default).

    axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy does not cover,
    so the policy stays as strict in the tests as in production.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source() + "\n;undefined")
    result: dict[str, Any] = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return list(result["violations"])


def assert_accessible(page: Page) -> None:
    """Fail with a readable list if axe-core finds any violation on the page."""
    violations = axe_violations(page)
    summary = [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
                "targets": [node["target"] for node in v["nodes"]][:5]} for v in violations]
    assert not violations, f"axe-core violations on {page.url}:\n{json.dumps(summary, indent=1)}"


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot to var/screenshots/<name>.png (for people to look at; not compared)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def fill_date(page: Page, prefix: str, value: date) -> None:
    """Fill a GOV.UK date input whose fields are ``prefix-day``, ``prefix-month`` and ``prefix-year``."""
    page.fill(f"#{prefix}-day", str(value.day))
    page.fill(f"#{prefix}-month", str(value.month))
    page.fill(f"#{prefix}-year", str(value.year))


def error_summary(page: Page) -> list[str]:
    """The messages in the page's error summary, in order."""
    return [text.strip() for text in page.locator(".govuk-error-summary__list li").all_inner_texts()]


def inline_errors(page: Page) -> list[str]:
    """The inline error messages next to the fields, without the visually hidden 'Error:' prefix."""
    return [text.replace("Error:", "").strip() for text in page.locator(".govuk-error-message").all_inner_texts()]


def heading(page: Page) -> str:
    """The page's main heading (an h1, or a legend or label that is the page heading)."""
    return page.locator("h1").first.inner_text().strip()
