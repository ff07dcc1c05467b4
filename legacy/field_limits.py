"""What the back office's fields hold: a value that does not fit is refused, never cut short."""

from __future__ import annotations

from legacy.records import RefusalError

NAME_LENGTH = 40  # the liable-person name field, as on many vendor screens
NOTE_LENGTH = 2000
REFERENCE_LENGTH = 40
DISCOUNT_CODE_LENGTH = 6


def check_name(name: str) -> None:
    if not name.strip():
        raise RefusalError("NAME_MISSING", "A liable person's name is blank")
    if len(name) > NAME_LENGTH:
        raise RefusalError("NAME_TOO_LONG", f"A liable person's name is {len(name)} characters; the back office "
                                       f"holds at most {NAME_LENGTH}")


def check_note(reference: str, text: str) -> None:
    if len(reference) > REFERENCE_LENGTH:
        raise RefusalError("REFERENCE_TOO_LONG", f"A note reference is longer than {REFERENCE_LENGTH} characters")
    if len(text) > NOTE_LENGTH:
        raise RefusalError("NOTE_TOO_LONG", f"A note is longer than {NOTE_LENGTH} characters")


def check_discount_code(code: str | None) -> None:
    if code is not None and len(code) > DISCOUNT_CODE_LENGTH:
        raise RefusalError("DISCOUNT_CODE_UNKNOWN", f"Discount code {code} is not one the back office knows")


def check_payment_day(day: int | None) -> None:
    if day is not None and not 1 <= day <= 31:
        raise RefusalError("PAYMENT_DAY_INVALID", f"Payment day {day} is not one the back office offers (1 to 31)")
