"""The order of the questions: the kind, its addresses, its own questions (:mod:`web.resident.kinds`), contact.

After every answer the resident goes to the first question still unanswered, which is the next one on the way
through and the check-answers page after a "Change" link. The paths keep their ``/moving`` prefix for every
kind, so links residents were given still work.
"""

from __future__ import annotations

from schemas.notification import ChangeKind
from web.resident.answers import AddressRole, JourneyAnswers
from web.resident.kinds.resident_kind import Question, ResidentKind
from web.resident.kinds.table import RESIDENT_KINDS

CHECK_PATH = "/moving/check"


class NoResidentJourneyError(LookupError):
    """A kind of change residents cannot send (only an officer can), or one with no journey yet."""


def resident_kind(kind: ChangeKind) -> ResidentKind:
    try:
        return RESIDENT_KINDS[kind]
    except KeyError:
        raise NoResidentJourneyError(f"residents cannot send a {kind.value}") from None


def address_roles(kind: ChangeKind) -> tuple[AddressRole, ...]:
    """The addresses a kind of change asks for, in the order asked."""
    return tuple(role for role, _ in resident_kind(kind).addresses)


def address_question(kind: ChangeKind | None, role: AddressRole) -> str:
    """How the pages name an address: 'the address you are moving into', ..."""
    named = dict(resident_kind(kind).addresses) if kind is not None else {}
    return named.get(role, "the address")


def question_paths(answers: JourneyAnswers) -> list[Question]:
    """Each question's page path with whether it is answered, in the order the kind of change asks them."""
    kind = answers.kind
    pages: list[Question] = [("/moving/kind", kind is not None)]
    if kind is None:
        return pages
    journey = resident_kind(kind)
    pages += [(f"/moving/address/{role.value}/postcode", role in answers.addresses) for role, _ in journey.addresses]
    return [*pages, *journey.questions(answers), ("/moving/contact", answers.contact is not None)]


def asks(answers: JourneyAnswers, path: str) -> bool:
    """Whether this journey's kind asks the question on ``path`` at all."""
    return answers.kind is not None and any(page == path for page, _ in question_paths(answers))


def next_path(answers: JourneyAnswers) -> str:
    """The first unanswered question, or the check-answers page when every question is answered."""
    for path, answered in question_paths(answers):
        if not answered:
            return path
    return CHECK_PATH


def needs_review(answers: JourneyAnswers) -> bool:
    """True when an address was typed in, so a person will match it to the register."""
    return answers.kind is not None and any(
        address.uprn is None for role, address in answers.addresses.items() if role in address_roles(answers.kind))
