"""``ctax retention run``: delete what the web store no longer may keep, once (cron or a systemd timer can run it).

The web app runs the same purge every ``CTAX_RETENTION_INTERVAL_MINUTES``; topics are limited by the broker
(``retention.ms``, set by :mod:`ctax.kafka_admin.topic_setup`), not here.
"""

from __future__ import annotations

from ctax.running.components import ensure_sqlite_folder
from ctax.running.web_components import store_retention
from ctax.settings import Settings
from web.stores.database import create_store_engine
from web.stores.retention import purge_expired


def run_retention(settings: Settings) -> dict[str, int]:
    """Purge expired records from the web store; return how many rows went, by store."""
    ensure_sqlite_folder(settings.web_database_url)
    engine = create_store_engine(settings.web_database_url)
    try:
        return purge_expired(engine, store_retention(settings))
    finally:
        engine.dispose()
