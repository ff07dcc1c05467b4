"""Landlords in Chromium against the running stack: sign in, take the template, upload good, mixed, repeated
and hostile files; every good row reaches the revenues system once, through the same pipeline as residents'."""

from __future__ import annotations

import contextlib
import re
import time
from datetime import date, timedelta

import pytest
from playwright.sync_api import FilePayload, Page, expect

from adapters.revenues_port import RegisterProperty
from tests.browser.pages import assert_accessible, error_summary, screenshot
from tests.browser.staff_pages import PASSWORD, sign_in
from tests.builders import existing_account
from tests.integration.running_stack import RunningStack
from tests.integration.test_move_journeys import TODAY
from tests.unit.web.landlords.hostile_files import styles_bomb, xlsx_text_rows
from web.landlords.template import COLUMN_NAMES
from web.staff_accounts.accounts import Role, UserExistsError
from web.stores.database import create_store_engine
from web.stores.users import UserStore

QUAY_STREET = "ZY6 1AA"
LANDLORD = "acme-lettings"
OWNER = "Acme Lettings Ltd"
STARTED, ENDED = TODAY - timedelta(days=2), TODAY - timedelta(days=3)


def _flat(number: int) -> RegisterProperty:
    uprn = f"1000940000{number:02d}"
    return RegisterProperty(uprn=uprn, property_ref=f"P{uprn[-7:]}", address_line_1=f"{number} Quay Street",
                            address_line_2=None, town="Exampleton", postcode=QUAY_STREET, band="B")


GOOD_START, GOOD_END, MIXED_START, MIXED_END = (_flat(n) for n in range(1, 5))


def _row(change: str, flat: RegisterProperty, when: date, postcode: str = QUAY_STREET) -> str:
    tenants = "Kit Marsh; Lee Marsh" if change == "start" else "Alex Jones"
    forwarding = "12 Long Lane,Elsewhere,SW1A 2AA" if change == "end" else ",,"
    owner = OWNER if change == "end" else ""  # the register does not know: the landlord's row names the owner
    return (f"{change},{when.strftime('%d/%m/%Y')},{flat.uprn},{flat.address_line_1},,Exampleton,{postcode},"
            f"{tenants},tenant@example.com,,{forwarding},,{owner}")


def _csv(*rows: str) -> bytes:
    return "\r\n".join((",".join(COLUMN_NAMES), *rows)).encode()


GOOD = _csv(_row("start", GOOD_START, STARTED), _row("end", GOOD_END, ENDED))
MIXED = _csv(_row("start", MIXED_START, STARTED), _row("start", MIXED_START, STARTED, "NOT A POSTCODE"),
             _row("end", MIXED_END, ENDED))


@pytest.fixture(scope="module", autouse=True)
def quay_street(web_stack: RunningStack) -> None:
    assert web_stack.revenues is not None
    web_stack.revenues.load_register([GOOD_START, GOOD_END, MIXED_START, MIXED_END], [
        existing_account("800000002", GOOD_END.uprn, start=date(2021, 9, 1)),
        existing_account("800000004", MIXED_END.uprn, start=date(2021, 9, 1))])
    engine = create_store_engine(f"sqlite:///{web_stack.workdir}/web.db")
    try:
        with contextlib.suppress(UserExistsError):
            UserStore(engine).add(LANDLORD, "Acme Lettings", Role.LANDLORD, PASSWORD)
    finally:
        engine.dispose()


def _upload(page: Page, name: str, content: bytes, mime: str = "text/csv") -> None:
    page.goto("/landlords")
    page.set_input_files("#file", files=[FilePayload(name=name, mimeType=mime, buffer=content)])
    page.get_by_role("button", name="Upload and send").click()
    page.wait_for_load_state()


def _results(page: Page) -> dict[str, str]:
    """Each row's result once none is waiting: the upload answers before its rows are sent, and the page
    follows them."""
    expect(page.locator("h1")).to_have_text("Results of your upload")
    expect(page.locator("#upload-counts")).to_have_attribute("data-pending", "0", timeout=30_000)
    assert_accessible(page)
    rows = page.locator("#row-results tbody tr")
    return {rows.nth(i).locator("th").inner_text().strip(): rows.nth(i).locator("td").inner_text().strip()
            for i in range(rows.count())}


