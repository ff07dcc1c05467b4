"""A landlord's file name as it is kept and shown: the last part of any path, no control or invisible
characters, and short enough for a page (the original may be thousands of characters)."""

from __future__ import annotations

import unicodedata

MAX_NAME_LENGTH = 100
_KEPT_SUFFIX = 10


def display_name(raw: str) -> str:
    """``C:/Users/a/tenancies.csv`` (or with backslashes) as ``tenancies.csv``; a very long name cut short."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf"})
    name = " ".join(name.split()) or "file"
    if len(name) > MAX_NAME_LENGTH:
        name = name[:MAX_NAME_LENGTH - _KEPT_SUFFIX - 1] + "…" + name[-_KEPT_SUFFIX:]
    return name
