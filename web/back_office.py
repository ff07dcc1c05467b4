"""The staff and ops side of the web app: sign-in, the revenues workspace, review and the ops dashboard.

:class:`BackOffice` holds what those pages use while the app runs (stores, the read-only revenues reader,
the Kafka followers that feed the review queue and the ops figures, the lag monitor, the Prometheus
listener). ``create_app`` builds one in its lifespan as ``app.state.back_office``.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.sql.reader import RevenuesReader, SqlRevenuesReader
from schemas.codec import Codec, DecodeError
from schemas.events import NotificationMetric
from schemas.topics import ASSESSED, METRICS, STATUS, SUBMITTED, VALIDATED
from web.auth_sessions import SessionStore
from web.auth_throttle import LoginThrottle
from web.auth_users import ConfiguredUser, UserStore, ensure_first_admin
from web.kafka_client import KafkaConnection
from web.ops_consumer_lag import ConsumerLagMonitor, LagReading
from web.ops_metrics_store import MetricsStore
from web.ops_prometheus import WebPrometheus
from web.progress_store import create_store_engine
from web.review_store import ReviewStore
from web.staff_queries import WorkspaceQueries
from web.topic_follower import TopicFollower

PROCESSOR_APP_ID = "ctax-processor"


@dataclass(frozen=True)
class BackOfficeConfig:
    """Settings of the staff and ops side (each from a ``CTAX_*`` variable; see the README)."""

    revenues_database_url: str | None = None
    # Read accounts through the adapter the settings choose (CTAX_REVENUES_ADAPTER) instead of the SQL database.
    revenues_reader: RevenuesReader | None = None
    session_cookie_secure: bool = True  # CTAX_WEB_SECURE_COOKIES, shared with the CSRF cookie
    session_idle_minutes: int = 30
    session_lifetime_hours: int = 10
    configured_users: tuple[ConfiguredUser, ...] = ()
    create_first_admin: bool = True
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9101
    lag_interval_seconds: float = 5.0


@dataclass
class BackOffice:
    config: BackOfficeConfig
    users: UserStore
    sessions: SessionStore
    throttle: LoginThrottle
    reviews: ReviewStore
    metrics: MetricsStore
    prometheus: WebPrometheus
    revenues: RevenuesReader | None
    queries: WorkspaceQueries
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    lag: ConsumerLagMonitor | None = None
    _followers: list[TopicFollower] = field(default_factory=list)
    _closers: list[Callable[[], Any]] = field(default_factory=list)

    @classmethod
    def open(cls, config: BackOfficeConfig, web_database_url: str) -> BackOffice:
        """Create the stores (and their tables) and, on first start with no users, the first administrator."""
        engine = create_store_engine(web_database_url)
        users = UserStore(engine, config.configured_users)
        sessions = SessionStore(engine, idle=timedelta(minutes=config.session_idle_minutes),
                                lifetime=timedelta(hours=config.session_lifetime_hours))
        reviews = ReviewStore(engine)
        metrics = MetricsStore(engine)
        for store in (users, sessions, reviews, metrics):
            store.create_schema()
        if config.create_first_admin:
            ensure_first_admin(users, sys.stderr)
        reader = SqlRevenuesReader.from_url(config.revenues_database_url) if (
            config.revenues_database_url and config.revenues_reader is None) else None
        office = cls(config=config, users=users, sessions=sessions, throttle=LoginThrottle(), reviews=reviews,
                     metrics=metrics, prometheus=WebPrometheus(metrics, lambda: datetime.now(UTC)),
                     revenues=config.revenues_reader or reader, queries=WorkspaceQueries(engine))
        office._closers.append(engine.dispose)
        if reader is not None:
            office._closers.append(reader.dispose)
        return office

    def start_following(self, connection: KafkaConnection, codec: Codec, topic_prefix: str) -> None:
        """Start the Kafka followers (review content, metrics), the lag monitor and the Prometheus listener."""
        async def keep_content(records: list[Any]) -> None:
            items = [(record.key.decode(), record.value) for record in records
                     if record.key is not None and record.value is not None]
            await asyncio.to_thread(self._keep_content, items)

        async def store_metrics(records: list[Any]) -> None:
            decoded = []
            for record in records:
                try:
                    decoded.append(codec.decode(record.value, NotificationMetric))
                except (DecodeError, TypeError):
                    continue  # the processors dead-letter what they cannot read; the dashboard skips it
            new = await asyncio.to_thread(self.metrics.record, decoded)
            self.prometheus.observe(new)

        self._followers = [
            TopicFollower(connection, f"{topic_prefix}{SUBMITTED.name}", f"{topic_prefix}ctax-web-review",
                          keep_content, name="review-content-follower"),
            TopicFollower(connection, f"{topic_prefix}{METRICS.name}", f"{topic_prefix}ctax-web-ops",
                          store_metrics, name="ops-metrics-follower"),
        ]
        for follower in self._followers:
            follower.start()
        sources = [f"{topic_prefix}{spec.name}" for spec in (SUBMITTED, VALIDATED, ASSESSED, STATUS)]
        self.lag = ConsumerLagMonitor(connection, f"{topic_prefix}{PROCESSOR_APP_ID}", sources,
                                      interval_seconds=self.config.lag_interval_seconds,
                                      on_reading=self._record_lag)
        self.lag.start()
        self.prometheus.serve(self.config.metrics_host, self.config.metrics_port)

    def _keep_content(self, items: list[tuple[str, bytes]]) -> None:
        self.reviews.keep_content(items)
        self.reviews.forget_settled()

    def _record_lag(self, reading: LagReading) -> None:
        self.prometheus.record_lag(reading.by_topic, reading.checked_at)

    async def stop(self) -> None:
        for follower in self._followers:
            await follower.stop()
        if self.lag is not None:
            await self.lag.stop()
        self.prometheus.close()
        for close in self._closers:
            close()
