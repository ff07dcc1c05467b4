"""Staff and ops over HTTP against the real stack (Kafka, worker, web app, revenues database).

An officer sees an applied change and the account behind it, corrects one review case (it is then
applied) and rejects another (the resident sees the reason); ops see the figures move and Prometheus
scrapes the same figures.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.builders import existing_account, register_property
from tests.integration.staff_stack import StaffClient, StaffStack
from web.staff_accounts.accounts import Role

TODAY = datetime.now(ZoneInfo("Europe/London")).date()
VACANT_1, VACANT_2, VACANT_3, OCCUPIED, OWNER_UNKNOWN = (str(100090000051 + i) for i in range(5))


@pytest.fixture(scope="module")
def stack(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaffStack]:
    workdir = Path(tmp_path_factory.mktemp("staff-stack"))
    running = StaffStack(kafka_bootstrap, f"sqlite:///{workdir}/revenues.db", workdir)
    try:
        running.start()
        assert running.revenues is not None
        running.revenues.load_register(
            [register_property(VACANT_1, band="B", line_1="51 Acacia Avenue"),
             register_property(VACANT_2, band="C", line_1="52 Acacia Avenue"),
             register_property(VACANT_3, band="A", line_1="53 Acacia Avenue"),
             register_property(OCCUPIED, band="D", line_1="54 Acacia Avenue"),
             register_property(OWNER_UNKNOWN, band="C", line_1="55 Acacia Avenue", owner_name=None)],
            [existing_account("500000054", OCCUPIED), existing_account("500000055", OWNER_UNKNOWN)],
        )
        running.add_user("olive", "Olive Officer", Role.STAFF)
        running.add_user("otto", "Otto Operator", Role.OPS)
        yield running
    finally:
        running.stop()


@pytest.fixture
def officer(stack: StaffStack) -> Iterator[StaffClient]:
    client = StaffClient(stack.base_url).sign_in("olive")
    yield client
    client.close()


def move_in(uprn: str, line: str, move: Any) -> dict[str, Any]:
    return {
        "contact": {"full_name": "Priya Patel", "email": "priya.patel@example.com"},
        "change": {"kind": "move_in", "uprn": uprn,
                   "address": {"line_1": line, "town": "Exampleton", "postcode": "ZY1 5AB"},
                   "move_in_date": move.isoformat(), "tenure": "private_tenant",
                   "residents": [{"full_name": "Priya Patel", "date_of_birth": "1991-02-03"}]},
    }


def submitted(stack: StaffStack, body: dict[str, Any]) -> dict[str, Any]:
    answer = stack.submit(body)
    assert answer.status_code == 202, answer.text
    return dict(answer.json())


def test_an_applied_change_shows_in_the_workspace_with_its_account(stack: StaffStack, officer: StaffClient) -> None:
    receipt = submitted(stack, move_in(VACANT_1, "51 Acacia Avenue", TODAY - timedelta(days=2)))
    final = stack.wait_final(receipt["notification_id"])
    assert final["status"] == "applied"
    (account_ref,) = final["account_refs"]
    updates = officer.json("/staff/api/updates")["updates"]
    mine = [u for u in updates if u["reference"] == receipt["reference"]]
    assert mine
    assert mine[0]["accounts"] == [{"ref": account_ref, "href": f"/staff/accounts/{account_ref}"}]
    assert receipt["reference"] in officer.http.get("/staff").text
    account = officer.http.get(f"/staff/accounts/{account_ref}").text
    assert "51 Acacia Avenue" in account
    assert "Priya Patel" in account
    assert receipt["reference"] in account  # the processor's audit note
    assert 'id="instalments"' in account
    found = officer.http.get("/staff/search", params={"q": receipt["reference"]}, follow_redirects=True)
    assert receipt["reference"] in found.text
    by_postcode = officer.http.get("/staff/search", params={"q": "zy15ab"}).text
    assert account_ref in by_postcode


def test_a_review_case_is_corrected_by_an_officer_and_then_applied(stack: StaffStack, officer: StaffClient) -> None:
    receipt = submitted(stack, move_in(VACANT_2, "52 Acacia Avenue", TODAY + timedelta(days=40)))
    assert stack.wait_final(receipt["notification_id"])["status"] == "review"
    case = f"/staff/notifications/{receipt['notification_id']}"
    assert receipt["reference"] in officer.http.get("/staff/review").text
    page = officer.wait_for(case, 'id="correct-button"')  # the case's content has reached the web app
    assert "more than 14 days away" in page
    corrected_date = TODAY - timedelta(days=1)
    form = {key: value for key, value in re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', page)
            if key != "csrf_token"}
    form.update({"move_in_date-day": str(corrected_date.day), "move_in_date-month": str(corrected_date.month),
                 "move_in_date-year": str(corrected_date.year),
                 "note": "Resident confirmed by phone: moved in yesterday, not next month"})
    answer = officer.post_form(f"{case}/correct", form)
    assert answer.status_code == 303, answer.text
    done = officer.wait_for(case, "applied</strong>")
    assert "Corrected</strong> by Olive Officer" in done
    resident_view = stack.progress(receipt["notification_id"])
    assert resident_view["status"] == "corrected"
    new_reference = re.search(r"sent them on as (CTX-[0-9A-Z]{4}-[0-9A-Z]{4})", resident_view["reasons"][0]["message"])
    assert new_reference is not None
    assert new_reference.group(1) in officer.post_form("/status", {"reference": receipt["reference"]}).text
    assert stack.revenues is not None
    (account,) = stack.revenues.accounts_at(VACANT_2)
    assert account.liability_start == corrected_date


def test_an_officer_names_the_owner_of_a_home_left_empty_and_their_account_opens(
        stack: StaffStack, officer: StaffClient) -> None:
    moved = TODAY - timedelta(days=2)
    receipt = submitted(stack, {
        "contact": {"full_name": "Alex Jones", "email": "alex.jones@example.com"},
        "change": {"kind": "move_out", "uprn": OWNER_UNKNOWN,
                   "address": {"line_1": "55 Acacia Avenue", "town": "Exampleton", "postcode": "ZY1 5AB"},
                   "move_out_date": moved.isoformat(),
                   "forwarding_address": {"line_1": "1 Harbour Street", "town": "Elsewhere", "postcode": "ZY8 1AA"}}})
    final = stack.wait_final(receipt["notification_id"])
    assert (final["status"], [r["code"] for r in final["reasons"]]) == ("review", ["owner_unknown"])
    case = f"/staff/notifications/{receipt['notification_id']}"
    page = officer.wait_for(case, 'id="correct-button"')
    assert 'name="landlord_name"' in page
    form = {key: value for key, value in re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', page)
            if key != "csrf_token"}
    form.update({"landlord_name": "Quayside Homes Ltd", "note": "Land Registry: owned by Quayside Homes Ltd"})
    answer = officer.post_form(f"{case}/correct", form)
    assert answer.status_code == 303, answer.text
    officer.wait_for(case, "applied</strong>")
    assert stack.revenues is not None
    owner, tenant = stack.revenues.accounts_at(OWNER_UNKNOWN)
    assert (owner.liable_persons, owner.liability_start, owner.unoccupied_since) == (
        ("Quayside Homes Ltd",), moved, moved)
    assert (tenant.account_ref, tenant.liability_end) == ("500000055", moved - timedelta(days=1))


def test_a_review_case_is_rejected_with_a_reason_the_resident_sees(stack: StaffStack, officer: StaffClient) -> None:
    receipt = submitted(stack, move_in(VACANT_3, "53 Acacia Avenue", TODAY + timedelta(days=60)))
    assert stack.wait_final(receipt["notification_id"])["status"] == "review"
    case = f"/staff/notifications/{receipt['notification_id']}"
    missing = officer.post_form(f"{case}/reject", {"reason": "  "})
    assert missing.status_code == 400
    reason = "We could not confirm a move on that date. Please tell us again once you have moved."
    assert officer.post_form(f"{case}/reject", {"reason": reason}).status_code == 303
    resident_view = stack.progress(receipt["notification_id"])
    assert (resident_view["status"], resident_view["reasons"][0]["message"]) == ("rejected", reason)
    assert "Rejected</strong> by Olive Officer" in officer.http.get(case).text
    status_page = officer.post_form("/status", {"reference": receipt["reference"]})
    assert reason in status_page.text  # the resident's status page shows the officer's words
    again = officer.post_form(f"{case}/reject", {"reason": reason})
    assert again.status_code == 409
    assert stack.revenues is not None
    assert stack.revenues.accounts_at(VACANT_3) == []


def test_ops_figures_and_prometheus_move_as_notifications_flow(stack: StaffStack) -> None:
    ops = StaffClient(stack.base_url).sign_in("otto")
    try:
        before = ops.json("/ops/api/figures")["to_date"]["notifications"]
        receipt = submitted(stack, move_in(OCCUPIED, "54 Acacia Avenue", TODAY))  # occupied: still applies
        stack.wait_final(receipt["notification_id"])
        deadline = time.monotonic() + 30
        figures = ops.json("/ops/api/figures")
        while figures["to_date"]["notifications"] <= before and time.monotonic() < deadline:
            time.sleep(0.5)
            figures = ops.json("/ops/api/figures")
        assert figures["to_date"]["notifications"] > before
        assert figures["today"]["total"] >= 1
        assert figures["latency_ms"]["end_to_end"]["p50"] > 0
        assert figures["to_date"]["saving_pence"] > 0
        while figures["consumer_lag"] is None and time.monotonic() < deadline:
            time.sleep(0.5)
            figures = ops.json("/ops/api/figures")
        assert isinstance(figures["consumer_lag"], int)
        page = ops.http.get("/ops").text
        assert 'id="per-minute-chart"' in page
        scraped = stack.scrape()
        while "ctax_processor_consumer_lag{" not in scraped and time.monotonic() < deadline + 15:
            time.sleep(0.5)  # the lag is measured every few seconds, apart from the figures above
            scraped = stack.scrape()
        assert re.search(r'ctax_notifications_total\{kind="move_in",outcome="\w+"\} [1-9]', scraped)
        assert 'ctax_notification_stage_seconds_bucket{le="0.005",stage="end_to_end"}' in scraped
        assert "ctax_saving_to_date_pence" in scraped
        assert "ctax_processor_consumer_lag{" in scraped
        assert "Priya" not in scraped
        assert receipt["reference"] not in scraped
        assert ops.http.get("/staff").status_code == 403
    finally:
        ops.close()
