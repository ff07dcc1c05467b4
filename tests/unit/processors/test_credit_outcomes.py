"""Where a final bill's credit went, as the status event tells the resident: transferred to the account the same
move opened (by the reference the back office gave it), or refunded (held above the threshold)."""

from __future__ import annotations

from datetime import date

from adapters.memory_revenues import InMemoryRevenuesSystem
from processors.pipeline.credit_outcomes import credit_outcomes
from schemas.bank_details import BankDetailsSealer
from schemas.events import CreditOutcome, CreditWay
from tests.builders import BANK_KEY, address, move_out, move_within
from tests.unit.adapters.revenues_contract import (
    OCCUPIED,
    OTHER_VACANT,
    REFUND_TO,
    apply_one,
    change_for,
    seed,
)


def _seeded() -> InMemoryRevenuesSystem:
    revenues = InMemoryRevenuesSystem()
    seed(revenues)
    return revenues


def test_a_credit_moved_to_the_new_account_names_it() -> None:
    revenues = _seeded()
    change = change_for(revenues, move_within(from_uprn=OCCUPIED, to_uprn=OTHER_VACANT, move_date=date(2025, 6, 1)))
    applied = apply_one(revenues, change)
    (moved,) = [t for e in change.endings for t in e.credit_transfers]
    assert credit_outcomes(change, applied) == (CreditOutcome(
        financial_year=2025, amount_pence=-moved.amount_pence, way=CreditWay.TRANSFERRED, to=applied.account_refs[1]),)
    assert applied.account_refs[1] != "500000001"


def test_a_refund_names_the_bank_account_by_its_last_four_digits_and_says_when_it_is_held() -> None:
    revenues = _seeded()
    sealed = BankDetailsSealer([BANK_KEY]).seal(REFUND_TO)
    for moved, way in ((date(2025, 6, 15), CreditWay.REFUNDED), (date(2025, 6, 1), CreditWay.HELD)):
        change = change_for(revenues, move_out(uprn=OCCUPIED, move_date=moved, address=address("2 Acacia Avenue"),
                                               refund_to=sealed.model_dump()))
        ((refund,),) = [e.refunds for e in change.endings]
        outcome = credit_outcomes(change, apply_one(revenues, change))
        assert outcome == (CreditOutcome(financial_year=2025, amount_pence=refund.amount_pence, way=way, to="4958"),)
        revenues = _seeded()
