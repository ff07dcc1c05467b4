"""Notification ids and the short references residents keep."""

from __future__ import annotations

import os
import uuid

# Crockford-style alphabet: no I, L, O or U, so a reference read over the phone is not misheard.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE_BITS = 40  # eight characters of five bits


def new_notification_id() -> str:
    return str(uuid.uuid4())


def new_reference() -> str:
    """Return a reference like CTX-7K3M-Q9PD (40 random bits)."""
    return _reference_from(os.urandom(_REFERENCE_BITS // 8))


def new_identity() -> tuple[str, str]:
    """A new notification id and reference from one read of the system's random source.

    The intake makes one of each for every request; one read instead of nine (uuid4 reads once, and picking
    each reference character read once more) keeps the event loop from giving up its thread eight times.
    """
    random = os.urandom(16 + _REFERENCE_BITS // 8)
    return str(uuid.UUID(bytes=random[:16], version=4)), _reference_from(random[16:])


def _reference_from(five_bytes: bytes) -> str:
    number = int.from_bytes(five_bytes, "big")
    chars = "".join(_ALPHABET[(number >> shift) & 31] for shift in range(35, -1, -5))
    return f"CTX-{chars[:4]}-{chars[4:]}"
