"""The owner of an empty home, end to end on the real worker: a move-out with no next occupier makes the owner liable
from the move date, and the next occupier's move-in ends it the day before, whichever is told first.

HTTP intake -> Kafka -> the worker's stages -> the revenues database; once with SQLite and once with PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.revenues_port import AccountView
from adapters.sql.revenues import SqlRevenuesSystem
from tests.builders import OWNER, RULES, existing_account, register_property
from tests.integration.running_stack import RunningStack, stack_per_database

NINTHS = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11}
TODAY = datetime.now(ZoneInfo("Europe/London")).date()
MOVE = TODAY - timedelta(days=3)
ARRIVES = MOVE + timedelta(days=2)  # the owner is liable for two days between the occupiers

LEAVER_FIRST, NEWCOMER_FIRST, NO_OWNER, SAME_DAY = (str(100090000071 + i) for i in range(4))
LINES = {LEAVER_FIRST: "71 Quay Street", NEWCOMER_FIRST: "72 Quay Street", NO_OWNER: "73 Quay Street",
         SAME_DAY: "74 Quay Street"}


def expected_owner_charge(band: str, first: date, last: date) -> int:
    """The owner's charge from ``first`` to ``last``, worked out apart from the product: each financial year's days
    at the band's charge (no empty-home discount, the default), in decimal pounds rounded half up per year."""
    total, day = 0, first
    while day <= last:
        start_year = day.year if day.month >= 4 else day.year - 1
        year_end = min(last, date(start_year + 1, 3, 31))
        year_days = (date(start_year + 1, 4, 1) - date(start_year, 4, 1)).days
        annual = (Decimal(RULES.band_d_pence[start_year] * NINTHS[band]) / 9).quantize(Decimal(1), ROUND_HALF_UP)
        exact = annual * ((year_end - day).days + 1) / year_days
        total += int(exact.quantize(Decimal(1), ROUND_HALF_UP))
        day = year_end + timedelta(days=1)
    return total


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request: pytest.FixtureRequest, kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[RunningStack]:
    def load(revenues: SqlRevenuesSystem) -> None:
        revenues.load_register(
            [register_property(uprn, band="C", line_1=line,
                               owner_name=None if uprn == NO_OWNER else OWNER) for uprn, line in LINES.items()],
            [existing_account(f"5000000{uprn[-2:]}", uprn, start=date(2022, 5, 1)) for uprn in LINES],
        )

    workdir = tmp_path_factory.mktemp(f"owner-{request.param}")
    yield from stack_per_database(request.param, kafka_bootstrap, Path(workdir), load)


def move_out_body(uprn: str) -> dict[str, Any]:
    return {"contact": {"full_name": "Alex Jones", "email": "alex.jones@example.com"},
            "change": {"kind": "move_out", "uprn": uprn, "address": _address(uprn),
                       "move_out_date": MOVE.isoformat(),
                       "forwarding_address": {"line_1": "1 Harbour Street", "town": "Elsewhere",
                                              "postcode": "ZY8 1AA"}}}


def move_in_body(uprn: str, arrives: date = ARRIVES) -> dict[str, Any]:
    return {"contact": {"full_name": "Priya Patel", "email": "priya.patel@example.com"},
            "change": {"kind": "move_in", "uprn": uprn, "address": _address(uprn), "move_in_date": arrives.isoformat(),
                       "tenure": "private_tenant",
                       "residents": [{"full_name": "Priya Patel"}, {"full_name": "Ravi Patel"}]}}


def _address(uprn: str) -> dict[str, str]:
    return {"line_1": LINES[uprn], "town": "Exampleton", "postcode": "ZY1 5AB"}


def final_of(stack: RunningStack, body: dict[str, Any]) -> dict[str, Any]:
    response = stack.submit(body)
    assert response.status_code == 202, response.text
    return stack.wait_final(response.json()["notification_id"])


def accounts(stack: RunningStack, uprn: str) -> list[AccountView]:
    assert stack.revenues is not None
    return stack.revenues.accounts_at(uprn)


