"""An applied change's status carries each year's revised demand or credit, for the resident's status page."""

from datetime import UTC, date, datetime

from adapters.memory_revenues import InMemoryRevenuesSystem
from processors.cost_model_file import load_cost_model
from processors.pipeline.apply import apply_outcome
from processors.pipeline.context import StageContext
from schemas.events import Status
from tests.builders import RULES, address, move_out
from tests.unit.adapters.revenues_contract import LEDGER_PAID, OCCUPIED, apply_one, change_for, seed_ledgered

NOW = datetime(2025, 10, 10, 12, 0, tzinfo=UTC)


def test_a_move_out_reports_its_years_balance_or_credit() -> None:
    revenues = InMemoryRevenuesSystem()
    seed_ledgered(revenues)
    ctx = StageContext(revenues=revenues, rules=RULES, cost_model=load_cost_model(), clock=lambda: NOW)
    change = change_for(revenues, move_out(uprn=OCCUPIED, move_date=date(2025, 7, 20),
                                           address=address("2 Acacia Avenue")))
    status = apply_outcome(ctx, change, apply_one(revenues, change), NOW)
    assert status.status is Status.APPLIED
    (bill,) = status.year_bills
    (ending,) = change.endings
    charge = sum(c.charge_pence for c in ending.charges if c.financial_year == 2025)
    assert (bill.financial_year, bill.balance_pence) == (2025, charge - sum(p.amount_pence for p in LEDGER_PAID))
    assert bill.balance_pence < 0  # paid April to August for a liability ending in July: a credit
