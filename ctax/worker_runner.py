"""Start the Faust worker with the product's stages, configured from the settings."""

from __future__ import annotations

import asyncio

import faust

from ctax.components import revenues_system, stage_context
from ctax.logging_setup import configure_logging
from ctax.settings import Settings
from ctax.topic_setup import ensure_topics
from processors.app import ProcessorConfig, build_app


def run_worker(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(ensure_topics(settings.kafka_bootstrap, settings.partitions, prefix=settings.topic_prefix))
    revenues = revenues_system(settings)
    app = build_app(
        ProcessorConfig(bootstrap=settings.kafka_bootstrap, partitions=settings.partitions,
                        topic_prefix=settings.topic_prefix),
        stage_context(settings, revenues),
    )
    # Our own Worker rather than `faust worker`, so Faust's web server stays off (web_enabled=False).
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False)
    worker.execute_from_commandline()
