"""The web application: the intake API, the resident pages, the staff workspace and the ops dashboard."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace

from fastapi import FastAPI

from adapters.revenues_port import PropertyRegister
from adapters.sql.engines import is_sqlite
from schemas.codec import shared_codec
from schemas.kafka_connection import KafkaConnection
from schemas.topics import STATUS, SUBMITTED
from web.http.api_docs import install_api_docs
from web.http.body_size_limit import BodySizeLimit
from web.http.csrf import CsrfProtection
from web.http.error_pages import form_expired_page, form_unreadable_page, install_error_pages
from web.http.frontend_assets import mount_frontend_assets
from web.http.page_templates import PageTemplates
from web.http.rate_limit import IntakeRateLimit
from web.http.security_headers import SecurityHeaders
from web.intake.admission import AdmissionLimits
from web.intake.api import router as intake_router
from web.intake.bill_preview import Previewer
from web.intake.preview_api import router as preview_router
from web.intake.publisher import NotificationPublisher
from web.intake.refund_details import RefundDetails
from web.intake.runtime import WebRuntime
from web.kafka.status_follower import StatusFollower
from web.landlords.routes import UPLOAD_BODY_BYTES, UPLOAD_PATH
from web.landlords.sending import keep_sending
from web.resident.routes import install_resident_pages
from web.staff_routes import install_staff_pages
from web.staff_shell.services import StaffShell, StaffShellConfig
from web.stores.database import create_store_engine
from web.stores.landlord_uploads import LandlordUploadStore
from web.stores.progress import ProgressStore
from web.stores.rate_buckets import SharedTokenBuckets
from web.stores.retention import StoreRetention
from web.stores.retention_schedule import RetentionSchedule


@dataclass(frozen=True)
class WebConfig:
    kafka: KafkaConnection
    council_code: str
    web_database_url: str  # the web app's own store (CTAX_WEB_DATABASE_URL)
    council_name: str  # CTAX_COUNCIL_NAME
    publish_timeout_seconds: float = 10.0  # connecting to Kafka
    publish_ack_timeout_seconds: float = 2.0  # Kafka's acknowledgement of one notification; then 503
    admission: AdmissionLimits = field(default_factory=AdmissionLimits)  # the intake's back-pressure
    topic_prefix: str = ""
    secret_key: bytes | None = None  # signs CSRF tokens; None = a random key per process
    secure_cookies: bool = True
    register: PropertyRegister | None = None  # the property register the resident pages search
    staff_shell: StaffShellConfig = field(default_factory=StaffShellConfig)  # staff and ops pages
    intake_rate_per_minute: float = 600.0  # per client address, public POSTs; 0 turns the limit off
    intake_burst: int = 100
    retention: StoreRetention | None = None  # how long the web store keeps records; None: this process never purges
    retention_interval_seconds: float = 3600.0  # how often this process purges expired records; 0 = never
    refunds: RefundDetails | None = None  # bank details for refunds: checked and sealed with these; None: not taken
    bill_preview: Previewer | None = None  # the bill before sending (ctax wires the worker's rules in); None: not shown


def create_app(config: WebConfig) -> FastAPI:
    # One engine (one pool) for the web database, shared by every store of this process; it connects on first
    # use and is disposed of when the app stops.
    engine = create_store_engine(config.web_database_url)
    # Intake buckets shared by every web process through PostgreSQL; in memory with SQLite (one process).
    shared_buckets = (None if is_sqlite(config.web_database_url) else
                      SharedTokenBuckets(engine, config.intake_rate_per_minute, config.intake_burst))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = ProgressStore(engine)
        store.create_schema()
        if shared_buckets is not None:
            shared_buckets.create_schema()
        codec = shared_codec()
        runtime = WebRuntime(
            council_code=config.council_code, codec=codec, store=store,
            publisher=NotificationPublisher(config.kafka, f"{config.topic_prefix}{SUBMITTED.name}",
                                            timeout_seconds=config.publish_timeout_seconds,
                                            ack_timeout_seconds=config.publish_ack_timeout_seconds),
            follower=StatusFollower(config.kafka, store, codec, topic=f"{config.topic_prefix}{STATUS.name}",
                                    group_id=f"{config.topic_prefix}ctax-web-progress"),
            admission=config.admission.gate(), refunds=config.refunds,
        )
        app.state.runtime = runtime
        connecting = asyncio.create_task(runtime.publisher.warm_up())  # the first notification need not wait
        runtime.follower.start()
        office = StaffShell.open(replace(config.staff_shell, session_cookie_secure=config.secure_cookies), engine)
        app.state.staff_shell = office
        office.start_following(config.kafka, codec, config.topic_prefix)
        retention = RetentionSchedule(engine, config.retention, config.retention_interval_seconds)
        retention.start()
        uploads = LandlordUploadStore(engine)
        uploads.create_schema()
        app.state.landlord_uploads = uploads
        app.state.landlord_rows_waiting = asyncio.Event()  # set by an upload: its rows are sent at once
        resend = asyncio.create_task(keep_sending(runtime, uploads, app.state.landlord_rows_waiting))
        try:
            yield
        finally:
            connecting.cancel()
            resend.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await resend  # its store calls finish (and give their connections back) before the pool goes
            await retention.stop()
            await office.stop()
            await runtime.follower.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await connecting  # a producer it started is stopped below with the rest
            await runtime.publisher.stop()
            await asyncio.to_thread(store.writes.stop)  # the writes already queued are committed first
            engine.dispose()

    app = FastAPI(
        title="Council tax change of circumstance",
        version="1.0.0",
        description="Tell the council about a change of circumstance (moving in, out or within the area, single "
                    "person discount, who lives there, students, change of name, payment arrangement); follow "
                    "the notification.",
        lifespan=lifespan,
        docs_url=None,  # served by install_api_docs from local files, not a CDN
    )
    app.state.pages = PageTemplates(council_name=config.council_name)
    app.state.bill_preview = config.bill_preview
    app.add_middleware(CsrfProtection, secret=config.secret_key or secrets.token_bytes(32),
                       secure_cookie=config.secure_cookies, failure_page=form_expired_page,
                       unreadable_page=form_unreadable_page)
    app.add_middleware(BodySizeLimit, larger_paths={UPLOAD_PATH: UPLOAD_BODY_BYTES})
    app.add_middleware(IntakeRateLimit, per_minute=config.intake_rate_per_minute, burst=config.intake_burst,
                       buckets=shared_buckets)
    app.add_middleware(SecurityHeaders)
    app.include_router(preview_router)  # before the intake's /notifications/{notification_id}
    app.include_router(intake_router)
    install_resident_pages(app, engine=engine, register=config.register,
                           secure_cookies=config.secure_cookies)
    install_staff_pages(app)
    mount_frontend_assets(app)
    install_api_docs(app)

    install_error_pages(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
