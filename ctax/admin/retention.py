"""``ctax retention run``: delete what the web store no longer may keep, once (cron or a systemd timer can run it).

The web app runs the same purge of its store every ``CTAX_RETENTION_INTERVAL_MINUTES``; refunds' bank details in
the revenues database (SQL adapter) go only here, by ``CTAX_RETENTION_REFUND_BANK_DETAILS_DAYS``. Topics are
limited by the broker (``retention.ms``, set by :mod:`ctax.kafka_admin.topic_setup`), not here.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from adapters.sql.refund_retention import purge_refund_bank_details
from adapters.sql.revenues import SqlRevenuesSystem
from ctax.running.components import ensure_sqlite_folder
from ctax.running.web_components import store_retention
from ctax.settings import Settings
from web.stores.database import create_store_engine
from web.stores.retention import purge_expired


def run_retention(settings: Settings) -> dict[str, int]:
    """Purge expired records from the web store, and refunds' bank details from the revenues database (when it is
    ours: the SQL adapter); return how many rows went, by store."""
    ensure_sqlite_folder(settings.web_database_url)
    engine = create_store_engine(settings.web_database_url)
    try:
        purged = purge_expired(engine, store_retention(settings))
    finally:
        engine.dispose()
    if settings.revenues_adapter == "sql":
        purged["refund bank details"] = _purge_refund_bank_details(settings)
    return purged


def _purge_refund_bank_details(settings: Settings) -> int:
    url = settings.revenues_database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return 0  # no revenues database here (the worker's host keeps it)
    revenues = SqlRevenuesSystem.from_url(settings.revenues_database_url)
    try:
        paid_before = date.today() - timedelta(days=settings.retention_refund_bank_details_days)  # noqa: DTZ011
        return purge_refund_bank_details(revenues.engine, paid_before)
    finally:
        revenues.dispose()
