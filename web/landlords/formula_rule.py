"""The one rule for spreadsheet formulas, the same for every cell of a CSV or an XLSX file.

Staff export landlords' rows to spreadsheets, and other consumers of the submitted topic may do the same, so
a value that a spreadsheet would run must never be stored. A value is first normalised (:func:`normalised`:
compatibility forms folded, every Unicode space a plain space, invisible format characters at either end
dropped, trimmed), then refused when the raw value starts with a tab or a carriage return, or when the
normalised value starts with ``=``, ``+``, ``-`` or ``@`` (OWASP's CSV injection list). The one legitimate
leading ``+`` is a telephone number's (``+44 808 157 0192``): it is stored neutralised, in a form no
spreadsheet runs (``0808 157 0192``, or ``00`` then the country code).
"""

from __future__ import annotations

import re
import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@")
RAW_FORMULA_STARTS = ("\t", "\r")
PHONE_COLUMN = "tenant_phone"
_INTERNATIONAL_PHONE = re.compile(r"^\+\s*(\d[\d\s()-]*)$")
_UK_PREFIX = re.compile(r"^44\s*(?:\(0\)\s*)?")


class FormulaFoundError(ValueError):
    """A cell a spreadsheet would run as a formula."""


def normalised(value: str) -> str:
    """The value as it is checked and stored: NFKC, Unicode spaces as one plain space, no invisible ends."""
    text = unicodedata.normalize("NFKC", value)
    text = " ".join(text.split())  # str.split() splits on every Unicode space: NBSP, thin space, U+3000 ...
    return _strip_invisible(text)


def _strip_invisible(text: str) -> str:
    # Zero-width spaces, joiners, byte-order marks, direction marks and other format characters (category Cf)
    # around a value hide what it starts with; inside a name they may be meaningful, so only the ends go.
    start, end = 0, len(text)
    while start < end and (unicodedata.category(text[start]) == "Cf" or text[start].isspace()):
        start += 1
    while end > start and (unicodedata.category(text[end - 1]) == "Cf" or text[end - 1].isspace()):
        end -= 1
    return text[start:end]


def checked_value(raw: str, column: str | None) -> str:
    """The normalised value, a telephone number neutralised, or FormulaFoundError."""
    if raw.startswith(RAW_FORMULA_STARTS):
        raise FormulaFoundError(raw[:1])
    value = normalised(raw)
    if not value.startswith(FORMULA_STARTS):
        return value
    if column == PHONE_COLUMN:
        neutral = neutral_phone(value)
        if neutral is not None:
            return neutral
    raise FormulaFoundError(value[:1])


def neutral_phone(value: str) -> str | None:
    """``+44 808 157 0192`` as ``0808 157 0192``, ``+33 1 ...`` as ``0033 1 ...``; None if it is not a number."""
    found = _INTERNATIONAL_PHONE.match(value)
    if found is None:
        return None
    number = found.group(1)
    uk = _UK_PREFIX.match(number)
    if uk is not None:
        return "0" + number[uk.end():]
    return "00" + number
