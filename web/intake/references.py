"""Notification ids and the short references residents keep."""

from __future__ import annotations

import os
import threading
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
    """A new notification id (a version-4 UUID) and reference from the system's random source.

    The intake makes one of each for every request. Its random bytes come from a pool refilled a few kilobytes at a
    time: a read of the system's source gives up the event loop's thread (and the interpreter) to whatever else is
    running, and each one costs the loop a wait to get it back.
    """
    random = _POOL.take(16 + _REFERENCE_BITS // 8)
    number = int.from_bytes(random[:16], "big") & _CLEAR_VERSION_AND_VARIANT | _VERSION_4_RFC_4122  # as uuid4() sets
    hexed = f"{number:032x}"
    notification_id = f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"
    return notification_id, _reference_from(random[16:])


_CLEAR_VERSION_AND_VARIANT = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_4_RFC_4122 = (4 << 76) | (0x8000 << 48)


def _reference_from(five_bytes: bytes) -> str:
    number = int.from_bytes(five_bytes, "big")  # eight characters, the first from the top five bits
    return (f"CTX-{_PAIRS[number >> 30]}{_PAIRS[(number >> 20) & 1023]}"
            f"-{_PAIRS[(number >> 10) & 1023]}{_PAIRS[number & 1023]}")


_PAIRS = [first + second for first in _ALPHABET for second in _ALPHABET]  # ten bits at a time: two characters


class _RandomPool:
    """Bytes from ``os.urandom`` handed out a slice at a time, each byte once; refilled when it runs low.

    A child process forked from this one starts with an empty pool, so no two processes hand out the same bytes.
    """

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._bytes = b""
        self._at = 0
        self._lock = threading.Lock()  # the intake's loop and any thread a page runs in may both take from it

    def take(self, count: int) -> bytes:
        with self._lock:
            if self._at + count > len(self._bytes):
                self._bytes, self._at = os.urandom(max(self._size, count)), 0
            taken = self._bytes[self._at:self._at + count]
            self._at += count
            return taken

    def forget_in_child(self) -> None:
        """After a fork, in the child: nothing the parent may still hand out (and a lock no other thread holds)."""
        self._lock = threading.Lock()
        self._bytes, self._at = b"", 0


_POOL = _RandomPool()
os.register_at_fork(after_in_child=_POOL.forget_in_child)
