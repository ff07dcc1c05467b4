"""Staff sign-in through the council's OpenID Connect provider (Entra ID, Okta, Keycloak...).

The authorization code flow with PKCE (S256): :meth:`OidcSignIn.authorization_url` sends the browser to
the provider with a fresh ``state``, ``nonce`` and code challenge; :meth:`OidcSignIn.complete` exchanges
the code (with the verifier) at the token endpoint, then checks the ID token's signature against the
provider's published keys and its claims (issuer, audience, expiry, issued-at, nonce, authorised party)
before mapping the configured role claim to a :class:`Role`. PKCE comes from Authlib; signatures and
claims from joserfc (Authlib's JOSE library). Nothing here trusts a value the browser sent except the code.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from web.staff_accounts.accounts import Role, StaffUser

# The algorithms a provider may sign ID tokens with; "none" and HMAC (keyed with the client secret) are refused.
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
_ROLE_PRECEDENCE = (Role.ADMIN, Role.STAFF, Role.OPS)  # a person in several mapped groups gets the widest role


class OidcSignInError(Exception):
    """The provider's answer cannot be trusted or used; the message says why (no token contents in it)."""


@dataclass(frozen=True)
class OidcConfig:
    """How to reach the council's provider and read roles from its ID tokens (CTAX_OIDC_* settings)."""

    issuer: str
    client_id: str
    redirect_uri: str
    client_secret: str | None = None  # None: a public client (PKCE only)
    scopes: str = "openid profile email"
    role_claim: str = "roles"  # Entra ID app roles; "groups" for Okta or Keycloak group claims
    role_map: Mapping[str, Role] = field(default_factory=lambda: {
        "ctax-staff": Role.STAFF, "ctax-ops": Role.OPS, "ctax-admin": Role.ADMIN})
    display_name: str = "your council account"
    clock_skew_seconds: int = 60
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class ProvenIdentity:
    """Who the provider says signed in, after every check; ``user`` is None when no role is mapped."""

    subject_digest: str
    display_name: str
    user: StaffUser | None


def staff_username(issuer: str, subject: str) -> str:
    """A stable username for a provider's subject; the colon keeps it apart from every local username."""
    return "sso:" + hashlib.sha256(f"{issuer}\0{subject}".encode()).hexdigest()[:32]


def role_from_claims(claims: Mapping[str, Any], claim: str, role_map: Mapping[str, Role]) -> Role | None:
    """The widest role the claim's values map to, or None (a string or a list of strings is accepted)."""
    value = claims.get(claim)
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    mapped = {role_map[v] for v in values if isinstance(v, str) and v in role_map}
    return next((role for role in _ROLE_PRECEDENCE if role in mapped), None)


