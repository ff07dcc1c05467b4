"""Whether a move-out asks who the landlord is: when the register does not name the owner of the home left."""

from __future__ import annotations

from web.resident.answers import AddressRole, JourneyAnswers

RENTED_PATH, LANDLORD_PATH = "/moving/rented", "/moving/landlord"


def owner_unknown(answers: JourneyAnswers) -> bool:
    """Whether the register does not name the owner of the address being left."""
    leaving = answers.addresses.get(AddressRole.LEAVING)
    return leaving is not None and not leaving.owner_known
