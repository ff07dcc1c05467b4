"""Start the Faust worker with the product's stages, configured from the settings."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import faust
from prometheus_client import start_http_server

from ctax.kafka_admin.topic_setup import ensure_topics
from ctax.running.components import kafka_connection, revenues_adapter, stage_context
from ctax.running.garbage_collection import collect_between_batches, tune_for_batches, tune_for_service
from ctax.running.logging_setup import configure_logging
from ctax.settings import Settings
from processors.app import ProcessorConfig, build_app
from processors.stage_runner import RetryPolicy
from schemas.kafka_connection import KafkaConnection

log = logging.getLogger(__name__)


def faust_credentials(connection: KafkaConnection) -> Any:
    """Kafka TLS/SASL for Faust from the connection the settings give (None for PLAINTEXT)."""
    context = connection.ssl_context()
    if connection.uses_sasl:
        return faust.SASLCredentials(username=connection.sasl_username, password=connection.sasl_password,
                                     mechanism=connection.sasl_mechanism or "PLAIN", ssl_context=context)
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def run_worker(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format)
    connection = kafka_connection(settings)
    asyncio.run(ensure_topics(settings.kafka_bootstrap, settings.partitions, prefix=settings.topic_prefix,
                              client_options=connection.options(),
                              retention=settings.topic_retention()))
    revenues = revenues_adapter(settings)
    if settings.worker_metrics_port:
        start_http_server(settings.worker_metrics_port, addr=settings.worker_metrics_host)
        log.info("worker metrics", extra={"url": f"http://{settings.worker_metrics_host}:"
                                                 f"{settings.worker_metrics_port}/metrics"})
    app = build_app(
        ProcessorConfig(bootstrap=settings.kafka_bootstrap, partitions=settings.partitions,
                        topic_prefix=settings.topic_prefix, broker_credentials=faust_credentials(connection),
                        pipeline=settings.pipeline, batch_size=settings.batch_size,
                        batch_wait_seconds=settings.batch_wait_seconds(), publish_assessed=settings.publish_assessed,
                        retry=RetryPolicy(give_up_after_seconds=settings.parked_give_up_hours * 3600)),
        stage_context(settings, revenues),
        between_batches=collect_between_batches,
    )
    # Our own Worker rather than `faust worker`, so Faust's web server stays off (web_enabled=False).
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False,
                          override_logging=False)  # keep our JSON-lines logging
    # The fused pipeline collects garbage between its batches; the staged one (a record at a time) as a service.
    (tune_for_batches if settings.pipeline == "fused" else tune_for_service)()
    worker.execute_from_commandline()
