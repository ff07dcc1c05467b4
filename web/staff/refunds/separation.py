"""Separation of duties: the officer who corrected a case may not approve the refund its final bill instructed.

A refund is instructed by one notification; if an officer's correction sent that notification (perhaps a
correction of a correction), every officer along that chain corrected the case."""

from __future__ import annotations

from web.stores.reviews import ReviewStore

MAX_CHAIN = 20  # corrections of corrections followed back at most this far


def correctors_of(reviews: ReviewStore, notification_id: str) -> frozenset[str]:
    """The usernames of the officers whose corrections led to this notification."""
    found: set[str] = set()
    current = notification_id
    for _ in range(MAX_CHAIN):
        decision = reviews.correction_decision(current)
        if decision is None:
            break
        found.add(decision.officer_username)
        current = decision.notification_id
    return frozenset(found)


def may_approve(reviews: ReviewStore, notification_id: str, username: str) -> bool:
    return username not in correctors_of(reviews, notification_id)