def owners_account(stack: RunningStack, uprn: str) -> AccountView:
    (owner,) = [a for a in accounts(stack, uprn) if a.liable_persons == (OWNER,)]
    return owner


def test_move_out_opens_the_owners_account_and_the_move_in_ends_it(stack: RunningStack) -> None:
    left = final_of(stack, move_out_body(LEAVER_FIRST))
    assert left["status"] == "applied", left
    tenant_ref, owner_ref = left["account_refs"]
    owner = owners_account(stack, LEAVER_FIRST)
    assert (owner.account_ref, owner.liability_start, owner.liability_end, owner.unoccupied_since) == (
        owner_ref, MOVE, None, MOVE)
    assert stack.revenues is not None
    tenant = stack.revenues.account(tenant_ref)
    assert tenant is not None
    assert tenant.liability_end == MOVE - timedelta(days=1)
    assert sum(i.amount_pence for i in owner.instalments) == sum(c.charge_pence for c in owner.charges)
    arrived = final_of(stack, move_in_body(LEAVER_FIRST))
    assert arrived["status"] == "applied", arrived
    owner = owners_account(stack, LEAVER_FIRST)
    assert owner.liability_end == ARRIVES - timedelta(days=1)
    assert sum(c.charge_pence for c in owner.charges) == expected_owner_charge("C", MOVE, ARRIVES - timedelta(days=1))
    assert "owner's liability for the empty dwelling ended" in owner.audit_notes[-1].note


def test_the_same_when_the_newcomer_tells_us_first(stack: RunningStack) -> None:
    arrived = final_of(stack, move_in_body(NEWCOMER_FIRST))
    assert arrived["status"] == "applied", arrived
    left = final_of(stack, move_out_body(NEWCOMER_FIRST))
    assert left["status"] == "applied", left
    owner = owners_account(stack, NEWCOMER_FIRST)
    assert (owner.liability_start, owner.liability_end, owner.unoccupied_since) == (
        MOVE, ARRIVES - timedelta(days=1), MOVE)
    assert sum(c.charge_pence for c in owner.charges) == expected_owner_charge("C", MOVE, ARRIVES - timedelta(days=1))
    # The same accounts, with the same money, as when the leaver told us first.
    shape = [(a.liability_start, a.liability_end, a.liable_persons, [c.charge_pence for c in a.charges])
             for a in accounts(stack, NEWCOMER_FIRST)]
    leaver_first = [(a.liability_start, a.liability_end, a.liable_persons, [c.charge_pence for c in a.charges])
                    for a in accounts(stack, LEAVER_FIRST)]
    assert [s[:3] for s in shape] == [s[:3] for s in leaver_first]
    assert [s[3] for s in shape[:2]] == [s[3] for s in leaver_first[:2]]  # the newcomer's and the owner's


def test_a_newcomer_on_the_move_date_withdraws_the_owners_account_before_it_began(stack: RunningStack) -> None:
    assert final_of(stack, move_out_body(SAME_DAY))["status"] == "applied"
    arrived = final_of(stack, move_in_body(SAME_DAY, arrives=MOVE))
    assert arrived["status"] == "applied", arrived
    owner = owners_account(stack, SAME_DAY)
    assert (owner.liability_start, owner.liability_end, owner.charges) == (MOVE, MOVE - timedelta(days=1), ())
    assert [a.liability_end for a in accounts(stack, SAME_DAY) if a.liable_persons != (OWNER,)] == [
        None, MOVE - timedelta(days=1)]


def test_an_owner_the_register_does_not_know_goes_to_review_and_nothing_is_written(stack: RunningStack) -> None:
    left = final_of(stack, move_out_body(NO_OWNER))
    assert (left["status"], [r["code"] for r in left["reasons"]]) == ("review", ["owner_unknown"])
    assert [a.liability_end for a in accounts(stack, NO_OWNER)] == [None]  # the tenant's account as it was
