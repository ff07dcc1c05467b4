"""Changes an adapter cannot pass to its back office yet are refused with a reason, never silently dropped."""

from __future__ import annotations

from adapters.revenues_port import RefusedChangeError
from schemas.events import AccountChange

NOT_HELD_CODE = "ADAPTER_CANNOT_HOLD"


def not_yet_held(change: AccountChange, adapter: str) -> RefusedChangeError | None:
    """A refusal for what this back office's calls or files have no place for yet, else None.

    An account amendment (a discount, the liable people, a name or a payment arrangement from a date) or an
    ending that completes or corrects one already made: a person keys it in the back office from review.
    """
    if change.amendments:
        return RefusedChangeError(
            f"The {adapter} back office cannot take an account amendment ({change.kind.value}) through this "
            "adapter yet: key it in the back office", NOT_HELD_CODE)
    if any(ending.expected_liability_end is not None for ending in change.endings):
        return RefusedChangeError(
            f"The {adapter} back office cannot take a change to a liability that has already ended through this "
            "adapter yet: complete the ending in the back office", NOT_HELD_CODE)
    return None
