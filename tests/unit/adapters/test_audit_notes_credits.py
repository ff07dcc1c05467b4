"""Audit notes write a credit as a credit for its year, to refund or transfer: never a negative balance."""

from __future__ import annotations

from adapters.audit_notes import year_balances
from schemas.events import YearBill


def _bill(year: int, balance: int) -> YearBill:
    return YearBill(financial_year=year, charge_pence=100000, paid_pence=100000 - balance, paid_is_assumed=False,
                    balance_pence=balance)


def test_each_year_says_its_balance_due_or_its_credit() -> None:
    text = year_balances([_bill(2025, 12000), _bill(2026, -46205), _bill(2027, 0)], [])
    assert text == ("2025/26 balance due £120.00 in 0 instalment(s); credit £462.05 for 2026/27 to refund or "
                    "transfer; 2027/28 nothing further due")
    assert "-£" not in text
