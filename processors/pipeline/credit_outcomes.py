"""Where each year's credit went, for the resident's status page: transferred to the mover's other account here,
refunded to the bank account they gave, or a refund held for an officer's approval."""

from __future__ import annotations

from adapters.revenues_port import AppliedChange
from schemas.events import AccountChange, CreditOutcome, CreditWay


def credit_outcomes(change: AccountChange, applied: AppliedChange) -> tuple[CreditOutcome, ...]:
    """The credits the change's endings moved off their accounts, year by year. An account the same change
    opened is named by the reference the back office gave it (the applied change lists openings last)."""
    opened = applied.account_refs[len(applied.account_refs) - len(change.openings):] if change.openings else ()
    opened_at = {opening.uprn: ref for opening, ref in zip(change.openings, opened, strict=True)}
    outcomes: list[CreditOutcome] = []
    for ending in change.endings:
        outcomes += [CreditOutcome(financial_year=t.financial_year, amount_pence=-t.amount_pence,
                                   way=CreditWay.TRANSFERRED,
                                   to=t.other_account_ref or opened_at.get(t.other_uprn, "your new account"))
                     for t in ending.credit_transfers if t.amount_pence < 0]
        outcomes += [CreditOutcome(financial_year=r.financial_year, amount_pence=r.amount_pence,
                                   way=CreditWay.HELD if r.held_for_approval else CreditWay.REFUNDED,
                                   to=r.bank.masked[-4:]) for r in ending.refunds]
    return tuple(sorted(outcomes, key=lambda o: (o.financial_year, o.way.value)))
