"""Staff and ops users in the browser tests: accounts in the web store, signing in, the properties they use."""

from __future__ import annotations

import contextlib
import time
from datetime import date
from typing import Any

from playwright.sync_api import Page

from adapters.revenues_port import RegisterProperty
from tests.integration.running_stack import RunningStack
from web.staff_accounts.accounts import Role, UserExistsError
from web.stores.database import create_store_engine
from web.stores.users import UserStore

PASSWORD = "correct horse battery staple"
OFFICER = ("olive", "Olive Officer", Role.STAFF)
OPERATOR = ("otto", "Otto Operator", Role.OPS)
POSTCODE = "ZY4 1AA"


def staff_property(number: int, band: str = "B") -> RegisterProperty:
    uprn = f"1000920000{number:02d}"
    return RegisterProperty(uprn=uprn, property_ref=f"P{uprn[-7:]}", address_line_1=f"{number} Weavers Row",
                            address_line_2=None, town="Exampleton", postcode=POSTCODE, band=band,
                            owner_name="Weavers Row Estates Ltd")  # liable while a home is empty


def ensure_users(stack: RunningStack) -> None:
    engine = create_store_engine(f"sqlite:///{stack.workdir}/web.db")
    try:
        store = UserStore(engine)
        for username, name, role in (OFFICER, OPERATOR):
            with contextlib.suppress(UserExistsError):
                store.add(username, name, role, PASSWORD)
    finally:
        engine.dispose()


def sign_in(page: Page, username: str) -> None:
    page.goto("/sign-in")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def move_in_body(prop: RegisterProperty, move: date) -> dict[str, Any]:
    return {
        "contact": {"full_name": "Robin Shaw", "email": "robin.shaw@example.com"},
        "change": {"kind": "move_in", "uprn": prop.uprn,
                   "address": {"line_1": prop.address_line_1, "town": prop.town, "postcode": prop.postcode},
                   "move_in_date": move.isoformat(), "tenure": "owner_occupier",
                   "residents": [{"full_name": "Robin Shaw", "date_of_birth": "1985-07-09"}]},
    }


def submit(stack: RunningStack, body: dict[str, Any]) -> dict[str, Any]:
    answer = stack.submit(body)
    assert answer.status_code == 202, answer.text
    return dict(answer.json())


def reload_until(page: Page, selector: str, timeout: float = 60.0) -> None:
    """Reload the page until ``selector`` is on it (for pages that do not refresh themselves)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.locator(selector).count():
            return
        time.sleep(0.5)
        page.reload()
    raise AssertionError(f"{selector} never appeared on {page.url}")
