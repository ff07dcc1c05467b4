"""How a person proves who they are, and the seam for the council's own identity provider (OIDC).

Built in: :class:`PasswordSignIn`, username and password checked against Argon2 hashes. In production a
council will usually want staff to sign in with its identity provider (Entra ID, Okta, Keycloak...) over
OpenID Connect instead. Everything after "this person is proven to be X" is shared: an identity provider
only has to produce a :class:`StaffUser` and hand it to ``web.signin.routes.start_session``, which starts the
server-side session and sets the cookie exactly as password sign-in does. Roles, route protection,
session expiry, sign-out and auditing do not change.

To plug one in, implement :class:`ExternalIdentityProvider` with a maintained OIDC client library
(for example Authlib), and add two routes beside ``/sign-in``: one redirecting to
``authorization_url(...)`` and a callback that calls ``complete(...)`` then ``start_session``. Map the
provider's groups to roles in :meth:`ExternalIdentityProvider.complete` (never trust a role name sent by
the browser). See the README section "Signing in with the council's identity provider".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from web.signin.accounts import StaffUser
from web.signin.passwords import burn_verification_time, hash_password, needs_rehash, verify_password
from web.stores.users import UserStore


class ExternalIdentityProvider(Protocol):
    """An OpenID Connect (or SAML) provider that proves who a member of staff is."""

    display_name: str  # shown on the sign-in button, e.g. "Exampleshire staff account"

    def authorization_url(self, *, state: str, nonce: str, redirect_uri: str) -> str:
        """Where to send the browser to sign in (authorization code flow with PKCE)."""

    async def complete(self, *, callback_params: Mapping[str, str], state: str, nonce: str,
                       redirect_uri: str) -> StaffUser | None:
        """Exchange the code, verify the ID token (issuer, audience, nonce, signature) and map groups to a role.

        Return None when the person is proven but has no role in this service.
        """


class PasswordSignIn:
    """Username and password, checked against the users in the web app's store and configuration."""

    def __init__(self, users: UserStore) -> None:
        self._users = users

    def verify(self, username: str, password: str) -> StaffUser | None:
        stored = self._users.find(username)
        if stored is None:
            burn_verification_time(password)
            return None
        if not verify_password(stored.password_hash, password):
            return None
        if not stored.from_configuration and needs_rehash(stored.password_hash):
            self._users.replace_hash(username, hash_password(password))
        return stored.user
