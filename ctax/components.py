"""Builds the running parts from the settings: the revenues adapter, the stage context, the apps."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.revenues_port import RevenuesSystem
from adapters.sql.reader import RevenuesReader
from adapters.sql.revenues import SqlRevenuesSystem
from ctax.settings import Settings
from processors.cost_model_file import DEFAULT_COST_MODEL, load_cost_model
from processors.pipeline.context import StageContext
from processors.rules.council import CouncilRules
from web.kafka.connection import KafkaConnection
from web.signin.accounts import ConfiguredUser, Role
from web.signin.oidc_client import OidcConfig
from web.stores.retention import StoreRetention

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

    return SoapRevenuesSystem(settings.soap_url, timeout_seconds=settings.soap_timeout_seconds,
                              calls_in_flight=settings.soap_calls_in_flight)


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
    )


def oidc_config(settings: Settings) -> OidcConfig | None:
    """The identity provider staff sign in with, or None when only local passwords are used."""
    if settings.staff_sign_in == "local" or not (
            settings.oidc_issuer and settings.oidc_client_id and settings.oidc_redirect_uri):
        return None
    return OidcConfig(
        issuer=settings.oidc_issuer, client_id=settings.oidc_client_id, redirect_uri=settings.oidc_redirect_uri,
        client_secret=settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None,
        scopes=settings.oidc_scopes, role_claim=settings.oidc_role_claim,
        role_map={claim: Role(role) for claim, role in settings.oidc_role_map.items()},
        display_name=settings.oidc_display_name,
    )


def store_retention(settings: Settings) -> StoreRetention:
    """How long each web store keeps its records (README "Retention")."""
    return StoreRetention(
        review_content=timedelta(days=settings.retention_review_content_days),
        progress=timedelta(days=settings.retention_progress_days),
        idempotency_keys=timedelta(days=settings.retention_idempotency_key_days),
        review_decisions=timedelta(days=settings.retention_review_decision_days),
        metrics=timedelta(days=settings.retention_metrics_days),
        sso_users=timedelta(days=settings.retention_sso_user_days),
        landlord_uploads=timedelta(days=settings.retention_landlord_upload_days),
    )


def configured_users(settings: Settings) -> tuple[ConfiguredUser, ...]:
    """The staff users given in CTAX_STAFF_USERS, checked (a bad entry stops the start with its error)."""
    return tuple(ConfiguredUser.model_validate(entry) for entry in settings.staff_users)


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
