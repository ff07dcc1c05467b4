"""The ops dashboard's store: one row per notification metric from the metrics topic, and the figures.

A row holds only what the metric event holds (kind, outcome, stage times, costs): no personal data. The
notification id is the key, so a metric delivered twice is counted once. Figures are worked out from the
rows on demand; a council's volume (thousands a day) keeps that cheap.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    String,
    Table,
    func,
    insert,
    select,
)

from schemas.events import NotificationMetric
from web.stores.column_widening import add_missing_nullable_column, widen_to_declared
from web.stores.database import as_utc, create_tables, metadata

LONDON = ZoneInfo("Europe/London")
STAGES = ("validate", "assess", "apply", "end_to_end")
PERCENTILES = (50, 95, 99)

metric_table = Table(
    "ops_notification_metric", metadata,
    Column("notification_id", String(36), primary_key=True),
    Column("kind", String(40), nullable=False),  # "single_person_discount" is 22 characters
    Column("outcome", String(20), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True), nullable=False, index=True),
    Column("validate_ms", Float),
    Column("assess_ms", Float),
    Column("apply_ms", Float),
    Column("end_to_end_ms", Float, nullable=False),
    Column("digital_cost_pence", BigInteger, nullable=False),
    Column("baseline_cost_pence", BigInteger, nullable=False),
    Column("saving_pence", BigInteger, nullable=False),
    Column("cost_model_version", String(40), nullable=False),
    # Applied: whether the amounts applied equal the bill preview shown before sending; NULL: no preview.
    Column("preview_matched", Boolean, nullable=True),
)


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile of already-sorted values (None for no values)."""
    if not values:
        return None
    rank = max(1, math.ceil(pct / 100 * len(values)))
    return values[rank - 1]


@dataclass(frozen=True)
class MinuteCount:
    minute: datetime
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class KindFigures:
    """One kind of change today: how many finished, how many went straight through, the money saved."""

    total: int
    applied: int
    saving_pence: int

    @property
    def straight_through_rate(self) -> float | None:
        return None if self.total == 0 else self.applied / self.total


@dataclass(frozen=True)
class OpsFigures:
    """Everything the ops dashboard shows, as at ``as_of``."""

    as_of: datetime
    window_minutes: int
    per_minute: list[MinuteCount]
    by_kind_outcome: dict[tuple[str, str], int]
    today_by_outcome: dict[str, int]
    latency_ms: dict[str, dict[int, float | None]]
    saving_today_pence: int
    saving_to_date_pence: int
    notifications_to_date: int
    cost_model_versions: list[str] = field(default_factory=list)
    by_kind: dict[str, KindFigures] = field(default_factory=dict)
    previewed_today: int = 0  # applied today with a bill preview shown before sending
    preview_matched_today: int = 0  # of those, applied exactly as previewed

    @property
    def preview_match_rate(self) -> float | None:
        """Share of today's applied notifications with a bill preview whose applied amounts equal it."""
        return None if self.previewed_today == 0 else self.preview_matched_today / self.previewed_today

    @property
    def today_total(self) -> int:
        return sum(self.today_by_outcome.values())

    @property
    def straight_through_rate(self) -> float | None:
        """Share of today's finished notifications applied with no person involved."""
        total = self.today_total
        return None if total == 0 else self.today_by_outcome.get("applied", 0) / total


def start_of_day(now: datetime) -> datetime:
    """Midnight in the council's day (UK time), as a UTC instant."""
    local = now.astimezone(LONDON)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


class MetricsStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create_schema(self) -> None:
        create_tables(self._engine, metric_table)
        widen_to_declared(self._engine, metric_table.c.kind)
        add_missing_nullable_column(self._engine, metric_table.c.preview_matched)

    def record(self, metrics: Iterable[NotificationMetric]) -> list[NotificationMetric]:
        """Store metrics not seen before; return the ones that were new (for the Prometheus counters)."""
        batch = {m.notification_id: m for m in metrics}
        if not batch:
            return []
        with self._engine.begin() as conn:
            seen = set(conn.execute(select(metric_table.c.notification_id)
                                    .where(metric_table.c.notification_id.in_(list(batch)))).scalars())
            new = [m for key, m in batch.items() if key not in seen]
            if new:
                conn.execute(insert(metric_table), [_row(m) for m in new])
        return new

    def figures(self, now: datetime, *, window_minutes: int = 60) -> OpsFigures:
        window_start = (now - timedelta(minutes=window_minutes - 1)).replace(second=0, microsecond=0)
        day_start = start_of_day(now)
        since = min(window_start, day_start)
        columns = [metric_table.c.kind, metric_table.c.outcome, metric_table.c.completed_at,
                   metric_table.c.validate_ms, metric_table.c.assess_ms, metric_table.c.apply_ms,
                   metric_table.c.end_to_end_ms, metric_table.c.saving_pence, metric_table.c.cost_model_version,
                   metric_table.c.preview_matched]
        with self._engine.connect() as conn:
            rows = conn.execute(select(*columns).where(metric_table.c.completed_at >= since)).all()
            to_date = conn.execute(
                select(func.count(), func.coalesce(func.sum(metric_table.c.saving_pence), 0))
            ).one()
        minutes = [window_start + timedelta(minutes=i) for i in range(window_minutes)]
        per_minute: dict[datetime, Counter[str]] = {m: Counter() for m in minutes}
        by_kind_outcome: Counter[tuple[str, str]] = Counter()
        today_by_outcome: Counter[str] = Counter()
        samples: dict[str, list[float]] = {stage: [] for stage in STAGES}
        saving_today = 0
        saving_by_kind: Counter[str] = Counter()
        versions: set[str] = set()
        previews: Counter[bool] = Counter()
        for kind, outcome, completed, validate, assess, apply, end_to_end, saving, version, matched in rows:
            completed = as_utc(completed)
            minute = completed.replace(second=0, microsecond=0)
            if minute in per_minute:
                per_minute[minute][outcome] += 1
            if completed >= day_start:
                by_kind_outcome[(kind, outcome)] += 1
                today_by_outcome[outcome] += 1
                saving_today += saving
                saving_by_kind[kind] += saving
                versions.add(version)
                if matched is not None:
                    previews[bool(matched)] += 1
                for stage, value in zip(STAGES, (validate, assess, apply, end_to_end), strict=True):
                    if value is not None:
                        samples[stage].append(value)
        latency = {}
        for stage, values in samples.items():
            values.sort()
            latency[stage] = {p: percentile(values, p) for p in PERCENTILES}
        return OpsFigures(
            as_of=now, window_minutes=window_minutes,
            per_minute=[MinuteCount(m, dict(per_minute[m])) for m in minutes],
            by_kind_outcome=dict(by_kind_outcome), today_by_outcome=dict(today_by_outcome),
            latency_ms=latency, saving_today_pence=saving_today,
            saving_to_date_pence=int(to_date[1]), notifications_to_date=int(to_date[0]),
            cost_model_versions=sorted(versions),
            by_kind=_by_kind(by_kind_outcome, saving_by_kind),
            previewed_today=previews[True] + previews[False], preview_matched_today=previews[True],
        )


def _by_kind(by_kind_outcome: Counter[tuple[str, str]], saving: Counter[str]) -> dict[str, KindFigures]:
    kinds = sorted({kind for kind, _ in by_kind_outcome})
    return {kind: KindFigures(total=sum(n for (k, _), n in by_kind_outcome.items() if k == kind),
                              applied=by_kind_outcome.get((kind, "applied"), 0), saving_pence=saving[kind])
            for kind in kinds}


def _row(metric: NotificationMetric) -> dict[str, object]:
    return {
        "notification_id": metric.notification_id, "kind": metric.kind.value, "outcome": metric.outcome.value,
        "submitted_at": metric.submitted_at, "completed_at": metric.completed_at,
        "validate_ms": metric.validate_ms, "assess_ms": metric.assess_ms, "apply_ms": metric.apply_ms,
        "end_to_end_ms": metric.end_to_end_ms, "digital_cost_pence": metric.digital_cost_pence,
        "baseline_cost_pence": metric.baseline_cost_pence, "saving_pence": metric.saving_pence,
        "cost_model_version": metric.cost_model_version, "preview_matched": metric.preview_matched,
    }
