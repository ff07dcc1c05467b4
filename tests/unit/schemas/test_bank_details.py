"""Bank details for a refund: checked formats, sealed under the council's key, masked for people."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from schemas.bank_details import BankDetailsKeyError, BankDetailsSealer, UnreadableBankDetailsError, new_key
from schemas.notification import BankAccountDetails, MoveOut, NotificationRequest
from tests.builders import address, move_in, move_out, notification

DETAILS = BankAccountDetails(account_holder="Robin Moss", sort_code="30-94-30", account_number="0073 3445")


def test_formats_are_normalised() -> None:
    assert (DETAILS.sort_code, DETAILS.account_number) == ("309430", "00733445")
    assert DETAILS.masked == "sort code **-**-30, account ****3445"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("sort_code", "30943", "sort code of 6 digits"), ("sort_code", "30-94-3A", "sort code of 6 digits"),
    ("account_number", "733445", "account number of 8 digits"),
    ("account_number", "007334451", "account number of 8 digits"),
    ("account_holder", "R" * 61, "60 characters or fewer"), ("account_holder", "=cmd()", "name"),
])
def test_a_malformed_detail_is_refused_with_a_clear_message(field: str, value: str, message: str) -> None:
    given = {"account_holder": "Robin Moss", "sort_code": "309430", "account_number": "00733445", field: value}
    with pytest.raises(ValidationError, match=message):
        BankAccountDetails.model_validate(given)


def test_sealed_details_hold_nothing_in_clear_and_open_again() -> None:
    sealer = BankDetailsSealer([new_key()])
    sealed = sealer.seal(DETAILS)
    assert sealed.masked == DETAILS.masked
    clear_token = base64.urlsafe_b64decode(sealed.ciphertext)
    for secret in ("00733445", "309430", "Robin Moss"):
        assert secret not in sealed.ciphertext
        assert secret.encode() not in clear_token
    assert sealer.open(sealed) == DETAILS


def test_keys_rotate_the_first_seals_and_every_key_opens() -> None:
    old, new = new_key(), new_key()
    sealed_before = BankDetailsSealer([old]).seal(DETAILS)
    rotated = BankDetailsSealer([new, old])
    assert rotated.open(sealed_before) == DETAILS
    with pytest.raises(UnreadableBankDetailsError):
        BankDetailsSealer([old]).open(rotated.seal(DETAILS))


def test_no_key_or_a_malformed_key_is_refused_at_start() -> None:
    with pytest.raises(BankDetailsKeyError, match="No key"):
        BankDetailsSealer([])
    with pytest.raises(BankDetailsKeyError, match="not a Fernet key"):
        BankDetailsSealer(["not-a-key"])


def test_bank_details_come_only_with_a_move_out() -> None:
    contact = {"full_name": "Robin Moss", "email": "robin@example.com"}
    bank = DETAILS.model_dump()
    NotificationRequest.model_validate({"contact": contact, "change": move_out(address=address()),
                                        "refund_bank_account": bank})
    with pytest.raises(ValidationError, match="only taken with a move out"):
        NotificationRequest.model_validate({"contact": contact, "change": move_in(), "refund_bank_account": bank})


def test_the_same_move_out_has_one_fingerprint_whatever_the_sealed_details() -> None:
    sealer = BankDetailsSealer([new_key()])
    one, two = (notification(move_out(refund_to=sealer.seal(DETAILS).model_dump())) for _ in range(2))
    assert isinstance(one.change, MoveOut)
    assert isinstance(two.change, MoveOut)
    assert one.change.refund_to != two.change.refund_to
    assert one.change_fingerprint == two.change_fingerprint
    assert one.change_fingerprint == notification(move_out()).change_fingerprint
