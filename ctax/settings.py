"""All configuration in one typed object, read once from ``CTAX_*`` environment variables at start-up."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from ctax.kafka_admin.topic_retention import TopicRetention
from ctax.running.local_services import recorded_settings

log = logging.getLogger(__name__)

# Settings that were renamed: old name -> new name. The old name (setting or CTAX_ variable) is still read, with a
# warning, and the new one wins when both are given.
RENAMED = {"database_url": "revenues_database_url"}

# Band D charges (pence) by the year each financial year starts. The embedded default council is fictional;
# its figures are close to the 2024/25 and 2025/26 England averages (£2,171 and £2,280) and rise about 5%.
DEFAULT_BAND_D = {2024: 217100, 2025: 228000, 2026: 239400, 2027: 251400}


class LocalServicesSource(PydanticBaseSettingsSource):
    """Settings recorded by locally started services (the demo, `ctax kafka start`): ctax/running/local_services.py."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ returns every recorded value at once

    def __call__(self) -> dict[str, Any]:
        fields = self.settings_cls.model_fields
        return {name: setting.value for name, setting in recorded_settings().items()
                if name in fields or name in RENAMED}


class RenamedVariablesSource(PydanticBaseSettingsSource):
    """``CTAX_*`` variables under a setting's old name (``CTAX_DATABASE_URL``), from the environment or the
    ``.env`` file, below every other source."""

    def __init__(self, settings_cls: type[BaseSettings], dotenv: PydanticBaseSettingsSource) -> None:
        super().__init__(settings_cls)
        self._dotenv = dotenv

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ returns every old variable at once

    def __call__(self) -> dict[str, Any]:
        # The .env file's variables, as pydantic-settings loaded them (names lower-cased).
        from_file: dict[str, Any] = dict(getattr(self._dotenv, "env_vars", {}))
        found: dict[str, Any] = {}
        for old in RENAMED:
            variable = f"CTAX_{old.upper()}"
            value = os.environ.get(variable, from_file.get(variable.lower()))
            if value is not None:
                found[old] = value
        return found


