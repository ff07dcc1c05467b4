"""The refund approval queue without Kafka: held refunds listed (masked), an officer's decision sent once through the
intake, and the officer who corrected the case refused approval."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from fastapi import FastAPI

from adapters.sql.revenues import SqlRevenuesSystem
from processors.rules.assessment import assess
from schemas.bank_details import BankDetailsSealer
from schemas.events import AccountChange
from schemas.notification import BankAccountDetails, Channel, RefundDecision
from tests.builders import BANK_KEY, PAID_YEAR, RULES, address, move_out, notification, validated
from tests.unit.web.fake_kafka import FakeKafka, use_fake_kafka
from tests.unit.web.staff_shell.fixtures import OCCUPIED, csrf_token_from, running, sign_in, staff_shell_app
from web.stores.database import create_store_engine
from web.stores.progress import ProgressStore
from web.stores.reviews import ReviewStore

ACCOUNT = "500000021"
DETAILS = BankAccountDetails(account_holder="Alex Jones", sort_code="089999", account_number="66374958")
DECIDE = f"/staff/refunds/decide?account={ACCOUNT}&year={PAID_YEAR}"


def hold_a_refund(tmp_path: Path) -> tuple[str, int]:
    """The seeded occupier moves out with a credit, refunded to a bank account and held (a council whose threshold
    is nil): the notification id that instructed it, and the amount."""
    revenues = SqlRevenuesSystem.from_url(f"sqlite:///{tmp_path}/revenues.db")
    sealed = BankDetailsSealer([BANK_KEY]).seal(DETAILS)
    moved = date(PAID_YEAR, 6, 1)
    n = notification(move_out(uprn=OCCUPIED, move_date=moved, address=address("21 Acacia Avenue"),
                              refund_to=sealed.model_dump()), submitted_at=datetime(PAID_YEAR, 6, 5, tzinfo=UTC))
    facts = revenues.property_facts_many([OCCUPIED])[OCCUPIED]
    change = assess(validated(n, facts), replace(RULES, refund_approval_threshold_pence=0), n.submitted_at)
    assert isinstance(change, AccountChange)
    ((refund,),) = [ending.refunds for ending in change.endings]
    assert refund.held_for_approval
    revenues.apply_account_changes([change], n.submitted_at)
    revenues.dispose()
    return n.notification_id, refund.amount_pence


def corrected_by(tmp_path: Path, username: str, name: str, correction_id: str) -> None:
    """Record that ``username`` corrected a review case, sending it on as ``correction_id``."""
    engine = create_store_engine(f"sqlite:///{tmp_path}/web.db")
    at = datetime(PAID_YEAR, 6, 4, tzinfo=UTC)
    ProgressStore(engine).record_status("c0ffee00-0000-4000-8000-000000000001", "CTX-AAAA-BBBB", "move_out",
                                        "review", at, at, at, at, [], [])
    reviews = ReviewStore(engine)
    decision = reviews.decide(notification_id="c0ffee00-0000-4000-8000-000000000001", decision="corrected",
                              officer_username=username, officer_name=name, reasons=[], reason="Wrong date")
    reviews.record_correction(decision, correction_id, "CTX-CCCC-DDDD", [])


async def send(client: httpx.AsyncClient, decision: str, reason: str = "Checked the payments") -> httpx.Response:
    csrf = await csrf_token_from(client, DECIDE)
    return await client.post("/staff/refunds/decide", data={
        "csrf_token": csrf, "account": ACCOUNT, "year": str(PAID_YEAR), "decision": decision, "reason": reason})


def decisions(kafka: FakeKafka) -> list[RefundDecision]:
    found = []
    for record in kafka.records:
        assert record.channel is Channel.OFFICER_CORRECTION
        assert isinstance(record.change, RefundDecision)
        found.append(record.change)
    return found


async def test_the_queue_needs_a_sign_in(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    async with running(app) as client:
        for path in ("/staff/refunds", DECIDE):
            answer = await client.get(path)
            assert answer.status_code == 303
            assert answer.headers["location"].startswith("/sign-in")


async def test_an_officer_approves_a_held_refund_once(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    _, amount = hold_a_refund(tmp_path)
    async with running(app) as client:
        kafka = use_fake_kafka(app)
        await sign_in(client, "officer")
        queue = await client.get("/staff/refunds")
        assert 'id="held-refunds"' in queue.text
        assert f"£{amount // 100:,}.{amount % 100:02d}" in queue.text
        assert "sort code **-**-99, account ****4958" in queue.text
        assert DETAILS.account_number not in queue.text
        missing = await send(client, "", "")
        assert missing.status_code == 400
        assert "Choose whether to approve or reject the refund" in missing.text
        first = await send(client, "approve")
        assert first.status_code == 303
        again = await send(client, "approve")  # the same decision sent twice: one notification
        assert again.headers["location"] == first.headers["location"]
        (sent,) = decisions(kafka)
        assert (sent.account_reference, sent.financial_year, sent.approved, sent.uprn) == (
            ACCOUNT, PAID_YEAR, True, OCCUPIED)
        other = await send(client, "reject")  # a different decision on the same refund
        assert other.status_code == 409
        assert len(kafka.records) == 1


async def test_the_officer_who_corrected_the_case_may_not_approve_its_refund(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    instructed_by, _ = hold_a_refund(tmp_path)
    async with running(app) as client:
        corrected_by(tmp_path, "officer", "Olive Officer", instructed_by)
        kafka = use_fake_kafka(app)
        await sign_in(client, "officer")
        page = await client.get(DECIDE)
        assert 'id="corrector-warning"' in page.text
        refused = await send(client, "approve")
        assert refused.status_code == 403
        assert "You corrected this case, so another officer must approve its refund" in refused.text
        assert kafka.records == []
        await client.post("/sign-out", data={"csrf_token": await csrf_token_from(client, "/staff/refunds")})
        await sign_in(client, "boss")
        assert (await send(client, "approve")).status_code == 303
        assert [d.approved for d in decisions(kafka)] == [True]


async def test_the_corrector_may_still_reject_and_the_credit_stays(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    instructed_by, _ = hold_a_refund(tmp_path)
    async with running(app) as client:
        corrected_by(tmp_path, "officer", "Olive Officer", instructed_by)
        kafka = use_fake_kafka(app)
        await sign_in(client, "officer")
        assert (await send(client, "reject", "The resident asked us to keep it")).status_code == 303
        assert [(d.approved, d.reason) for d in decisions(kafka)] == [(False, "The resident asked us to keep it")]


async def test_a_refund_not_waiting_is_not_found(tmp_path: Path) -> None:
    app: FastAPI = staff_shell_app(tmp_path)
    async with running(app) as client:
        await sign_in(client, "officer")
        assert 'id="refunds-empty"' in (await client.get("/staff/refunds")).text
        assert (await client.get(DECIDE)).status_code == 404
