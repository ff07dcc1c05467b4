"""The staff and ops side of the web app: sign-in, the revenues workspace, review and the ops dashboard.

:class:`StaffShell` holds what those pages use while the app runs (stores, the read-only revenues reader,
the Kafka followers that feed the review queue and the ops figures, the lag monitor, the Prometheus
listener). ``create_app`` builds one in its lifespan as ``app.state.staff_shell``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from adapters.revenues_port import RevenuesReader
from adapters.sql.reader import SqlRevenuesReader
from schemas.codec import Codec, DecodeError
from schemas.events import NotificationMetric
from schemas.kafka_connection import KafkaConnection
from schemas.topics import ASSESSED, METRICS, PROCESSOR_APP_ID, STATUS, SUBMITTED, VALIDATED
from web.in_thread import in_thread
from web.kafka.consumer_lag import ConsumerLagMonitor, LagReading
from web.kafka.topic_follower import TopicFollower
from web.signin.first_admin import ensure_first_admin
from web.signin.oidc_client import OidcConfig, OidcSignIn
from web.signin.throttle import LoginThrottle, SignInThrottle
from web.staff_accounts.accounts import ConfiguredUser
from web.staff_shell.prometheus import WebPrometheus
from web.stores.metrics import MetricsStore
from web.stores.pending_sign_ins import PendingSignInStore
from web.stores.reviews import ReviewStore
from web.stores.sessions import SessionStore
from web.stores.signin_failures import SharedLoginThrottle
from web.stores.users import UserStore
from web.stores.workspace_queries import WorkspaceQueries

FORGET_SETTLED_EVERY_SECONDS = 10.0  # the content of a settled case outlives its settling by at most this


@dataclass(frozen=True)
class StaffShellConfig:
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
    password_sign_in: bool = True  # CTAX_STAFF_SIGN_IN local or both
    oidc: OidcConfig | None = None  # CTAX_STAFF_SIGN_IN oidc or both: the council's identity provider


@dataclass
class StaffShell:
    config: StaffShellConfig
    users: UserStore
    sessions: SessionStore
    throttle: SignInThrottle
    reviews: ReviewStore
    metrics: MetricsStore
    prometheus: WebPrometheus
    revenues: RevenuesReader | None
    queries: WorkspaceQueries
    pending_sign_ins: PendingSignInStore
    oidc: OidcSignIn | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    lag: ConsumerLagMonitor | None = None
    _followers: list[TopicFollower] = field(default_factory=list)
    _forgot_at: float = float("-inf")  # when the content of settled cases was last removed (monotonic seconds)
    _closers: list[Callable[[], Any]] = field(default_factory=list)

    @classmethod
    def open(cls, config: StaffShellConfig, engine: Engine) -> StaffShell:
        """Create the stores (and their tables) in the web database ``engine`` connects to and, on first start
        with no users, the first administrator. The engine stays its owner's to dispose of."""
        users = UserStore(engine, config.configured_users)
        sessions = SessionStore(engine, idle=timedelta(minutes=config.session_idle_minutes),
                                lifetime=timedelta(hours=config.session_lifetime_hours))
        reviews = ReviewStore(engine)
        metrics = MetricsStore(engine)
        pending_sign_ins = PendingSignInStore(engine)
        # One count across every web process when they share PostgreSQL; in memory for SQLite's one process.
        throttle: SignInThrottle = LoginThrottle()
        if engine.dialect.name != "sqlite":
            shared = SharedLoginThrottle(engine)
            shared.create_schema()
            throttle = shared
        for store in (users, sessions, reviews, metrics, pending_sign_ins):
            store.create_schema()
        if config.create_first_admin and config.password_sign_in:
            ensure_first_admin(users, sys.stderr)
        reader = SqlRevenuesReader.from_url(config.revenues_database_url) if (
            config.revenues_database_url and config.revenues_reader is None) else None
        office = cls(config=config, users=users, sessions=sessions, throttle=throttle, reviews=reviews,
                     metrics=metrics, prometheus=WebPrometheus(metrics, lambda: datetime.now(UTC)),
                     revenues=config.revenues_reader or reader,
                     queries=WorkspaceQueries(engine), pending_sign_ins=pending_sign_ins,
                     oidc=OidcSignIn(config.oidc) if config.oidc is not None else None)
        if reader is not None:
            office._closers.append(reader.dispose)
        return office

    def start_following(self, connection: KafkaConnection, codec: Codec, topic_prefix: str) -> None:
        """Start the Kafka followers (review content, metrics), the lag monitor and the Prometheus listener."""
        async def keep_content(records: list[Any]) -> None:
            items = [(record.key.decode(), record.value) for record in records
                     if record.key is not None and record.value is not None]
            await in_thread(self._keep_content, items)

        async def store_metrics(records: list[Any]) -> None:
            decoded = []
            for record in records:
                try:
                    decoded.append(codec.decode(record.value, NotificationMetric))
                except (DecodeError, TypeError):
                    continue  # the processors dead-letter what they cannot read; the dashboard skips it
            new = await in_thread(self.metrics.record, decoded)
            self.prometheus.observe(new)

        self._followers = [
            # Every accepted notification passes here, and a reviewer needs one only once the worker has sent it
            # to review: batches gathered for up to a tenth of a second cost far less than one per fetch.
            TopicFollower(connection, f"{topic_prefix}{SUBMITTED.name}", f"{topic_prefix}ctax-web-review",
                          keep_content, name="review-content-follower", gather_ms=100, gather_bytes=256 * 1024),
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
        # Finding the settled cases reads every notification's progress: once in a while, not for every batch
        # (at a busy intake that was a scan of the whole progress table several times a second).
        now = time.monotonic()
        if now - self._forgot_at >= FORGET_SETTLED_EVERY_SECONDS:
            self.reviews.forget_settled()
            self._forgot_at = now

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
