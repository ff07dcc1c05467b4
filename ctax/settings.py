"""All configuration in one typed object, read once from ``CTAX_*`` environment variables at start-up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from processors.rules.council import CouncilRules
from web.auth_users import ConfiguredUser

# Band D charges (pence) by the year each financial year starts. The embedded default council is fictional;
# its figures are close to the 2024/25 and 2025/26 England averages (£2,171 and £2,280) and rise about 5%.
DEFAULT_BAND_D = {2024: 217100, 2025: 228000, 2026: 239400, 2027: 251400}


class Settings(BaseSettings):
    """Every setting, with its ``CTAX_`` environment variable name in the README."""

    model_config = SettingsConfigDict(env_prefix="CTAX_", env_file=".env", extra="ignore")

    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, host:port[,host:port]")
    database_url: str = Field("sqlite:///var/revenues.db", description="The legacy revenues database")
    # Which adapter the apply stage talks to the revenues system through, and what each needs (adapters/README.md).
    revenues_adapter: str = Field("sql", pattern="^(sql|soap|files)$",
                                  description="sql (CTAX_DATABASE_URL), soap (CTAX_SOAP_*) or files (CTAX_FILES_*)")
    soap_url: str = Field("http://127.0.0.1:8085/revenues", description="The back office's SOAP service address")
    soap_timeout_seconds: float = Field(10.0, gt=0, le=300, description="Per-call timeout of the SOAP adapter")
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
    payment_day: int = Field(1, ge=1, le=28)
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
    # Staff and ops sign-in (web/auth_*.py): users from configuration, session lengths, the metrics listener.
    staff_users: Annotated[list[ConfiguredUser], NoDecode] = Field(
        default_factory=list, description='JSON list of {"username", "name", "role", "password_hash"}')
    session_idle_minutes: int = Field(30, ge=1, le=24 * 60)
    session_lifetime_hours: int = Field(10, ge=1, le=7 * 24)
    web_metrics_host: str = "127.0.0.1"
    web_metrics_port: int = Field(9101, ge=0, le=65535, description="Prometheus /metrics of the web app; 0 = off")

    @field_validator("band_d_pence", mode="before")
    @classmethod
    def _band_d_from_json(cls, value: object) -> object:
        # CTAX_BAND_D_PENCE='{"2026": 239400}'
        if isinstance(value, str):
            return {int(k): int(v) for k, v in json.loads(value).items()}
        return value

    @field_validator("staff_users", mode="before")
    @classmethod
    def _staff_users_from_json(cls, value: object) -> object:
        # CTAX_STAFF_USERS='[{"username": "jo", "name": "Jo Bloggs", "role": "staff", "password_hash": "..."}]'
        return json.loads(value) if isinstance(value, str) else value

    def council_rules(self) -> CouncilRules:
        return CouncilRules(
            council_code=self.council_code,
            band_d_pence=dict(self.band_d_pence),
            payment_day=self.payment_day,
            move_ahead_days=self.move_ahead_days,
            move_back_days=self.move_back_days,
        )


def load_settings() -> Settings:
    return Settings()
