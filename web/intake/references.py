"""Notification ids and the short references residents keep."""

from __future__ import annotations

import secrets
import uuid

# Crockford-style alphabet: no I, L, O or U, so a reference read over the phone is not misheard.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_notification_id() -> str:
    return str(uuid.uuid4())


def new_reference() -> str:
    """Return a reference like CTX-7K3M-Q9PD (40 random bits)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"CTX-{chars[:4]}-{chars[4:]}"
