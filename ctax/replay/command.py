"""`ctax replay`: read the period's history, re-run it, and (on request) send the corrections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from adapters.sql.engines import create_database_engine
from adapters.sql.history import AppliedRecord, SqlHistory
from ctax.replay.corrections import Correction, corrections
from ctax.replay.recorded import Recorded
from ctax.replay.rederived import BillCheck, check_bills
from ctax.replay.rerun import Period, ReplayResult, rerun
from ctax.replay.submitted import read_submitted
from ctax.running.components import council_rules, kafka_connection
from ctax.settings import Settings
from schemas.codec import shared_codec
from schemas.notification import ChangeNotification, Contact
from schemas.topics import SUBMITTED
from web.intake.publisher import NotificationPublisher

UK = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class ReplayOutcome:
    result: ReplayResult
    bills: BillCheck
    sent: tuple[Correction, ...] = ()
    already_sent: tuple[Correction, ...] = ()


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's first and last days as instants: from UK midnight starting the first to the one ending the
    last."""
    return (datetime.combine(period.first, time(), UK),
            datetime.combine(period.last + timedelta(days=1), time(), UK))


def load_recorded(history: SqlHistory, applied: list[AppliedRecord], since: list[AppliedRecord],
                  notifications: dict[str, ChangeNotification], today: date | None = None) -> Recorded:
    """Read the properties, accounts and rows the period's notifications touched."""
    uprns = {uprn for record in applied if (n := notifications.get(record.notification_id)) is not None
             for uprn in n.change.uprns}
    refs = {ref for record in applied for ref in record.account_refs}
    accounts = history.accounts(uprns, refs)
    touched = [a.account_ref for a in accounts]
    return Recorded(applied=since, properties=history.properties(uprns | {a.uprn for a in accounts}),
                    accounts=accounts, charges=history.charges(touched), instalments=history.instalments(touched),
                    payments=history.payments(touched, today))


async def run_replay(settings: Settings, period: Period, *, officer: Contact | None, today: date,
                     now: datetime) -> ReplayOutcome:
    """Replay the period; with an ``officer`` approving, send the corrections not sent before."""
    engine = create_database_engine(settings.revenues_database_url, read_only=True)
    try:
        history = SqlHistory(engine)
        start, end = period_bounds(period)
        applied, since = history.applied_between(start, end), history.applied_since(start)
        notifications = await read_submitted(kafka_connection(settings), settings.topic_prefix)
        recorded = load_recorded(history, applied, since, notifications, today)
        result = rerun(applied, notifications, recorded, council_rules(settings), period, today, now)
        bills = check_bills(notifications, recorded, council_rules(settings), now)
        if officer is None:
            return ReplayOutcome(result, bills)
        issued = corrections(result.accounts, recorded, period, settings.council_code, officer, now, bills.wrong)
        known = set(notifications) | history.applied_ids([c.notification.notification_id for c in issued])
    finally:
        engine.dispose()
    fresh = [c for c in issued if c.notification.notification_id not in known]
    await publish(settings, fresh)
    return ReplayOutcome(result, bills, tuple(fresh), tuple(c for c in issued if c not in fresh))


async def publish(settings: Settings, issued: list[Correction]) -> None:
    """Send corrections to the submitted topic as intake does (acks=all, idempotent producer)."""
    if not issued:
        return
    publisher = NotificationPublisher(kafka_connection(settings), f"{settings.topic_prefix}{SUBMITTED.name}")
    codec = shared_codec()
    try:
        for correction in issued:
            notification = correction.notification
            await publisher.publish(notification.notification_id.encode(), codec.encode(notification))
    finally:
        await publisher.stop()
