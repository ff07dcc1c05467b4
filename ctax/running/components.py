"""Builds the parts the worker and the web app share from the settings: the revenues adapter, the rules, Kafka.

Nothing here imports the web side: the worker loads this module (the web-only parts are in web_components.py).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from adapters.revenues_port import RevenuesReader, RevenuesSystem
from adapters.sql.revenues import SqlRevenuesSystem
from ctax.running.bank_details_key import bank_details_sealer
from ctax.settings import Settings
from processors.cost_model_file import DEFAULT_COST_MODEL, load_cost_model
from processors.pipeline.context import StageContext
from processors.preview.previewer import RegisterFacts
from processors.rules.council import CouncilRules, EmptyHomeRules
from schemas.kafka_connection import KafkaConnection

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
    ensure_sqlite_folder(settings.revenues_database_url)
    revenues = SqlRevenuesSystem.from_url(settings.revenues_database_url,
                                          account_ref_prefix=settings.account_ref_prefix)
    revenues.create_schema()
    return revenues


def soap_adapter(settings: Settings) -> SoapRevenuesSystem:
    from adapters.soap.revenues import SoapRevenuesSystem

    return SoapRevenuesSystem(settings.soap_url, timeout_seconds=settings.soap_timeout_seconds,
                              calls_in_flight=settings.soap_calls_in_flight, bank_details=bank_details_sealer(settings))


def files_adapter(settings: Settings) -> FileRevenuesSystem:
    from adapters.files.revenues import FileRevenuesSystem

    return FileRevenuesSystem(
        outbox=settings.files_outbox, results=settings.files_results, journal=settings.files_journal,
        reporting_database=settings.files_reporting_database, council_code=settings.council_code,
        results_wait_seconds=settings.files_results_wait_seconds,
        results_alert_seconds=settings.files_results_alert_seconds, bank_details=bank_details_sealer(settings))


def revenues_adapter(settings: Settings) -> RevenuesSystem:
    """The adapter the apply stage uses, as CTAX_REVENUES_ADAPTER chooses."""
    if settings.revenues_adapter == "soap":
        return soap_adapter(settings)
    if settings.revenues_adapter == "files":
        return files_adapter(settings)
    return revenues_system(settings)


class RegisterReader(RevenuesReader, RegisterFacts, Protocol):
    """The revenues system read-only: what the staff pages read, and the register facts the bill preview reads."""


def back_office_reader(settings: Settings) -> RegisterReader | None:
    """The register and accounts as a SOAP or import-file back office holds them; None: the SQL database."""
    if settings.revenues_adapter == "soap":
        return soap_adapter(settings)
    if settings.revenues_adapter == "files":
        return files_adapter(settings)
    return None


def council_rules(settings: Settings) -> CouncilRules:
    """The council's figures for the rules, from the settings."""
    return CouncilRules(
        council_code=settings.council_code,
        band_d_pence=dict(settings.band_d_pence),
        payment_day=settings.payment_day,
        move_ahead_days=settings.move_ahead_days,
        move_back_days=settings.move_back_days,
        fold_small_first_instalment=settings.fold_small_first_instalment,
        five_pound_minimum_instalment=settings.five_pound_minimum_instalment,
        empty_homes=empty_home_rules(settings),
        refund_approval_threshold_pence=settings.refund_approval_threshold_pence,
    )


def empty_home_rules(settings: Settings) -> EmptyHomeRules:
    """The council's empty-home discount and premiums: what it set, else the rules' defaults."""
    default = EmptyHomeRules()
    premiums = settings.long_term_empty_premiums
    return replace(
        default,
        discount_percent=_chosen(settings.empty_discount_percent, default.discount_percent),
        discount_months=_chosen(settings.empty_discount_months, default.discount_months),
        long_term_premiums=default.long_term_premiums if premiums is None else tuple(sorted(premiums.items())),
        second_home_premium_percent=_chosen(settings.second_home_premium_percent,
                                            default.second_home_premium_percent))


def _chosen(value: int | None, default: int) -> int:
    return default if value is None else value


def stage_context(settings: Settings, revenues: RevenuesSystem) -> StageContext:
    cost_model = load_cost_model(settings.cost_model_path or DEFAULT_COST_MODEL)
    return StageContext(revenues=revenues, rules=council_rules(settings), cost_model=cost_model)


def kafka_connection(settings: Settings) -> KafkaConnection:
    return KafkaConnection(
        bootstrap=settings.kafka_bootstrap,
        security_protocol=settings.kafka_security_protocol,
        sasl_mechanism=settings.kafka_sasl_mechanism,
        sasl_username=settings.kafka_sasl_username,
        sasl_password=settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else None,
        ssl_cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None,
    )
