"""Start the web app under uvicorn, configured from the settings."""

from __future__ import annotations

import asyncio
import logging

import uvicorn

from ctax.kafka_admin.access import KafkaAccessError
from ctax.kafka_admin.topic_setup import ensure_topics
from ctax.running.components import ensure_sqlite_folder, kafka_connection
from ctax.running.garbage_collection import tune_for_service
from ctax.running.logging_setup import configure_logging
from ctax.running.web_components import (
    bill_previewer,
    configured_users,
    oidc_config,
    refund_details,
    revenues_reader,
    store_retention,
)
from ctax.settings import Settings
from web.app import WebConfig, create_app
from web.intake.admission import AdmissionLimits
from web.staff_shell.services import StaffShellConfig

log = logging.getLogger(__name__)


def run_web(settings: Settings, host: str, port: int) -> None:
    configure_logging(settings.log_level, settings.log_format)
    try:
        asyncio.run(ensure_topics(settings.kafka_bootstrap, settings.partitions, prefix=settings.topic_prefix,
                                  attempts=2, client_options=kafka_connection(settings).options(),
                                  retention=settings.topic_retention()))
    except KafkaAccessError as error:
        if not error.retryable:  # a refused login or an untrusted certificate will not mend itself
            raise
        log.warning("could not check Kafka topics at start-up", extra={"error": str(error)})
    except Exception as error:  # noqa: BLE001 - the web app must still start and answer 503 while Kafka is down
        log.warning("could not check Kafka topics at start-up", extra={"error": type(error).__name__})
    ensure_sqlite_folder(settings.web_database_url)
    # The register and the accounts as the back office holds them, read-only, through whichever adapter is
    # chosen: the address finder and the staff workspace share this one reader (and its one pool).
    reader = revenues_reader(settings)
    app = create_app(WebConfig(
        kafka=kafka_connection(settings), council_code=settings.council_code,
        web_database_url=settings.web_database_url, topic_prefix=settings.topic_prefix,
        publish_timeout_seconds=settings.publish_timeout_seconds, council_name=settings.council_name,
        publish_ack_timeout_seconds=settings.publish_ack_timeout_seconds,
        admission=AdmissionLimits(settings.intake_in_flight, settings.intake_waiting, settings.intake_wait_ms / 1000),
        intake_rate_per_minute=settings.intake_rate_per_minute, intake_burst=settings.intake_burst,
        retention=store_retention(settings), retention_interval_seconds=settings.retention_interval_minutes * 60,
        secret_key=settings.web_secret_key.get_secret_value().encode() if settings.web_secret_key else None,
        secure_cookies=settings.web_secure_cookies,
        register=reader, refunds=refund_details(settings),
        bill_preview=bill_previewer(settings, reader),
        staff_shell=StaffShellConfig(
            revenues_reader=reader,
            configured_users=configured_users(settings),
            session_idle_minutes=settings.session_idle_minutes,
            session_lifetime_hours=settings.session_lifetime_hours,
            metrics_host=settings.web_metrics_host, metrics_port=settings.web_metrics_port,
            password_sign_in=settings.staff_sign_in != "oidc", oidc=oidc_config(settings),
        ),
    ))
    # Access logs are off: request paths carry notification ids only, but we keep logs to our own lines.
    tune_for_service()
    uvicorn.run(app, host=host, port=port, access_log=False, log_config=None, server_header=False)
