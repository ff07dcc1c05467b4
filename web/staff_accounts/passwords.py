"""Password hashing for staff and ops sign-in: Argon2id (argon2-cffi), never a plain or fast hash."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12

# argon2-cffi's defaults follow RFC 9106's second recommended profile (64 MiB, 3 passes, 4 lanes).
_hasher = PasswordHasher()
_unknown_user_hash: str | None = None


class WeakPasswordError(ValueError):
    """The password is too short to be safe."""


def hash_password(password: str) -> str:
    """Return an Argon2id hash of a password (salted; the parameters are kept inside the hash)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Say whether a password matches a hash; a malformed hash never matches."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Say whether a hash was made with weaker parameters than today's and should be replaced."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False


def burn_verification_time(password: str) -> None:
    """Spend as long as a real check would, so timing does not tell which usernames exist."""
    global _unknown_user_hash
    if _unknown_user_hash is None:
        _unknown_user_hash = _hasher.hash(secrets.token_urlsafe(16))
    verify_password(_unknown_user_hash, password)


def generate_password() -> str:
    """Return a random password for a first administrator (about 120 bits)."""
    return secrets.token_urlsafe(15)
