"""Refund decision (officers only): an officer releases a refund held for approval to the bank account the mover
gave, or keeps the credit on the account. Above the council's threshold a refund waits for this (SI 1992/613
reg. 24 lets the council repay an overpayment; the threshold and the separation of duties are the council's
controls). Nothing is re-billed: the back office releases the refund once, by its id (the account and the year),
or refuses a decision on a refund it does not hold for approval."""

from __future__ import annotations

from datetime import date

from processors.rules.council import CouncilRules
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules, the_address
from processors.rules.review import Effects
from schemas.events import DecidedRefund, ValidatedNotification
from schemas.financial_year import FinancialYear
from schemas.notification import ChangeKind, RefundDecision


def assess(change: RefundDecision, validated: ValidatedNotification, notice: date, rules: CouncilRules) -> Effects:
    return (), (), ()  # no liability ends, opens or changes: the decision is all (decided below)


def decide(change: RefundDecision, validated: ValidatedNotification, notice: date) -> tuple[DecidedRefund, ...]:
    year = FinancialYear(change.financial_year).label
    outcome = ("approved by an officer and released to the bank account" if change.approved else
               "not approved by an officer: the credit stays on the account")
    return (DecidedRefund(account_ref=change.account_reference.upper(), financial_year=change.financial_year,
                          approved=change.approved, decided_on=change.decided_on,
                          note=f"Refund of the {year} credit {outcome} ({validated.notification.reference}): "
                               f"{change.reason}"),)


RULES = KindRules(
    kind=ChangeKind.REFUND_DECISION, change_type=RefundDecision,
    asks_back_office=frozenset({BackOfficeRequest.DECIDE_REFUND}), properties=the_address, assess=assess,
    backdating_matters=False, officers_only=True, decides_refunds=decide,
)
