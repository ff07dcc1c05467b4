"""Sealing a bank account to refund a credit to: encrypted for every journey after the intake.

Bank details are read in clear only at intake (to check them) and by the adapter that hands a refund to the
back office. Everywhere between (Kafka topics, the web stores, the revenues database's refund instructions)
they travel and rest as a ``SealedBankAccount``: a Fernet token (AES-128-CBC with HMAC-SHA256, from the
``cryptography`` package) under the council's key from settings, beside a masked form for people to read.
Keys rotate: the first key seals, and every key given still opens what an earlier one sealed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from schemas.notification import BankAccountDetails, SealedBankAccount


class BankDetailsKeyError(ValueError):
    """No key, or a key that is not a Fernet key (32 bytes, URL-safe base64)."""


class UnreadableBankDetailsError(ValueError):
    """Sealed details no configured key opens (a key removed too early, or the text altered)."""


class BankDetailsSealer:
    """Seals and opens bank details with the council's keys (the first seals; all open)."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise BankDetailsKeyError("No key for bank details is configured (CTAX_BANK_DETAILS_KEYS)")
        try:
            self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in keys])
        except (ValueError, UnicodeEncodeError):
            raise BankDetailsKeyError("A key in CTAX_BANK_DETAILS_KEYS is not a Fernet key (32 bytes, URL-safe "
                                      "base64: make one with `ctax bank-details-key`)") from None

    def seal(self, details: BankAccountDetails) -> SealedBankAccount:
        token = self._fernet.encrypt(details.model_dump_json().encode("utf-8"))
        return SealedBankAccount(ciphertext=token.decode("ascii"), masked=details.masked)

    def open(self, sealed: SealedBankAccount) -> BankAccountDetails:
        try:
            clear = self._fernet.decrypt(sealed.ciphertext.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            raise UnreadableBankDetailsError("The bank details cannot be opened with the configured keys") from None
        return BankAccountDetails.model_validate(json.loads(clear))


def new_key() -> str:
    """A new Fernet key for ``CTAX_BANK_DETAILS_KEYS``."""
    return Fernet.generate_key().decode("ascii")