def _wait_for(check: object, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen within {timeout:.0f}s")


def test_a_landlord_uploads_tenancy_changes(page: Page, web_stack: RunningStack) -> None:
    sign_in(page, LANDLORD)
    expect(page.locator("h1")).to_have_text("Tell us about tenancy changes")
    assert_accessible(page)
    screenshot(page, "80-landlord-upload")
    template = page.request.get("/landlords/template.csv")
    assert template.text().startswith(",".join(COLUMN_NAMES))

    _upload(page, "tenancies.csv", GOOD)
    good = _results(page)
    screenshot(page, "81-landlord-results")
    assert set(good) == {"2", "3"}
    assert all(re.fullmatch(r"CTX-[0-9A-Z]{4}-[0-9A-Z]{4}", ref) for ref in good.values()), good
    first_results = page.url

    _upload(page, "tenancies again.csv", GOOD)  # the same file again: the same results, nothing sent twice
    assert page.url == first_results
    assert _results(page) == good

    _upload(page, "mixed.csv", MIXED)
    mixed = _results(page)
    screenshot(page, "82-landlord-mixed")
    assert mixed["3"] == "Not sent: postcode: Enter a real postcode, like SW1A 2AA"
    assert mixed["2"].startswith("CTX-")
    assert mixed["4"].startswith("CTX-")

    revenues = web_stack.revenues
    assert revenues is not None
    _wait_for(lambda: len(revenues.accounts_at(GOOD_START.uprn)) == 1
              and len(revenues.accounts_at(MIXED_START.uprn)) == 1, "the tenancy starts")
    (started,) = revenues.accounts_at(GOOD_START.uprn)
    assert (started.liability_start, started.liable_persons) == (STARTED, ("Kit Marsh", "Lee Marsh"))
    _wait_for(lambda: (a := revenues.account("800000002")) is not None and a.liability_end is not None,
              "the tenancy end")
    ended = revenues.account("800000002")
    assert ended is not None
    assert ended.liability_end == ENDED - timedelta(days=1)
    # No one moved in: the owner the row named is liable for the empty flat from the day the tenants left.
    owner, _ = revenues.accounts_at(GOOD_END.uprn)
    assert (owner.liable_persons, owner.liability_start, owner.unoccupied_since) == ((OWNER,), ENDED, ENDED)
    time.sleep(2)  # anything sent twice would have been applied by now
    assert len(revenues.accounts_at(GOOD_START.uprn)) == 1
    assert len(revenues.accounts_at(MIXED_START.uprn)) == 1


@pytest.mark.parametrize(("name", "content", "message"), [
    ("formula.csv", _csv(_row("start", GOOD_START, STARTED).replace("Kit Marsh", "=HYPERLINK(\"x\")")),
     "Row 2 has a formula"),
    ("picture.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "The file must be a CSV or an XLSX file"),
    ("huge.csv", b"a" * (600 * 1024), "The file must be smaller than 512 KB"),
    ("styles.xlsx", styles_bomb(), "The workbook is too large: the styles (xl/styles.xml) unpacks to more than 1 MB"),
    ("hidden-formula.xlsx", xlsx_text_rows([_row("start", GOOD_START, STARTED).replace("Kit Marsh", "\u00a0=1+1")
                                            .split(",")]), "Row 2 has a formula in tenant_names"),
])
def test_hostile_files_are_refused_with_a_clear_message(page: Page, name: str, content: bytes, message: str) -> None:
    sign_in(page, LANDLORD)
    _upload(page, name, content)
    assert error_summary(page)[0].startswith(message)
    assert page.title().startswith("Error: ") or "There is a problem" in page.content()
    assert_accessible(page)


def test_a_file_far_over_the_limit_gets_a_page_not_json(page: Page) -> None:
    sign_in(page, LANDLORD)
    _upload(page, "enormous.csv", b"a" * (2 * 1024 * 1024))
    expect(page.locator("h1")).to_have_text("What you sent is too large")
    assert_accessible(page)
