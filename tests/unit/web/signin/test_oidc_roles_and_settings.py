"""Roles from an identity provider's claims, SSO usernames, and the sign-in method settings."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ctax.running.web_components import oidc_config
from ctax.settings import Settings
from web.signin.oidc_client import role_from_claims, staff_username
from web.staff_accounts.accounts import Role

ROLE_MAP = {"ctax-staff": Role.STAFF, "ctax-ops": Role.OPS, "ctax-admin": Role.ADMIN}


def test_the_widest_mapped_role_wins_and_unmapped_values_give_none() -> None:
    assert role_from_claims({"roles": ["ctax-ops", "ctax-staff"]}, "roles", ROLE_MAP) is Role.STAFF
    assert role_from_claims({"groups": ["x", "ctax-admin"]}, "groups", ROLE_MAP) is Role.ADMIN
    assert role_from_claims({"roles": "ctax-ops"}, "roles", ROLE_MAP) is Role.OPS
    assert role_from_claims({"roles": ["staff"]}, "roles", ROLE_MAP) is None  # a browser-typed role name
    assert role_from_claims({"roles": {"ctax-staff": True}}, "roles", ROLE_MAP) is None
    assert role_from_claims({}, "roles", ROLE_MAP) is None


def test_sso_usernames_are_stable_and_apart_from_local_ones() -> None:
    name = staff_username("https://login.example/tenant/v2.0", "abc")
    assert name == staff_username("https://login.example/tenant/v2.0", "abc")
    assert name != staff_username("https://other.example", "abc")
    assert name.startswith("sso:")
    assert len(name) <= 60


def test_oidc_needs_issuer_client_and_redirect(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTAX_STAFF_SIGN_IN", "oidc")
    with pytest.raises(ValidationError, match="CTAX_OIDC_ISSUER"):
        Settings(_env_file=None)
    monkeypatch.setenv("CTAX_OIDC_ISSUER", "https://login.example")
    monkeypatch.setenv("CTAX_OIDC_CLIENT_ID", "ctax")
    monkeypatch.setenv("CTAX_OIDC_REDIRECT_URI", "https://ctax.example/sign-in/oidc/callback")
    monkeypatch.setenv("CTAX_OIDC_ROLE_CLAIM", "groups")
    monkeypatch.setenv("CTAX_OIDC_ROLE_MAP", '{"Revenues Officers": "staff"}')
    config = oidc_config(Settings(_env_file=None))
    assert config is not None
    assert config.role_claim == "groups"
    assert dict(config.role_map) == {"Revenues Officers": Role.STAFF}
    assert config.client_secret is None
