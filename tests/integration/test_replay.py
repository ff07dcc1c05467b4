"""`ctax replay` against a real broker, a running worker and a revenues database whose rows were written by an
older version of the rules: it lists exactly those accounts, and `--apply` brings them in line once."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy import select

from adapters.revenues_port import ChargeRow, ExistingAccount, InstalmentRow, PaymentRow
from adapters.sql.revenues import SqlRevenuesSystem
from adapters.sql.tables import applied_notification_table, audit_note_table, instalment_table
from ctax.kafka_admin.topic_setup import ensure_topics
from ctax.replay.corrections import correction_id
from ctax.replay.rerun import Period
from processors.rules.assessment import assess
from processors.rules.charges import charge_lines
from processors.rules.discounts import NO_DISCOUNT
from processors.rules.instalments import instalment_plan
from schemas.codec import shared_codec
from schemas.events import AccountChange, Instalment
from schemas.financial_year import financial_year_of
from schemas.notification import ChangeNotification
from schemas.topics import SUBMITTED
from tests.builders import (
    COUNCIL,
    RULES,
    address,
    existing_account,
    move_in,
    notification,
    register_property,
    validated,
)
from tests.integration.running_stack import RunningStack, run_coroutine
from tests.postgres_fixtures import fresh_database

UK = ZoneInfo("Europe/London")
P1, P2, P3 = "100090000001", "100090000002", "100090000003"


@pytest.fixture(params=["sqlite", "postgresql"])
def stack(request: pytest.FixtureRequest, kafka_bootstrap: str, tmp_path: Path) -> Iterator[RunningStack]:
    urls = iter([f"sqlite:///{tmp_path}/revenues.db"]) if request.param == "sqlite" else fresh_database()
    for url in urls:
        running = RunningStack(kafka_bootstrap, url, tmp_path)
        run_coroutine(ensure_topics(kafka_bootstrap, 2, prefix=running.prefix))
        running.revenues = SqlRevenuesSystem.from_url(url)
        running.revenues.create_schema()
        try:
            yield running
        finally:
            running.stop()


# -- what an older version of the rules wrote ----------------------------------------------------------


def _old_date_rule(plan: tuple[Instalment, ...]) -> tuple[Instalment, ...]:
    """The last instalment due on 1 April after the year, as versions before the SI 1992/613 para 2(4) fix did."""
    last = plan[-1]
    return (*plan[:-1], last.model_copy(update={"due_date": date(last.financial_year + 1, 4, 1)}))


def _old_rounding(plan: tuple[Instalment, ...]) -> tuple[Instalment, ...]:
    """Every instalment but the first rounded up to the pound, the first taking the rest (£1 + 9 x £6 for £55),
    as versions before the para 2(6)/(7) fix did; a single instalment was split with one of £5."""
    total, count = sum(i.amount_pence for i in plan), len(plan)
    if count == 1:
        only = plan[0]
        return (only.model_copy(update={"amount_pence": total - 500}),
                only.model_copy(update={"sequence": 2, "amount_pence": 500}))
    for rest in (math.ceil(total / count / 100) * 100, total // count // 100 * 100):
        amounts = [total - rest * (count - 1)] + [rest] * (count - 1)
        if amounts != [i.amount_pence for i in plan]:
            return tuple(i.model_copy(update={"amount_pence": a}) for i, a in zip(plan, amounts, strict=True))
    return (plan[0].model_copy(update={"amount_pence": plan[0].amount_pence + 100}), *plan[1:-1],
            plan[-1].model_copy(update={"amount_pence": plan[-1].amount_pence - 100}))


def _as_old_version(change: AccountChange, which: str) -> AccountChange:
    if which == "date":
        (opening,) = change.openings
        return change.model_copy(update={"openings": (opening.model_copy(
            update={"instalments": _old_date_rule(opening.instalments)}),)})
    if which == "rounding":
        (amendment,) = change.amendments
        return change.model_copy(update={"amendments": (amendment.model_copy(
            update={"instalments": _old_rounding(amendment.instalments)}),)})
    return change


def _seed_history(revenues: SqlRevenuesSystem, submitted_at: datetime) -> list[ChangeNotification]:
    """Three notifications applied two days ago: a move-in on 12 instalments written with the old due dates, a
    single person discount written with the old rounding, and a move-in written as the current rules give."""
    revenues.load_register(
        [register_property(P1, line_1="1 Acacia Avenue"), register_property(P2, line_1="2 Acacia Avenue"),
         register_property(P3, line_1="3 Acacia Avenue")],
        [existing_account("500000001", P1, paid=0), existing_account("500000003", P3, paid=0)])
    day = submitted_at.astimezone(UK).date()
    sent = [
        (notification(move_in(P2, day, twelve_instalments=True, address=address("2 Acacia Avenue")),
                      submitted_at=submitted_at, reference="CTX-0000-0001"), "date"),
        (notification({"kind": "single_person_discount", "uprn": P1, "address": address("1 Acacia Avenue"),
                       "action": "claim", "effective_date": day, "reason": "only_adult"},
                      submitted_at=submitted_at, reference="CTX-0000-0002"), "rounding"),
        (notification(move_in(P3, day, address=address("3 Acacia Avenue")), submitted_at=submitted_at,
                      reference="CTX-0000-0003"), "right"),
    ]
    for n, which in sent:
        facts = revenues.property_facts_many(n.change.uprns)
        change = assess(validated(n, *facts.values()), RULES, submitted_at)
        assert isinstance(change, AccountChange), change
        (written,) = revenues.apply_account_changes([_as_old_version(change, which)], submitted_at)
        assert not isinstance(written, Exception), written
    return [n for n, _ in sent]


async def _publish(bootstrap: str, topic: str, notifications: list[ChangeNotification]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for n in notifications:
            await producer.send_and_wait(topic, shared_codec().encode(n), key=n.notification_id.encode())
    finally:
        await producer.stop()


async def _records_on(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()


def _replay(stack: RunningStack, period: Period, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "ctax", "replay", "--from", period.first.isoformat(),
                           "--to", period.last.isoformat(), *args], env=stack.env(), cwd=stack.workdir,
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _wait_applied(revenues: SqlRevenuesSystem, ids: set[str], stack: RunningStack, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    column = applied_notification_table.c.notification_id
    while time.monotonic() < deadline:
        with revenues.engine.connect() as conn:
            if ids <= set(conn.execute(select(column).where(column.in_(sorted(ids)))).scalars()):
                return
        time.sleep(0.5)
    raise AssertionError(f"corrections not applied in {timeout}s:\n{stack.log_tail('worker')}")


def test_replay_lists_the_accounts_billed_under_old_rules_and_apply_corrects_them_once(stack: RunningStack) -> None:
    assert stack.revenues is not None
    revenues = stack.revenues
    now = datetime.now(UTC)
    today = now.astimezone(UK).date()
    history = _seed_history(revenues, now - timedelta(days=2))
    topic = f"{stack.prefix}{SUBMITTED.name}"
    run_coroutine(_publish(stack.bootstrap, topic, history))
    stack.start_worker()  # it sees the old notifications as applied already, and will take the corrections
    moved_in = revenues.accounts_at(P2)[0].account_ref
    period = Period(today - timedelta(days=3), today)

    listing = _replay(stack, period, "--csv", str(stack.workdir / "replay.csv"))
    assert "3 notification(s) replayed; 2 account(s) would change; 0 not replayed" in listing, listing
    assert f"Account {moved_in}" in listing
    assert "Account 500000001" in listing
    assert "500000003" not in listing
    with (stack.workdir / "replay.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {row["account_ref"] for row in rows} == {moved_in, "500000001"}
    next_april = date(financial_year_of(today).start_year + 1, 4, 1).isoformat()
    assert any(row["account_ref"] == moved_in and row["difference"] == "moved" and row["was_date"] == next_april
               for row in rows)
    assert {row["notification_reference"] for row in rows} == {"CTX-0000-0001", "CTX-0000-0002"}
    assert all(row["correctable"] == "yes" for row in rows if row["was_date"] >= today.isoformat())

    applied = _replay(stack, period, "--apply", "--officer-email", "revenues.officer@example.gov.uk")
    assert "2 correction(s) sent, 0 sent before" in applied, applied
    ids = {correction_id(COUNCIL, period, ref) for ref in (moved_in, "500000001")}
    _wait_applied(revenues, ids, stack)
    for ref in (moved_in, "500000001"):
        _assert_in_line(revenues, ref, today, ids)

    topic_size = run_coroutine(_records_on(stack.bootstrap, topic))
    again = _replay(stack, period, "--apply", "--officer-email", "revenues.officer@example.gov.uk")
    assert "0 correction(s) sent, 0 sent before" in again, again
    assert "needs a Rebill" not in again
    assert run_coroutine(_records_on(stack.bootstrap, topic)) == topic_size
    with revenues.engine.connect() as conn:
        assert len(conn.execute(select(applied_notification_table)).all()) == 5


def _assert_in_line(revenues: SqlRevenuesSystem, ref: str, today: date, correction_ids: set[str]) -> None:
    """Every instalment not yet due is the correction's, within its year; the old ones are superseded."""
    with revenues.engine.connect() as conn:
        pending = conn.execute(select(instalment_table).where(
            instalment_table.c.account_ref == ref, instalment_table.c.superseded.is_(False),
            instalment_table.c.due_date >= today)).mappings().all()
        notes = conn.execute(select(audit_note_table.c.note).where(
            audit_note_table.c.account_ref == ref, audit_note_table.c.notification_id.in_(correction_ids))).all()
    assert pending, f"account {ref} has no instalments left to pay"
    assert {row["notification_id"] for row in pending} <= correction_ids
    assert all(row["due_date"] <= date(row["financial_year"] + 1, 3, 31) for row in pending)
    assert len(notes) == 1
    assert "replay" in notes[0][0]


