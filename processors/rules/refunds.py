"""A final bill in credit, where the mover asked for it, is refunded to their bank account (SI 1992/613 reg. 24:
an amount overpaid is repaid if the liable person so requires).

Each year's credit (only where the back office recorded the payments: a year whose payments are assumed is left
for a person) becomes one refund instruction, less any part already transferred to the mover's other account.
A refund above the council's threshold (``refund_approval_threshold_pence``, on the whole refund) is held for an
officer's approval; the back office posts the others at once, as a negative payment towards the year, so the
year's credit is then settled.
"""

from __future__ import annotations

from datetime import date

from processors.rules.council import CouncilRules
from processors.rules.credit_transfer import transferable_credits
from schemas.events import LiabilityEnding, RefundInstruction
from schemas.notification import SealedBankAccount


def refund_credit(ending: LiabilityEnding, bank: SealedBankAccount | None, notice: date,
                  rules: CouncilRules) -> LiabilityEnding:
    """The ending with its credit (what no transfer took) to be refunded to ``bank``; unchanged without one."""
    if bank is None:
        return ending
    moved = {t.financial_year: -t.amount_pence for t in ending.credit_transfers if t.amount_pence < 0}
    left = {year: credit - moved.get(year, 0) for year, credit in transferable_credits(ending).items()}
    left = {year: pence for year, pence in left.items() if pence > 0}
    held = sum(left.values()) > rules.refund_approval_threshold_pence
    refunds = tuple(RefundInstruction(financial_year=year, amount_pence=pence, bank=bank, instructed_on=notice,
                                      held_for_approval=held) for year, pence in sorted(left.items()))
    return ending.model_copy(update={"refunds": (*ending.refunds, *refunds)}) if refunds else ending
