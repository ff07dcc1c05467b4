"""A final bill in credit moves to the mover's other account in this council (SI 1992/613 reg. 24).

Reading chosen: under reg. 24 an amount overpaid is repaid if the liable person so requires, and otherwise, as
the billing authority decides, repaid or credited against the same person's subsequent liability. Where the
same notification ends the mover's account and opens their new one (a move within the area) that subsequent
liability is known for certain, so the credit is credited against it, never guessed at otherwise. Each year's
credit on the old account (only where the back office recorded the payments: a year whose payments are
assumed is left for a person) goes to the new account's years oldest first, at most each year's charge; what
is left stays on the old account as a credit, to refund.

The move is posted on both accounts as payments towards their years (negative where it leaves, positive where
it arrives), so both ledgers re-derive correctly later, and money is conserved to the penny: what leaves one
account equals what reaches the other. The new account's instalments are planned on its charge less the credit
(Sch. 1 para 2, as for any demand).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from processors.rules.council import CouncilRules
from processors.rules.instalments import Scheme, instalment_plan
from schemas.events import CreditTransfer, Instalment, LiabilityEnding, LiabilityOpening
from schemas.financial_year import FinancialYear


def transferable_credits(ending: LiabilityEnding) -> dict[int, int]:
    """Each year's credit on an ending's final bill (pence, positive), where the payments are recorded ones."""
    return {bill.financial_year: -bill.balance_pence for bill in ending.year_bills
            if bill.balance_pence < 0 and not bill.paid_is_assumed}


def credit_moves(credits: dict[int, int], room: dict[int, int]) -> list[tuple[int, int, int]]:
    """(from year, to year, pence) moves: each credit, oldest first, to the years with room, oldest first."""
    left_room = dict(room)
    moves: list[tuple[int, int, int]] = []
    for from_year in sorted(credits):
        left = credits[from_year]
        for to_year in sorted(left_room):
            moved = min(left, left_room[to_year])
            if moved > 0:
                moves.append((from_year, to_year, moved))
                left -= moved
                left_room[to_year] -= moved
    return moves


def transfer_credit(
    ending: LiabilityEnding, opening: LiabilityOpening, notice: date, rules: CouncilRules
) -> tuple[LiabilityEnding, LiabilityOpening]:
    """Move the ending's credit onto the account the opening makes, re-planning the opening's instalments."""
    room: dict[int, int] = defaultdict(int)
    for line in opening.charges:
        room[line.financial_year] += line.charge_pence
    moves = credit_moves(transferable_credits(ending), room)
    if not moves:
        return ending, opening
    out_of: dict[int, int] = defaultdict(int)
    into: dict[int, int] = defaultdict(int)
    for from_year, to_year, pence in moves:
        out_of[from_year] += pence
        into[to_year] += pence
    leaving = tuple(CreditTransfer(financial_year=year, transferred_on=notice, amount_pence=-pence,
                                   other_uprn=opening.uprn) for year, pence in sorted(out_of.items()))
    arriving = tuple(CreditTransfer(financial_year=year, transferred_on=notice, amount_pence=pence,
                                    other_uprn=ending.uprn, other_account_ref=ending.account_ref)
                     for year, pence in sorted(into.items()))
    scheme = Scheme.TWELVE if opening.twelve_instalments else Scheme.TEN
    payment_day = opening.payment_day or rules.payment_day
    instalments: list[Instalment] = []
    for year in sorted(room):  # each year's demand stands alone (reg. 18(1)): its charge less the credit it took
        instalments.extend(instalment_plan(room[year] - into.get(year, 0), FinancialYear(year), notice, payment_day,
                                           scheme=scheme, policy=rules.small_instalments))
    return (ending.model_copy(update={"credit_transfers": (*ending.credit_transfers, *leaving)}),
            opening.model_copy(update={"credit_transfers": (*opening.credit_transfers, *arriving),
                                       "instalments": tuple(instalments)}))
