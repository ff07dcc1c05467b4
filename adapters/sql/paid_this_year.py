"""Carry the single 'paid this year' figure of a database made before payments into the payment table.

Earlier versions kept one number per account, what was paid towards the year the notices were then for. The
ledger reads payments instead; a database upgraded without this would show every old account unpaid, and the
next revised demand would ask for the whole year again. So, once, when the payment table is first made in a
database that already holds accounts, each non-zero figure becomes one payment towards the financial year of
the upgrade, dated the day of the upgrade (the real dates were never recorded).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, insert, select

from adapters.sql.tables import account_table, payment_table
from schemas.financial_year import financial_year_of


def carry_paid_this_year(conn: Connection, today: date) -> int:
    """Write one payment per account with a paid-this-year figure; how many were written."""
    rows = conn.execute(select(account_table.c.account_ref, account_table.c.paid_this_year_pence)
                        .where(account_table.c.paid_this_year_pence > 0)).all()
    year = financial_year_of(today).start_year
    payments = [{"account_ref": ref, "financial_year": year, "paid_on": today, "amount_pence": pence}
                for ref, pence in rows]
    if payments:
        conn.execute(insert(payment_table), payments)
    return len(payments)