P4 = "100090000004"


def _seed_double_demand(revenues: SqlRevenuesSystem, submitted_at: datetime) -> tuple[ChangeNotification, int]:
    """An account billed for this year in 10 instalments, every one due paid but the latest, and a single person
    discount claim written as versions before issue 19 did: the missed instalment kept live beside a plan of the
    year's balance (demanded twice), the new plan numbered from 1 again. Returns the claim and the money demanded
    twice."""
    day = submitted_at.astimezone(UK).date()
    year = financial_year_of(day)
    lines = charge_lines(year.start, year.end, "D", NO_DISCOUNT, RULES)
    plan = instalment_plan(sum(c.charge_pence for c in lines), year, year.start - timedelta(days=30),
                           RULES.payment_day)
    due = [i for i in plan if i.due_date < day]
    if len(due) < 2:
        pytest.skip("needs two instalments of this year due before the claim (run after early May)")
    revenues.load_register([register_property(P4, band="D", line_1="4 Acacia Avenue")], [ExistingAccount(
        account_ref="500000004", uprn=P4, liability_start=date(2019, 5, 1), liable_persons=("Alex Jones",),
        discount_code=None, discount_percent=0, charges=tuple(ChargeRow(**c.model_dump()) for c in lines),
        instalments=tuple(InstalmentRow(**i.model_dump()) for i in plan),
        payments=tuple(PaymentRow(i.financial_year, i.due_date, i.amount_pence) for i in due[:-1]))])
    claim = notification({"kind": "single_person_discount", "uprn": P4, "address": address("4 Acacia Avenue"),
                          "action": "claim", "effective_date": day, "reason": "others_left"},
                         submitted_at=submitted_at, reference="CTX-0000-0004")
    change = assess(validated(claim, *revenues.property_facts_many([P4]).values()), RULES, submitted_at)
    assert isinstance(change, AccountChange), change
    (amendment,) = change.amendments
    old = amendment.model_copy(update={
        "year_bills": tuple(b.model_copy(update={"instalments_from": day}) for b in amendment.year_bills),
        "instalments": tuple(i.model_copy(update={"sequence": n}) for n, i in enumerate(amendment.instalments, 1))})
    (written,) = revenues.apply_account_changes([change.model_copy(update={"amendments": (old,)})], submitted_at)
    assert not isinstance(written, Exception), written
    return claim, due[-1].amount_pence