class Settings(BaseSettings):
    """Every setting, with its ``CTAX_`` environment variable name in the README."""

    model_config = SettingsConfigDict(env_prefix="CTAX_", env_file=".env", extra="ignore")

    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, host:port[,host:port]")
    revenues_database_url: str = Field("sqlite:///var/revenues.db", description="The legacy revenues database")
    # Which adapter the apply stage talks to the revenues system through, and what each needs (adapters/README.md).
    revenues_adapter: str = Field("sql", pattern="^(sql|soap|files)$",
                                  description="sql (CTAX_REVENUES_DATABASE_URL), soap or files (CTAX_SOAP_*, _FILES_*)")
    soap_url: str = Field("http://127.0.0.1:8085/revenues", description="The back office's SOAP service address")
    soap_timeout_seconds: float = Field(10.0, gt=0, le=300, description="Per-call timeout of the SOAP adapter")
    soap_calls_in_flight: int = Field(64, ge=1, le=256, description="Changes to different properties the SOAP "
                                      "adapter keeps in flight together (a slow service is kept busy)")
    soap_batch_wait_ms: float = Field(100.0, ge=0, le=1000, description="Fused pipeline over soap: how long a "
                                      "batch is let fill (each batch makes a few look-ups one after another)")
    files_outbox: Path = Field(Path("var/legacy/inbox"), description="Where import files are put for the back office")
    files_results: Path = Field(Path("var/legacy/results"), description="Where the back office's results files appear")
    files_journal: Path = Field(Path("var/revenues-files/journal.db"),
                                description="Which file holds which notification; shared by every worker")
    files_reporting_database: Path = Field(Path("var/legacy/revenues.db"),
                                           description="The back office's read-only reporting database (SQLite)")
    files_results_wait_seconds: float = Field(30.0, gt=0, le=3600,
                                              description="How long one apply waits for results before parking")
    files_results_alert_seconds: float = Field(900.0, gt=0, description="Results overdue after this: alert")
    web_database_url: str = Field("sqlite:///var/web.db", description="The web app's own store (progress, keys)")
    council_code: str = Field("E99999999", description="ONS code of the council this deployment serves")
    council_name: str = "Exampleshire District Council"
    band_d_pence: Annotated[dict[int, int], NoDecode] = Field(default_factory=lambda: dict(DEFAULT_BAND_D))
    payment_day: int = Field(1, ge=1, le=28, description="Default instalment day for accounts that chose none")
    fold_small_first_instalment: bool = Field(
        True, description="SI 1992/613 Sch. 1 para 2(7): fold the 2nd instalment into a 1st under £5")
    five_pound_minimum_instalment: bool = Field(
        True, description="SI 1992/613 Sch. 1 para 3: total under £10 in one; else at most one instalment per £5")
    # Empty homes, the owner liable (LGFA 1992 s.6(2)(f)): the council's discount and premiums (s.11A-11C).
    # Unset: the defaults of processors/rules/council.py EmptyHomeRules (no discount; premiums 100% after 1 year,
    # 200% after 5, 300% after 10; second homes 100%).
    empty_discount_percent: int | None = Field(None, ge=0, le=100,
                                               description="s.11A: discount while a home has been empty a short time")
    empty_discount_months: int | None = Field(None, ge=0, le=120,
                                              description="How long from the day a home became empty it lasts")
    long_term_empty_premiums: Annotated[dict[int, int] | None, NoDecode] = Field(
        None, description='s.11B: years empty -> premium percent, e.g. {"1": 100, "5": 200, "10": 300}')
    second_home_premium_percent: int | None = Field(None, ge=0, le=100,
                                                    description="s.11C: furnished, no one's main residence")
    move_ahead_days: int = Field(14, ge=0)
    move_back_days: int = Field(90, ge=0)
    account_ref_prefix: str = Field("", max_length=6)
    partitions: int = Field(4, ge=1, le=64)
    pipeline: str = Field("fused", pattern="^(fused|staged)$", description="fused (batched) or staged (per event)")
    batch_size: int = Field(500, ge=1, le=10_000)
    batch_wait_ms: float = Field(5.0, ge=0, le=1000)
    publish_assessed: bool = Field(False, description="fused pipeline: also publish each AccountChange")
    topic_prefix: str = Field("", pattern=r"^[A-Za-z0-9._-]*$", max_length=60)
    cost_model_path: Path | None = None
    publish_timeout_seconds: float = Field(10.0, gt=0, le=120)
    # The intake's back-pressure (web/intake/admission.py): beyond these it answers 503 with Retry-After.
    publish_ack_timeout_seconds: float = Field(2.0, gt=0, le=120, description="Longest wait for Kafka's "
                                               "acknowledgement of one notification before answering 503")
    intake_in_flight: int = Field(64, ge=1, description="Notifications the intake stores and publishes at once")
    intake_waiting: int = Field(64, ge=0, description="Requests that may wait for one of those places")
    intake_wait_ms: float = Field(500.0, ge=0, le=10_000, description="Longest wait for a place")
    worker_metrics_host: str = "127.0.0.1"
    worker_metrics_port: int = Field(9102, ge=0, le=65535, description="Prometheus /metrics of the worker; 0 = off")
    intake_rate_per_minute: float = Field(600.0, ge=0, description="Public POSTs per client address; 0 = off")
    intake_burst: int = Field(100, ge=1)
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    web_secret_key: SecretStr | None = Field(None, description="Signs form (CSRF) tokens; random per process if unset")
    web_secure_cookies: bool = Field(True, description="Mark cookies Secure (browsers still accept them on localhost)")
    log_format: str = Field("json", pattern="^(json|text)$")
    log_level: str = "INFO"
    kafka_security_protocol: str = Field("PLAINTEXT", pattern="^(PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL)$")
    kafka_sasl_mechanism: str | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = Field(None, description="PEM file of the CA(s) the broker's certificate must "
                                          "chain to (SSL, SASL_SSL); the system's trusted CAs if unset")
    # Staff and ops sign-in (web/signin/): users from configuration, session lengths, the metrics listener.
    # Checked into web.staff_accounts.accounts.ConfiguredUser at start-up (ctax.running.web_components).
    staff_users: Annotated[list[dict[str, str]], NoDecode] = Field(
        default_factory=list, description='JSON list of {"username", "name", "role", "password_hash"}')
    session_idle_minutes: int = Field(30, ge=1, le=24 * 60)
    session_lifetime_hours: int = Field(10, ge=1, le=7 * 24)
    web_metrics_host: str = "127.0.0.1"
    web_metrics_port: int = Field(9101, ge=0, le=65535, description="Prometheus /metrics of the web app; 0 = off")
    # Staff sign-in through the council's OpenID Connect provider (web/signin/oidc_client.py); README "Security".
    staff_sign_in: str = Field("local", pattern="^(local|oidc|both)$",
                               description="local passwords, the council's OpenID provider, or both")
    oidc_issuer: str | None = Field(None, description="The provider's issuer URL (its discovery document's issuer)")
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = Field(None, description="None: a public client (PKCE only)")
    oidc_redirect_uri: str | None = Field(None, description="https://<this service>/sign-in/oidc/callback")
    oidc_scopes: str = "openid profile email"
    oidc_role_claim: str = Field("roles", description="The ID token claim holding roles or groups")
    # Checked into web.staff_accounts.accounts.Role by ctax.running.web_components.oidc_config at start-up.
    oidc_role_map: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=lambda: {"ctax-staff": "staff", "ctax-ops": "ops", "ctax-admin": "admin"},
        description='JSON {"claim value": "staff"|"ops"|"admin"}; values not listed give no role')
    oidc_display_name: str = Field("your council account", description='Shown as "Sign in with ..."')
    parked_give_up_hours: float = Field(
        48, gt=0, description="A notification parked (revenues system unavailable) this long is dead-lettered")
    # Retention (storage limitation): how long each store and topic keeps records; README "Retention".
    retention_review_content_days: int = Field(90, ge=1, description="Notifications as sent, for the review page")
    retention_progress_days: int = Field(180, ge=1, description="Progress records residents look up")
    retention_idempotency_key_days: int = Field(7, ge=1, description="Intake Idempotency-Key answers")
    retention_review_decision_days: int = Field(2190, ge=1, description="Officers' decisions (the audit trail)")
    retention_metrics_days: int = Field(730, ge=1, description="The ops dashboard's per-notification timings")
    retention_sso_user_days: int = Field(400, ge=1, description="Staff known from the identity provider")
    retention_landlord_upload_days: int = Field(180, ge=1, description="Landlords' uploads and each row's result")
    retention_interval_minutes: float = Field(60, ge=0, description="How often the web app purges; 0 = never")
    retention_notification_topic_days: int = Field(TopicRetention.notification_days, ge=1,
                                                   description="submitted, validated, assessed, retries")
    retention_status_topic_days: int = Field(TopicRetention.status_days, ge=1)
    retention_dead_letter_topic_days: int = Field(TopicRetention.dead_letter_days, ge=1)
    retention_metrics_topic_days: int = Field(TopicRetention.metrics_days, ge=1,
                                              description="The metrics stream (no personal data)")
    # Credits (issue 16): a final bill's credit to the mover's other account, or refunded; README "Credits".
    bank_details_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list, description="Fernet keys sealing refund bank details, comma-separated, the newest "
        "first (`ctax bank-details-key` makes one); none: a local key made once in CTAX_BANK_DETAILS_LOCAL_KEY_FILE "
        "(fine on one machine, not for production)")
    bank_details_local_key_file: Path = Field(Path("var/bank-details.key"), description="Where the local key is "
                                              "kept when CTAX_BANK_DETAILS_KEYS is not set (mode 0600)")
    modulus_tables_dir: Path | None = Field(None, description="Folder of Vocalink's current valacdos.txt and "
                                            "scsubtab.txt; none: the copy shipped with ctax (version 8.50)")
    refunds_offered: bool = Field(True, description="Whether the move-out form and the API take bank details to "
                                  "refund a final bill's credit to; false: credit stays for the council to settle")
    refund_approval_threshold_pence: int = Field(50000, ge=0, description="Refunds above this wait for an "
                                                 "officer's approval (not the officer who corrected the case)")
    retention_refund_bank_details_days: int = Field(
        35, ge=1, description="A paid refund's sealed bank details are kept this long (a returned payment), then "
        "purged by `ctax retention run`")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment and .env first; what a running demo or `ctax kafka start` recorded fills in the rest.
        return (init_settings, env_settings, dotenv_settings, LocalServicesSource(settings_cls),
                RenamedVariablesSource(settings_cls, dotenv_settings), file_secret_settings)

    @model_validator(mode="before")
    @classmethod
    def _old_names(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for old, new in RENAMED.items():
            if old in data:
                log.warning("setting %s (CTAX_%s) is now %s (CTAX_%s); please rename it",
                            old, old.upper(), new, new.upper())
                value = data.pop(old)
                data.setdefault(new, value)
        return data

    @field_validator("band_d_pence", mode="before")
    @classmethod
    def _band_d_from_json(cls, value: object) -> object:
        # CTAX_BAND_D_PENCE='{"2026": 239400}'
        if isinstance(value, str):
            return {int(k): int(v) for k, v in json.loads(value).items()}
        return value

    @field_validator("long_term_empty_premiums", mode="before")
    @classmethod
    def _premiums_from_json(cls, value: object) -> object:
        # CTAX_LONG_TERM_EMPTY_PREMIUMS='{"1": 100, "5": 200, "10": 300}'
        return {int(k): int(v) for k, v in json.loads(value).items()} if isinstance(value, str) else value

    @field_validator("long_term_empty_premiums")
    @classmethod
    def _premiums_within_the_law(cls, value: dict[int, int] | None) -> dict[int, int] | None:
        # s.11B(1), as amended: at most 100% from 1 year empty, 200% from 5 years, 300% from 10 years.
        for years, percent in (value or {}).items():
            ceiling = 300 if years >= 10 else 200 if years >= 5 else 100
            if years < 1 or not 0 <= percent <= ceiling:
                raise ValueError(f"a premium of {percent}% after {years} year(s) empty is outside s.11B "
                                 "(at least 1 year; at most 100% from 1 year, 200% from 5, 300% from 10)")
        return value

    @field_validator("bank_details_keys", mode="before")
    @classmethod
    def _keys_from_text(cls, value: object) -> object:
        return [key.strip() for key in value.split(",") if key.strip()] if isinstance(value, str) else value

    @field_validator("oidc_role_map", mode="before")
    @classmethod
    def _role_map_from_json(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _oidc_is_complete(self) -> Settings:
        if self.staff_sign_in != "local" and not (self.oidc_issuer and self.oidc_client_id and self.oidc_redirect_uri):
            raise ValueError("CTAX_STAFF_SIGN_IN=oidc or both needs CTAX_OIDC_ISSUER, CTAX_OIDC_CLIENT_ID and "
                             "CTAX_OIDC_REDIRECT_URI")
        return self

    @field_validator("staff_users", mode="before")
    @classmethod
    def _staff_users_from_json(cls, value: object) -> object:
        # CTAX_STAFF_USERS='[{"username": "jo", "name": "Jo Bloggs", "role": "staff", "password_hash": "..."}]'
        return json.loads(value) if isinstance(value, str) else value


    def batch_wait_seconds(self) -> float:
        """How long the fused pipeline lets a batch fill: longer over SOAP, where each batch's look-ups take
        some 100 ms a call, one after another, so a batch of a few ms' worth of events wastes them."""
        return (self.soap_batch_wait_ms if self.revenues_adapter == "soap" else self.batch_wait_ms) / 1000

    def topic_retention(self) -> TopicRetention:
        return TopicRetention(
            notification_days=self.retention_notification_topic_days, status_days=self.retention_status_topic_days,
            dead_letter_days=self.retention_dead_letter_topic_days, metrics_days=self.retention_metrics_topic_days)


def load_settings() -> Settings:
    return Settings()
