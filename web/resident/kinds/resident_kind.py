"""What the resident journey needs to know about one kind of change: the shape every kind module fills in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from schemas.notification import Change, ChangeKind
from web.resident.answers import AddressRole, JourneyAnswers

# A question's page path, with whether it is answered.
Question = tuple[str, bool]
# A check-answers section: a title and ``govukSummaryList`` rows.
Section = dict[str, Any]


@dataclass(frozen=True)
class DateQuestion:
    """The shared date page's words for a kind: its title, the date's name in error messages, and the hint."""

    title: str
    noun: str
    hint: str


@dataclass(frozen=True)
class ResidentKind:
    """One kind's journey.

    ``addresses`` are asked first, in order, each with how the pages name it; then ``questions`` (every page
    after the addresses and before the contact details, in the order asked); ``summary`` gives the
    check-answers sections above the contact details; ``build`` turns complete answers into the change sent
    (``today`` dates a change that asks for no date).
    """

    kind: ChangeKind
    addresses: tuple[tuple[AddressRole, str], ...]
    questions: Callable[[JourneyAnswers], list[Question]]
    summary: Callable[[JourneyAnswers], list[Section]]
    build: Callable[[JourneyAnswers, date], Change]
    date_question: DateQuestion | None = None  # None: the kind asks for no date
    # What the check-answers page's bill estimate shows for this kind, in a sentence (web/resident/bill_estimate.py).
    bill_estimate: str = ""


HOME = ((AddressRole.HOME, "the address you pay Council Tax for"),)
