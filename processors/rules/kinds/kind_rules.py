"""What the rules need to know about one kind of change: the shape every module in this package fills in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Generic, TypeVar

from processors.rules.council import CouncilRules
from processors.rules.review import Effects
from schemas.events import OpenAccount, ValidatedNotification
from schemas.notification import Address, ChangeKind

ChangeT = TypeVar("ChangeT")


class BackOfficeRequest(StrEnum):
    """What a kind may ask the revenues system to do (each is one part of an ``AccountChange``)."""

    END_LIABILITY = "end_liability"  # a liability ends, with its final bill
    OPEN_ACCOUNT = "open_account"  # a new account opens, with its charges and instalments
    AMEND_ACCOUNT = "amend_account"  # an open account changes from a date, its year re-planned


@dataclass(frozen=True)
class NamedProperty:
    """A property a notification names: where it sits in the change, its UPRN (None: typed in) and address."""

    field: str
    uprn: str | None
    address: Address


def as_recorded(_change: Any, account: OpenAccount) -> OpenAccount:
    """The account as the revenues system records it now: what a replay uses unless a kind says otherwise."""
    return account


@dataclass(frozen=True)
class KindRules(Generic[ChangeT]):
    """The rules of one kind of change.

    ``assess`` returns the endings, openings and amendments the change makes (raising ``Review`` when a person
    must decide); they may only be of the kinds in ``asks_back_office``.
    """

    kind: ChangeKind
    change_type: type[ChangeT]
    asks_back_office: frozenset[BackOfficeRequest]
    properties: Callable[[ChangeT], tuple[NamedProperty, ...]]
    assess: Callable[[ChangeT, ValidatedNotification, date, CouncilRules], Effects]
    # A change dated further back than the council's window goes to a person, unless it moves no money.
    backdating_matters: bool = True
    # Only a revenues officer may send it (a correction); anyone else is refused.
    officers_only: bool = False
    # The open account a replay rebuilds, for a kind whose facts the revenues system does not keep.
    account_as_replayed: Callable[[ChangeT, OpenAccount], OpenAccount] = as_recorded
    # The parts of the change that are the notifier's own bill, shown in the bill preview (processors/preview):
    # an account they open, or one of theirs that ends or is amended (shown only when they give its number).
    # Empty: no preview figures (a kind only an officer sends).
    preview_shows: frozenset[BackOfficeRequest] = frozenset()


def the_address(change: Any) -> tuple[NamedProperty, ...]:
    """The one property of a change with ``uprn`` and ``address`` fields."""
    return (NamedProperty("change.address", change.uprn, change.address),)
