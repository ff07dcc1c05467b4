"""Why a landlord's whole file is refused, in one sentence the landlord can act on."""

from __future__ import annotations


class UploadRefusedError(Exception):
    """The whole file is refused; the message says why and what to do, for the landlord to read."""


class ReadingUnavailableError(UploadRefusedError):
    """The file could not be checked now (every slot taken, or the reader would not start): the landlord should
    try again shortly (503, not 400)."""
