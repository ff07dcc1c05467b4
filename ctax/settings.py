"""All configuration in one typed object, read once from ``CTAX_*`` environment variables at start-up."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ctax.topic_retention import TopicRetention
from processors.rules.council import CouncilRules
from web.signin.accounts import ConfiguredUser, Role
from web.signin.oidc_client import OidcConfig
from web.stores.retention import StoreRetention

# Band D charges (pence) by the year each financial year starts. The embedded default council is fictional;
# its figures are close to the 2024/25 and 2025/26 England averages (£2,171 and £2,280) and rise about 5%.
DEFAULT_BAND_D = {2024: 217100, 2025: 228000, 2026: 239400, 2027: 251400}


class Settings(BaseSettings):
    """Every setting, with its ``CTAX_`` environment variable name in the README."""

    model_config = SettingsConfigDict(env_prefix="CTAX_", env_file=".env", extra="ignore")

    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, host:port[,host:port]")
    database_url: str = Field("sqlite:///var/revenues.db", description="The legacy revenues database")
    web_database_url: str = Field("sqlite:///var/web.db", description="The web app's own store (progress, keys)")
    council_code: str = Field("E99999999", description="ONS code of the council this deployment serves")
    council_name: str = "Exampleshire District Council"
    band_d_pence: Annotated[dict[int, int], NoDecode] = Field(default_factory=lambda: dict(DEFAULT_BAND_D))
    payment_day: int = Field(1, ge=1, le=28, description="Default instalment day for accounts that chose none")
    fold_small_first_instalment: bool = Field(
        True, description="SI 1992/613 Sch. 1 para 2(7): fold the 2nd instalment into a 1st under £5")
    five_pound_minimum_instalment: bool = Field(
        True, description="SI 1992/613 Sch. 1 para 3: total under £10 in one; else at most one instalment per £5")
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
    # Staff and ops sign-in (web/signin/): users from configuration, session lengths, the metrics listener.
    staff_users: Annotated[list[ConfiguredUser], NoDecode] = Field(
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
    oidc_role_map: Annotated[dict[str, Role], NoDecode] = Field(
        default_factory=lambda: {"ctax-staff": Role.STAFF, "ctax-ops": Role.OPS, "ctax-admin": Role.ADMIN},
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
    retention_interval_minutes: float = Field(60, ge=0, description="How often the web app purges; 0 = never")
    retention_notification_topic_days: int = Field(30, ge=1, description="submitted, validated, assessed, retries")
    retention_status_topic_days: int = Field(30, ge=1)
    retention_dead_letter_topic_days: int = Field(30, ge=1)
    retention_metrics_topic_days: int = Field(365, ge=1, description="The metrics stream (no personal data)")

    @field_validator("band_d_pence", mode="before")
    @classmethod
    def _band_d_from_json(cls, value: object) -> object:
        # CTAX_BAND_D_PENCE='{"2026": 239400}'
        if isinstance(value, str):
            return {int(k): int(v) for k, v in json.loads(value).items()}
        return value

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

    def oidc_config(self) -> OidcConfig | None:
        """The identity provider staff sign in with, or None when only local passwords are used."""
        if self.staff_sign_in == "local" or not (self.oidc_issuer and self.oidc_client_id and self.oidc_redirect_uri):
            return None
        return OidcConfig(
            issuer=self.oidc_issuer, client_id=self.oidc_client_id, redirect_uri=self.oidc_redirect_uri,
            client_secret=self.oidc_client_secret.get_secret_value() if self.oidc_client_secret else None,
            scopes=self.oidc_scopes, role_claim=self.oidc_role_claim, role_map=dict(self.oidc_role_map),
            display_name=self.oidc_display_name,
        )

    @field_validator("staff_users", mode="before")
    @classmethod
    def _staff_users_from_json(cls, value: object) -> object:
        # CTAX_STAFF_USERS='[{"username": "jo", "name": "Jo Bloggs", "role": "staff", "password_hash": "..."}]'
        return json.loads(value) if isinstance(value, str) else value

    def store_retention(self) -> StoreRetention:
        return StoreRetention(
            review_content=timedelta(days=self.retention_review_content_days),
            progress=timedelta(days=self.retention_progress_days),
            idempotency_keys=timedelta(days=self.retention_idempotency_key_days),
            review_decisions=timedelta(days=self.retention_review_decision_days),
            metrics=timedelta(days=self.retention_metrics_days),
            sso_users=timedelta(days=self.retention_sso_user_days),
        )

    def topic_retention(self) -> TopicRetention:
        return TopicRetention(
            notification_days=self.retention_notification_topic_days, status_days=self.retention_status_topic_days,
            dead_letter_days=self.retention_dead_letter_topic_days, metrics_days=self.retention_metrics_topic_days)

    def council_rules(self) -> CouncilRules:
        return CouncilRules(
            council_code=self.council_code,
            band_d_pence=dict(self.band_d_pence),
            payment_day=self.payment_day,
            move_ahead_days=self.move_ahead_days,
            move_back_days=self.move_back_days,
            fold_small_first_instalment=self.fold_small_first_instalment,
            five_pound_minimum_instalment=self.five_pound_minimum_instalment,
        )


def load_settings() -> Settings:
    return Settings()