class OidcSignIn:
    """The council's provider as the sign-in routes use it (an ``ExternalIdentityProvider``)."""

    def __init__(self, config: OidcConfig, *, clock: Callable[[], float] = time.time,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.config = config
        self.display_name = config.display_name
        self._clock = clock
        self._transport = transport
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None

    async def authorization_url(self, *, state: str, nonce: str, code_verifier: str) -> str:
        """Where to send the browser to sign in (authorization code flow with PKCE S256)."""
        metadata = await self._discover()
        query = urlencode({
            "response_type": "code", "client_id": self.config.client_id, "redirect_uri": self.config.redirect_uri,
            "scope": self.config.scopes, "state": state, "nonce": nonce,
            "code_challenge": create_s256_code_challenge(code_verifier), "code_challenge_method": "S256",
        })
        return f"{metadata['authorization_endpoint']}?{query}"

    async def complete(self, *, code: str, nonce: str, code_verifier: str) -> ProvenIdentity:
        """Exchange the code, verify the ID token and map its role claim; raise OidcSignInError if anything is off."""
        metadata = await self._discover()
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.config.redirect_uri,
                "code_verifier": code_verifier, "client_id": self.config.client_id}
        auth = httpx.BasicAuth(self.config.client_id, self.config.client_secret) if self.config.client_secret else None
        answer = await self._json("POST", metadata["token_endpoint"], "the identity provider's token endpoint",
                                  data=form, auth=auth)  # client_secret_basic, or PKCE alone for a public client
        id_token = answer.get("id_token")
        if not isinstance(id_token, str):
            raise OidcSignInError("the identity provider sent no ID token")
        claims = await self.verify_id_token(id_token, nonce=nonce)
        subject = str(claims["sub"])
        name = next((str(claims[c]) for c in ("name", "preferred_username", "email") if claims.get(c)),
                    "Council staff member")[:100]
        role = role_from_claims(claims, self.config.role_claim, self.config.role_map)
        username = staff_username(self.config.issuer, subject)
        user = StaffUser(username, name, role) if role is not None else None
        return ProvenIdentity(username, name, user)

    async def verify_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        """Check the ID token's signature and claims (OpenID Connect Core 3.1.3.7) and return its claims."""
        try:
            token = jwt.decode(id_token, await self._key_set(), algorithms=ID_TOKEN_ALGORITHMS)
        except (JoseError, ValueError):
            self._keys = None  # the provider may have rotated its keys since we fetched them: fetch once more
            try:
                token = jwt.decode(id_token, await self._key_set(), algorithms=ID_TOKEN_ALGORITHMS)
            except (JoseError, ValueError) as error:
                raise OidcSignInError(f"the ID token's signature does not verify ({type(error).__name__})") from None
        registry = jwt.JWTClaimsRegistry(
            now=int(self._clock()), leeway=self.config.clock_skew_seconds,
            iss={"essential": True, "value": self.config.issuer},
            aud={"essential": True, "value": self.config.client_id},
            sub={"essential": True}, exp={"essential": True}, iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(token.claims)
        except JoseError as error:
            raise OidcSignInError(f"the ID token was refused: {_claim_problem(error)}") from None
        audiences = token.claims["aud"] if isinstance(token.claims["aud"], list) else [token.claims["aud"]]
        if len(audiences) > 1 and token.claims.get("azp") != self.config.client_id:
            raise OidcSignInError("the ID token was refused: it names other audiences and is not for this service")
        return dict(token.claims)

    async def _json(self, method: str, url: str, what: str, **kwargs: Any) -> dict[str, Any]:
        """A JSON object from the provider; any failure (network, status, body) is one OidcSignInError."""
        try:
            async with httpx.AsyncClient(timeout=self.config.timeout_seconds, transport=self._transport) as client:
                answer = await client.request(method, url, **kwargs)
            body = answer.json() if answer.status_code == 200 else None
        except (httpx.HTTPError, ValueError) as error:
            raise OidcSignInError(f"{what} is unavailable ({type(error).__name__})") from None
        if not isinstance(body, dict):
            raise OidcSignInError(f"{what} answered HTTP {answer.status_code}")
        return body

    async def _discover(self) -> dict[str, Any]:
        if self._metadata is None:
            url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
            metadata = await self._json("GET", url, "the identity provider's discovery document")
            if metadata.get("issuer") != self.config.issuer:
                raise OidcSignInError("the identity provider's discovery document names another issuer")
            self._metadata = metadata
        return self._metadata

    async def _key_set(self) -> KeySet:
        if self._keys is None:
            metadata = await self._discover()
            keys: Any = await self._json("GET", metadata["jwks_uri"], "the identity provider's signing keys")
            try:
                self._keys = KeySet.import_key_set(keys)
            except (JoseError, ValueError, TypeError, KeyError):
                raise OidcSignInError("the identity provider's signing keys cannot be read") from None
        return self._keys


def _claim_problem(error: JoseError) -> str:
    """Name the failed check in words an administrator can act on (joserfc's error names the claim)."""
    problems = {"expired_token": "it has expired (check the server clocks)",
                "invalid_claim": "a claim does not match (issuer, audience or nonce)",
                "missing_claim": "a required claim is missing",
                "invalid_token": "it is not valid yet (check the server clocks)"}
    return f"{problems.get(error.error, error.error)}: {error.description or ''}".rstrip(": ")
