"""Builds the web app's own parts from the settings: the revenues reader, staff users, sign-in, retention."""

from __future__ import annotations

from datetime import timedelta

from adapters.sql.reader import SqlRevenuesReader
from ctax.running.components import RegisterReader, back_office_reader, council_rules, ensure_sqlite_folder
from ctax.settings import Settings
from processors.preview.previewer import BillPreviewer, RegisterFacts
from schemas.bank_details import BankDetailsSealer
from schemas.modulus_check import load_tables
from web.intake.refund_details import RefundDetails
from web.signin.oidc_client import OidcConfig
from web.staff_accounts.accounts import ConfiguredUser, Role
from web.stores.retention import StoreRetention


def revenues_reader(settings: Settings) -> RegisterReader:
    """The one way the web app reads the revenues system: the chosen adapter's reads, or SQL on a read-only pool."""
    reader = back_office_reader(settings)
    if reader is not None:
        return reader
    ensure_sqlite_folder(settings.revenues_database_url)
    return SqlRevenuesReader.from_url(settings.revenues_database_url)


def bill_previewer(settings: Settings, register: RegisterFacts) -> BillPreviewer:
    """The bill before sending: the worker's own checks and rules (processors/preview) over the register as the
    read-only ``register`` reads it, for the check-answers page and ``POST /api/v1/notifications/preview``."""
    return BillPreviewer(register=register, rules=council_rules(settings))


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


def refund_details(settings: Settings) -> RefundDetails | None:
    """The key and modulus tables bank details for refunds are checked and sealed with; None unless both are set
    (a malformed key or table stops the start with its error)."""
    if not settings.bank_details_keys or settings.modulus_tables_dir is None:
        return None
    return RefundDetails(BankDetailsSealer([key.get_secret_value() for key in settings.bank_details_keys]),
                         load_tables(settings.modulus_tables_dir))
