"""How a person proves who they are, and the seam for the council's own identity provider (OIDC).

Built in: :class:`PasswordSignIn`, username and password checked against Argon2 hashes. In production a
council will usually want staff to sign in with its identity provider (Entra ID, Okta, Keycloak...) over
OpenID Connect instead. Everything after "this person is proven to be X" is shared: an identity provider
only has to produce a :class:`StaffUser` and hand it to ``web.signin_pages.routes.start_session``, which starts the
server-side session and sets the cookie exactly as password sign-in does. Roles, route protection,
session expiry, sign-out and auditing do not change.

:class:`web.signin.oidc_client.OidcSignIn` implements :class:`ExternalIdentityProvider` for OpenID Connect
(Authlib and joserfc); ``web.signin_pages.oidc_routes`` adds ``/sign-in/oidc`` and its callback beside
``/sign-in``. Roles come from the provider's claims, mapped by configuration (never from the browser).
See the README section "Staff sign-in (OpenID Connect)".
"""

from __future__ import annotations

from typing import Protocol

from web.signin.oidc_client import ProvenIdentity
from web.staff_accounts.accounts import StaffUser
from web.staff_accounts.passwords import burn_verification_time, hash_password, needs_rehash, verify_password
from web.stores.users import UserStore


class ExternalIdentityProvider(Protocol):
    """An OpenID Connect (or SAML) provider that proves who a member of staff is."""

    display_name: str  # shown on the sign-in button, e.g. "Exampleshire staff account"

    async def authorization_url(self, *, state: str, nonce: str, code_verifier: str) -> str:
        """Where to send the browser to sign in (authorization code flow with PKCE)."""

    async def complete(self, *, code: str, nonce: str, code_verifier: str) -> ProvenIdentity:
        """Exchange the code, verify the ID token (issuer, audience, nonce, signature) and map groups to a role.

        The identity's ``user`` is None when the person is proven but has no role in this service.
        """


class PasswordSignIn:
    """Username and password, checked against the users in the web app's store and configuration."""

    def __init__(self, users: UserStore) -> None:
        self._users = users

    def verify(self, username: str, password: str) -> StaffUser | None:
        stored = self._users.find(username)
        if stored is None or not stored.password_hash:  # unknown, or one who signs in with the council's provider
            burn_verification_time(password)
            return None
        if not verify_password(stored.password_hash, password):
            return None
        if not stored.from_configuration and needs_rehash(stored.password_hash):
            self._users.replace_hash(username, hash_password(password))
        return stored.user
