"""Storage limitation (UK GDPR Art. 5(1)(e)) for the web store: how long each table keeps rows, and the purge.

Each rule names a table, the column that dates a row and how long rows are kept; :func:`purge_expired`
deletes every row older than its period, table by table, and reports how many went. ``ctax retention run``
and the web app's periodic task (:class:`web.stores.retention_schedule.RetentionSchedule`) call it. The
periods are settings (``CTAX_RETENTION_*``, README "Retention"); the fixed ones are already short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Engine, Table, delete, inspect, select

from web.stores.journeys import IDLE_LIMIT, journey_table
from web.stores.landlord_uploads import upload_row_table, upload_table
from web.stores.metrics import metric_table
from web.stores.pending_sign_ins import pending_sign_in_table
from web.stores.progress import idempotency_table, progress_table
from web.stores.reviews import case_content_table, decision_table
from web.stores.sessions import session_table
from web.stores.users import sso_user_table

MAX_SESSION_LIFETIME = timedelta(days=7)  # the longest CTAX_SESSION_LIFETIME_HOURS allows


@dataclass(frozen=True)
class StoreRetention:
    """How long the web store keeps each kind of record (the defaults are the settings', CTAX_RETENTION_*_DAYS)."""

    review_content: timedelta  # the notification as sent, for the review page
    progress: timedelta  # status, reasons and account references residents look up
    idempotency_keys: timedelta  # intake's Idempotency-Key answers
    review_decisions: timedelta  # the officers' audit trail (financial records)
    metrics: timedelta  # timings and costs only; no personal data
    sso_users: timedelta  # staff name and role, since their last sign-in
    landlord_uploads: timedelta  # landlords' files as rows, and each row's result


@dataclass(frozen=True)
class RetentionRule:
    """Rows of ``table`` older than ``keep`` by ``dated_by``; where the date is on a parent row, ``through``
    names (this table's key to the parent, the parent's key) and the parent's ``dated_by``."""

    name: str
    table: Table
    dated_by: Column[datetime]
    keep: timedelta
    through: tuple[Column[str], Column[str]] | None = None


def retention_rules(retention: StoreRetention) -> list[RetentionRule]:
    """Every table of the web store that holds records about people, with its period."""
    return [
        RetentionRule("review content", case_content_table, case_content_table.c.stored_at, retention.review_content),
        RetentionRule("progress records", progress_table, progress_table.c.submitted_at, retention.progress),
        RetentionRule("idempotency keys", idempotency_table, idempotency_table.c.created_at,
                      retention.idempotency_keys),
        RetentionRule("review decisions", decision_table, decision_table.c.decided_at, retention.review_decisions),
        RetentionRule("metrics", metric_table, metric_table.c.completed_at, retention.metrics),
        RetentionRule("staff signed in through the identity provider", sso_user_table,
                      sso_user_table.c.last_sign_in_at, retention.sso_users),
        RetentionRule("unfinished resident answers", journey_table, journey_table.c.updated_at, IDLE_LIMIT),
        RetentionRule("staff sessions", session_table, session_table.c.created_at, MAX_SESSION_LIFETIME),
        RetentionRule("unfinished identity-provider sign-ins", pending_sign_in_table,
                      pending_sign_in_table.c.created_at, timedelta(hours=1)),
        # The rows first, then their uploads (the rows refer to them).
        RetentionRule("landlord upload rows", upload_row_table, upload_table.c.uploaded_at, retention.landlord_uploads,
                      through=(upload_row_table.c.upload_id, upload_table.c.upload_id)),
        RetentionRule("landlord uploads", upload_table, upload_table.c.uploaded_at, retention.landlord_uploads),
    ]


def purge_expired(engine: Engine, retention: StoreRetention,
                  now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> dict[str, int]:
    """Delete every row past its period; return how many went, by rule name (tables not created are skipped)."""
    present = set(inspect(engine).get_table_names())
    purged: dict[str, int] = {}
    at = now()
    for rule in retention_rules(retention):
        if rule.table.name not in present:
            continue
        expired = rule.dated_by < at - rule.keep
        if rule.through is not None:
            own_key, parent_key = rule.through
            expired = own_key.in_(select(parent_key).where(expired))
        with engine.begin() as conn:
            result = conn.execute(delete(rule.table).where(expired))
        purged[rule.name] = int(result.rowcount or 0)
    return purged