def test_replay_lists_a_plan_that_demands_arrears_twice_and_apply_folds_them(stack: RunningStack) -> None:
    assert stack.revenues is not None
    revenues = stack.revenues
    now = datetime.now(UTC)
    today = now.astimezone(UK).date()
    claim, twice = _seed_double_demand(revenues, now - timedelta(days=2))
    topic = f"{stack.prefix}{SUBMITTED.name}"
    run_coroutine(_publish(stack.bootstrap, topic, [claim]))
    stack.start_worker()
    period = Period(today - timedelta(days=3), today)

    listing = _replay(stack, period)
    assert "1 account(s) compared; 1 billed wrong; 0 not compared" in listing, listing
    assert f"Account 500000004  charge £0.00, instalments demanded -{_pounds(twice)}  [needs a Rebill]" in listing
    assert "demanded twice" in listing  # "instalment 1" twice in the year

    applied = _replay(stack, period, "--apply", "--officer-email", "revenues.officer@example.gov.uk")
    assert "1 correction(s) sent, 0 sent before" in applied, applied
    _wait_applied(revenues, {correction_id(COUNCIL, period, "500000004")}, stack)
    account = revenues.account("500000004")
    assert account is not None
    year = financial_year_of(today).start_year
    charge = sum(c.charge_pence for c in account.charges if c.financial_year == year)
    paid = sum(p.amount_pence for p in account.payments if p.financial_year == year)
    paid_days = {p.paid_on for p in account.payments}
    to_pay = [i for i in account.instalments if i.financial_year == year and i.due_date not in paid_days]
    assert sum(i.amount_pence for i in to_pay) == charge - paid  # never asked twice
    again = _replay(stack, period)
    assert "compared; 0 billed wrong" in again, again
    assert "needs a Rebill" not in again


def _pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"
