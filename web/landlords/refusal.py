"""Why a landlord's whole file is refused, in one sentence the landlord can act on."""

from __future__ import annotations


class UploadRefusedError(Exception):
    """The whole file is refused; the message says why and what to do, for the landlord to read."""


class ParsingBusyError(UploadRefusedError):
    """Every slot for checking files is taken: the landlord should try again shortly (503, not 400)."""
