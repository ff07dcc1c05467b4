"""What the revenues workspace reads from the web store: today's account updates and the review queue."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, func, select

from web.stores.database import as_utc
from web.stores.metrics import start_of_day
from web.stores.progress import progress_table


@dataclass(frozen=True)
class AccountUpdate:
    """A notification applied to the revenues system, with the accounts it touched."""

    notification_id: str
    reference: str
    kind: str
    completed_at: datetime
    account_refs: list[str]


@dataclass(frozen=True)
class ReviewItem:
    notification_id: str
    reference: str
    kind: str
    status: str
    submitted_at: datetime
    reasons: list[dict[str, Any]]
    account_refs: list[str]


class WorkspaceQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def updates_since(self, since: datetime, limit: int = 200) -> list[AccountUpdate]:
        """Applied notifications completed at or after ``since``, newest first."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(progress_table).where(and_(progress_table.c.status == "applied",
                                                  progress_table.c.completed_at >= since))
                .order_by(progress_table.c.completed_at.desc()).limit(limit)
            ).mappings().all()
        return [AccountUpdate(r["notification_id"], r["reference"], r["kind"], as_utc(r["completed_at"]),
                              json.loads(r["account_refs"])) for r in rows]

    def updates_today(self, now: datetime, limit: int = 200) -> list[AccountUpdate]:
        return self.updates_since(start_of_day(now), limit)

    def review_queue(self, limit: int = 500) -> list[ReviewItem]:
        """Cases waiting for an officer, oldest first."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(progress_table).where(progress_table.c.status == "review")
                .order_by(progress_table.c.submitted_at).limit(limit)
            ).mappings().all()
        return [_item(r) for r in rows]

    def item(self, notification_id: str) -> ReviewItem | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(progress_table)
                               .where(progress_table.c.notification_id == notification_id)).mappings().first()
        return _item(row) if row else None

    def by_reference(self, reference: str) -> ReviewItem | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(progress_table)
                               .where(progress_table.c.reference == reference)).mappings().first()
        return _item(row) if row else None

    def touching_account(self, account_ref: str, limit: int = 20) -> list[ReviewItem]:
        """Notifications that touched an account (newest first), for the account page."""
        pattern = f'%"{account_ref}"%'
        with self._engine.connect() as conn:
            rows = conn.execute(select(progress_table).where(progress_table.c.account_refs.like(pattern))
                                .order_by(progress_table.c.submitted_at.desc()).limit(limit)).mappings().all()
        return [_item(r) for r in rows]

    def counts_today(self, now: datetime) -> dict[str, int]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(progress_table.c.status, func.count()).where(
                    progress_table.c.submitted_at >= start_of_day(now)).group_by(progress_table.c.status)
            ).all()
            waiting = conn.execute(select(func.count()).select_from(progress_table)
                                   .where(progress_table.c.status == "review")).scalar_one()
        counts = {str(status): int(count) for status, count in rows}
        counts["waiting_for_review"] = int(waiting)
        return counts


def _item(row: Any) -> ReviewItem:
    return ReviewItem(row["notification_id"], row["reference"], row["kind"], row["status"],
                      as_utc(row["submitted_at"]), json.loads(row["reasons"]), json.loads(row["account_refs"]))
