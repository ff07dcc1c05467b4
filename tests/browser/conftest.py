"""Browser tests: Debian's Chromium driven by Playwright, against the product running as users run it.

Every test in this folder is marked ``browser`` and ``integration`` (it needs the Kafka broker, see
``tests/conftest.py``). Fixtures:

- ``web_stack`` (session): ``ctax worker`` and ``ctax web`` as real processes on the session's broker, with
  a SQLite revenues database seeded from ``tests/browser/register.py``;
- ``browser`` (package): one headless Chromium (``/usr/bin/chromium``) shared by every test here;
- ``page`` (function): a fresh browser context (its own cookies) and page on ``web_stack``; the test fails
  if the page logged an error, such as a Content-Security-Policy violation.

Helpers for tests live in ``tests/browser/pages.py`` (axe-core checks, screenshots, form filling).

Playwright's sync API keeps an event loop running while the browser is open, so the browser lives only as
long as this folder's tests (async tests elsewhere need the loop to themselves), tests here are plain
functions, and code here uses ``tests.integration.running_stack.run_coroutine`` instead of ``asyncio.run``.
Chromium comes from ``scripts/ensure-chromium`` (``apt-get install chromium``); never ``playwright install``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Response, sync_playwright

from tests.browser.register import ACCOUNTS, PROPERTIES
from tests.integration.running_stack import RunningStack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test collected from this directory with ``browser`` and ``integration``."""
    for item in items:
        if _HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def web_stack(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The worker and the web app against a seeded SQLite revenues database, for the whole session."""
    workdir = tmp_path_factory.mktemp("browser-stack")
    stack = RunningStack(kafka_bootstrap, f"sqlite:///{workdir}/revenues.db", workdir)
    try:
        stack.start()
        assert stack.revenues is not None
        stack.revenues.load_register(PROPERTIES, ACCOUNTS)
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="package")
def playwright_driver() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; scripts/ensure-chromium should have installed it")
        pytest.skip(f"{CHROMIUM} is missing (run scripts/ensure-chromium as root, or apt-get install chromium)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright_driver: Playwright, web_stack: RunningStack) -> Iterator[Browser]:
    """One headless Chromium for every browser test (the stack starts first: it needs asyncio to itself)."""
    launched = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield launched
    finally:
        launched.close()


@contextmanager
def watched_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A new context and page on a web app at ``base_url``; fails the test if the page logged an error."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1024, "height": 900})
    opened = context.new_page()
    errors = watch_for_errors(opened)
    try:
        yield opened
    finally:
        context.close()
    assert not errors, f"the page logged errors: {errors}"


@pytest.fixture
def page(browser: Browser, web_stack: RunningStack) -> Iterator[Page]:
    """A new context and page on the stack's web app; fails the test if the page logged an error."""
    with watched_page(browser, web_stack.base_url) as opened:
        yield opened


def watch_for_errors(page: Page) -> list[str]:
    """Collect the errors a page logs (CSP violations, script errors, failed assets) into the returned list.

    A page that is itself an error page (a form re-shown with 400, a 403 or a 503) makes Chromium log
    "Failed to load resource" for the document; that is the page working as intended, so it is not collected.
    """
    errors: list[str] = []
    documents: set[str] = set()

    def _response(response: Response) -> None:
        if response.request.resource_type == "document":
            documents.add(response.url)

    def _console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and message.location.get("url") in documents:
            return
        errors.append(message.text)

    page.on("response", _response)
    page.on("console", _console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
