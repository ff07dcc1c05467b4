"""The keys refund bank details are sealed with: the council's (CTAX_BANK_DETAILS_KEYS), else a local key.

Without the setting, the web app and the worker on one machine share a key generated once into a file under
the state folder (``CTAX_BANK_DETAILS_LOCAL_KEY_FILE``, by default ``var/bank-details.key``, readable by its
owner only), so the embedded defaults take refunds out of the box. That key lives beside the data it protects
and is lost with the folder: production sets CTAX_BANK_DETAILS_KEYS, and a warning says so at start.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from ctax.settings import Settings
from schemas.bank_details import BankDetailsSealer, new_key

log = logging.getLogger(__name__)

KEY_FILE_MODE = 0o600


def local_key(path: Path) -> str:
    """The key kept in ``path``, made there first if there is none. Two processes starting together agree:
    the key is written to a private temporary file and linked into place, and the one that loses the race
    reads the winner's."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, KEY_FILE_MODE)
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as file:
                file.write(new_key() + "\n")
            with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()


def bank_details_keys(settings: Settings) -> list[str]:
    """The council's keys when set; otherwise the local key (with one warning that production should set them)."""
    configured = [key.get_secret_value() for key in settings.bank_details_keys]
    if configured:
        return configured
    path = settings.bank_details_local_key_file
    log.warning("CTAX_BANK_DETAILS_KEYS is not set: refund bank details are sealed with a local key kept in %s; "
                "production should set CTAX_BANK_DETAILS_KEYS (`ctax bank-details-key` makes one)", path)
    return [local_key(path)]


def bank_details_sealer(settings: Settings) -> BankDetailsSealer:
    """Seals and opens refunds' bank details with the keys above."""
    return BankDetailsSealer(bank_details_keys(settings))
