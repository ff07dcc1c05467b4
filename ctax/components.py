"""Builds the running parts from the settings: the revenues adapter, the stage context, the apps."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from adapters.revenues_port import RevenuesSystem
from adapters.sql.reader import RevenuesReader
from adapters.sql.revenues import SqlRevenuesSystem
from ctax.settings import Settings
from processors.pipeline.context import StageContext
from processors.rules.costs import DEFAULT_COST_MODEL, CostModel
from web.kafka_client import KafkaConnection

if TYPE_CHECKING:  # imported when chosen, so a SQL deployment never loads zeep
    from adapters.files.revenues import FileRevenuesSystem
    from adapters.soap.revenues import SoapRevenuesSystem


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a relative SQLite file so the embedded default works from a fresh checkout."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)


def revenues_system(settings: Settings) -> SqlRevenuesSystem:
    """The SQL revenues database (seeding, sample traffic and the demo's register read it directly)."""
    ensure_sqlite_folder(settings.database_url)
    revenues = SqlRevenuesSystem.from_url(settings.database_url, account_ref_prefix=settings.account_ref_prefix)
    revenues.create_schema()
    return revenues


def soap_adapter(settings: Settings) -> SoapRevenuesSystem:
    from adapters.soap.revenues import SoapRevenuesSystem

    return SoapRevenuesSystem(settings.soap_url, timeout_seconds=settings.soap_timeout_seconds)


def files_adapter(settings: Settings) -> FileRevenuesSystem:
    from adapters.files.revenues import FileRevenuesSystem

    return FileRevenuesSystem(
        outbox=settings.files_outbox, results=settings.files_results, journal=settings.files_journal,
        reporting_database=settings.files_reporting_database, council_code=settings.council_code,
        results_wait_seconds=settings.files_results_wait_seconds,
        results_alert_seconds=settings.files_results_alert_seconds)


def revenues_adapter(settings: Settings) -> RevenuesSystem:
    """The adapter the apply stage uses, as CTAX_REVENUES_ADAPTER chooses."""
    if settings.revenues_adapter == "soap":
        return soap_adapter(settings)
    if settings.revenues_adapter == "files":
        return files_adapter(settings)
    return revenues_system(settings)


def back_office_reader(settings: Settings) -> RevenuesReader | None:
    """The register and accounts as a SOAP or import-file back office holds them; None: the SQL database."""
    if settings.revenues_adapter == "soap":
        return soap_adapter(settings)
    if settings.revenues_adapter == "files":
        return files_adapter(settings)
    return None


def stage_context(settings: Settings, revenues: RevenuesSystem) -> StageContext:
    cost_model = CostModel.load(settings.cost_model_path or DEFAULT_COST_MODEL)
    return StageContext(revenues=revenues, rules=settings.council_rules(), cost_model=cost_model)


def kafka_connection(settings: Settings) -> KafkaConnection:
    return KafkaConnection(
        bootstrap=settings.kafka_bootstrap,
        security_protocol=settings.kafka_security_protocol,
        sasl_mechanism=settings.kafka_sasl_mechanism,
        sasl_username=settings.kafka_sasl_username,
        sasl_password=settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else None,
    )
