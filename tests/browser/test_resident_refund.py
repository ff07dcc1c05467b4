"""Moving out with a final bill in credit, giving a bank account for the refund, in a real browser (axe-clean).

This module runs its own worker and web app: the council here takes bank details (a key and the modulus tables
are configured), which the session's stack does not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from adapters.revenues_port import RegisterProperty
from tests.browser.conftest import watched_page
from tests.browser.pages import error_summary
from tests.browser.resident_journey import Resident, wait_for_status
from tests.builders import BANK_KEY, RULES, existing_account
from tests.integration.running_stack import RunningStack
from tests.integration.test_move_journeys import TODAY
from tests.unit.rules.ledger_reading import Liability, year_charge_pence

TABLES = Path(__file__).parents[1] / "unit" / "schemas" / "modulus_tables"
BANK_LANE = "ZY3 7GG"
HOME = RegisterProperty(uprn="100091000071", property_ref="P1000071", address_line_1="7 Bank Lane",
                        address_line_2=None, town="Exampleton", postcode=BANK_LANE, band="D",
                        owner_name="Bank Lane Homes Ltd")  # the register knows the owner: no landlord question
ACCOUNT, START = "600000071", date(2020, 6, 1)
MOVED = TODAY - timedelta(days=5)
YEAR = MOVED.year if MOVED.month >= 4 else MOVED.year - 1
CREDIT = 4321


@pytest.fixture(scope="module")
def refund_stack(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    workdir = tmp_path_factory.mktemp("refund-stack")
    stack = RunningStack(kafka_bootstrap, f"sqlite:///{workdir}/revenues.db", workdir, extra_env={
        "CTAX_BANK_DETAILS_KEYS": BANK_KEY, "CTAX_MODULUS_TABLES_DIR": str(TABLES)})
    kept = year_charge_pence(Liability(START, MOVED - timedelta(days=1), "D", ((START, 0),)), YEAR,
                             RULES.band_d_pence[YEAR])
    try:
        stack.start()
        assert stack.revenues is not None
        stack.revenues.load_register([HOME], [existing_account(ACCOUNT, HOME.uprn, start=START, paid=kept + CREDIT,
                                                               paid_year=YEAR)])
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def refund_page(browser: Browser, refund_stack: RunningStack) -> Iterator[Page]:
    with watched_page(browser, refund_stack.base_url) as opened:
        yield opened


def test_moving_out_with_a_bank_account_for_the_credit(refund_page: Page, refund_stack: RunningStack) -> None:
    page = refund_page
    resident = Resident(page, screenshots={"If your final bill is in credit": "25-move-out-refund",
                                           "Check your answers": "26-move-out-refund-check-answers"})
    resident.start()
    resident.choose_kind("Moving out of the area")
    resident.find_address(BANK_LANE, HOME.address_line_1)
    resident.move_date("When did you move out?", MOVED)
    resident.forwarding_address("1 Harbour Street", "Elsewhere", "ZY8 1AA")
    resident.account_number(ACCOUNT)
    resident.arrive("If your final bill is in credit, where should we refund it?")
    page.fill("#account-holder", "Alex Jones")
    page.fill("#sort-code", "08-99-99")
    page.fill("#account-number", "66374959")  # one digit wrong: fails the modulus check
    resident.continue_()
    resident.arrive("If your final bill is in credit, where should we refund it?")
    assert error_summary(page) == ["The sort code and account number do not belong together: check them against "
                                   "a bank statement or card"]
    page.fill("#account-holder", "Alex Jones")
    page.fill("#sort-code", "08-99-99")
    page.fill("#account-number", "66374958")
    resident.continue_()
    resident.contact("Alex Jones", phone="01632 960 171")
    resident.arrive("Check your answers")
    assert "Sort code **-**-99, account ****4958" in page.content()
    assert "66374958" not in page.content()
    reference = resident.send()
    wait_for_status(resident, reference, "Account updated")
    assert "we are refunding £43.21 to the bank account ending 4958" in page.content()  # where the credit went
    assert refund_stack.revenues is not None
    account = refund_stack.revenues.account(ACCOUNT)
    assert account is not None
    assert [(r.amount_pence, r.masked_bank_account, r.held_for_approval) for r in account.refunds] == [
        (CREDIT, "sort code **-**-99, account ****4958", False)]
