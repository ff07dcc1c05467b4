"""Formats of the identifiers and free text a notification carries: UPRNs, postcodes, names, contacts.

Each function takes raw input and returns the normalised value or raises ``ValueError`` with a message a
resident can act on; pydantic turns those into field-level errors.
"""

from __future__ import annotations

import re
import unicodedata

# The strict shape of a UK postcode (outward code, one space, inward code), after upper-casing and
# removing spaces. It rejects letters that Royal Mail never uses in each position.
_POSTCODE = re.compile(
    r"^(?:GIR0AA|"
    r"(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])[0-9][ABD-HJLNP-UW-Z]{2})\Z"
)
_UPRN = re.compile(r"^[0-9]{1,20}\Z")
MAX_UPRN = 999_999_999_999
_NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.\-])*\Z")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+\Z")
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}\Z")

MAX_NAME_LENGTH = 100
MAX_ADDRESS_LINE_LENGTH = 100
MAX_EMAIL_LENGTH = 254


def normalise_postcode(raw: str) -> str:
    """Return the postcode upper-cased with one space before the inward code, or raise ValueError."""
    compact = raw.strip().replace(" ", "").upper()
    if not _POSTCODE.match(compact):
        raise ValueError("Enter a real postcode, like SW1A 2AA")
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_uprn(raw: str) -> str:
    """Return the UPRN without spaces or leading zeros, or raise ValueError (UPRNs are 1-12 digits)."""
    compact = raw.strip()
    if not _UPRN.match(compact) or not 0 < int(compact) <= MAX_UPRN:
        raise ValueError("A UPRN is a number of up to 12 digits")
    return str(int(compact))


def reject_control_characters(value: str) -> str:
    """Raise ValueError if the text holds control or formatting characters (tabs, newlines, NULs, bidi)."""
    if value.isprintable():  # the usual case, in one C call: no character of any category C (nor Z but spaces)
        return value
    for char in value:
        if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            raise ValueError("Remove special characters such as tabs or line breaks")
    return value


def clean_text(raw: str, *, max_length: int, what: str) -> str:
    """Strip and collapse spaces, refuse control characters, and enforce a length limit."""
    value = " ".join(reject_control_characters(raw).split())
    if not value:
        raise ValueError(f"Enter {what}")
    if len(value) > max_length:
        raise ValueError(f"{what[0].upper()}{what[1:]} must be {max_length} characters or fewer")
    return value


def clean_name(raw: str) -> str:
    """Return a person's full name, cleaned; letters, spaces, hyphens, apostrophes and full stops only."""
    value = clean_text(raw, max_length=MAX_NAME_LENGTH, what="a full name")
    if not _NAME.match(value):
        raise ValueError("Full name must only include letters, spaces, hyphens, apostrophes and full stops")
    return value


# An owner, landlord or letting agent: a person or a company (letters, digits and the marks company names use).
_OWNER = re.compile(r"^[^\W_](?:[^\W_]|[ '’.,&()\-])*\Z")
MAX_OWNER_NAME_LENGTH = 40  # the liable-person field of the back offices (the owner becomes liable)


def clean_owner_name(raw: str) -> str:
    """Return the name of a property's owner, landlord or letting agent, cleaned."""
    value = clean_text(raw, max_length=MAX_OWNER_NAME_LENGTH, what="the owner's or agent's name")
    if not _OWNER.match(value):
        raise ValueError("The owner's or agent's name must only include letters, numbers, spaces and . , ' & ( ) -")
    return value


def clean_email(raw: str) -> str:
    """Return the email address trimmed, or raise ValueError if it is not in the right format."""
    value = raw.strip()
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL.match(value):
        raise ValueError("Enter an email address in the correct format, like name@example.com")
    return value


def clean_phone(raw: str) -> str:
    """Return the phone number trimmed, or raise ValueError if it is not a plausible UK or international number."""
    value = " ".join(raw.split())
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE.match(value) or not 10 <= digits <= 15:
        raise ValueError("Enter a telephone number, like 01632 960 001 or +44 808 157 0192")
    return value


_BANK_SEPARATORS = re.compile(r"[\s-]")


def normalise_sort_code(raw: str) -> str:
    """Six digits; spaces and hyphens (``30-94-30``) are allowed and dropped."""
    digits = _BANK_SEPARATORS.sub("", raw)
    if not re.fullmatch(r"[0-9]{6}", digits):
        raise ValueError("Enter a sort code of 6 digits, like 309430")
    return digits


def normalise_account_number(raw: str) -> str:
    """Eight digits; spaces and hyphens are allowed and dropped."""
    digits = _BANK_SEPARATORS.sub("", raw)
    if not re.fullmatch(r"[0-9]{8}", digits):
        raise ValueError("Enter an account number of 8 digits, like 00733445")
    return digits
