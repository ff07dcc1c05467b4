"""How the rules say that a person must decide: a result for the pipeline, and an exception inside the rules."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.events import Reason


@dataclass(frozen=True)
class NeedsReview:
    """The rules cannot settle this change by themselves; ``reasons`` say what a person must decide."""

    reasons: tuple[Reason, ...]


class Review(Exception):  # noqa: N818 - control flow inside the rules, always turned into NeedsReview
    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.reason = Reason(code=code, field=field, message=message)
