"""Each financial year of an account's money as the staff account page shows it: charge, paid, still demanded,
and the balance due or the credit to refund or transfer (never a negative balance)."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.audit_notes import money
from adapters.revenues_port import AccountView
from schemas.financial_year import FinancialYear


@dataclass(frozen=True)
class YearMoney:
    """One financial year of an account: its current charge, what was paid towards it and what is demanded."""

    financial_year: int
    charge_pence: int
    paid_pence: int
    demanded_pence: int

    @property
    def label(self) -> str:
        return FinancialYear(self.financial_year).label

    @property
    def balance_pence(self) -> int:
        return self.charge_pence - self.paid_pence

    @property
    def outcome(self) -> str:
        """The year's balance in words: a credit is an amount to refund or transfer."""
        if self.balance_pence > 0:
            return f"Balance due {money(self.balance_pence)}"
        if self.balance_pence < 0:
            return f"Credit {money(-self.balance_pence)} for {self.label} to refund or transfer"
        return "Nothing further due"


def money_by_year(account: AccountView) -> list[YearMoney]:
    """Every year the account holds a charge, a payment or an instalment of, oldest first."""
    years = sorted({c.financial_year for c in account.charges} | {p.financial_year for p in account.payments}
                   | {i.financial_year for i in account.instalments})
    return [YearMoney(
        financial_year=year,
        charge_pence=sum(c.charge_pence for c in account.charges if c.financial_year == year),
        paid_pence=sum(p.amount_pence for p in account.payments if p.financial_year == year),
        demanded_pence=sum(i.amount_pence for i in account.instalments if i.financial_year == year),
    ) for year in years]
