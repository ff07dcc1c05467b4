"""Post a payment as a cash office would: to the simulated back office (`ctax legacy pay`) or to the revenues
database of the SQL style (`ctax pay`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from adapters.sql.revenues import SqlRevenuesSystem
from legacy.database import connect, create_schema
from legacy.ledger import Ledger
from legacy.records import Payment, RefusalError
from schemas.financial_year import financial_year_of


def pence_of(pounds: str) -> int:
    """An amount in pounds (``123.45``, ``£1,234``) in pence; a clear error for anything else."""
    text = pounds.strip().removeprefix("£").replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{pounds!r} is not an amount in pounds (e.g. 123.45)") from None
    if value != value.quantize(Decimal("0.01")) or value <= 0:
        raise ValueError(f"{pounds!r} is not a positive amount in whole pence")
    return int(value * 100)


def post_payment(database: Path, account_no: str, pounds: str, paid_on: date, financial_year: int | None) -> str:
    """Record the payment; what was posted, in words. A refusal (no such account) is a ``ValueError``."""
    year = financial_year if financial_year is not None else financial_year_of(paid_on).start_year
    payment = Payment(year, paid_on, pence_of(pounds))
    create_schema(database)  # a database made before payments gains their table
    conn = connect(database)
    try:
        Ledger(conn).record_payment(account_no, payment)
    except RefusalError as refusal:
        raise ValueError(refusal.message) from None
    finally:
        conn.close()
    return (f"posted £{payment.amount_pence / 100:,.2f} paid {paid_on.isoformat()} to account {account_no} "
            f"for {year}/{(year + 1) % 100:02d}")


def post_revenues_payment(revenues: SqlRevenuesSystem, account_ref: str, pounds: str, paid_on: date,
                          financial_year: int | None) -> str:
    """Record the payment in the revenues database; what was posted, in words. An unknown account or a bad
    amount is a ``ValueError``."""
    pence = pence_of(pounds)
    if revenues.account(account_ref) is None:
        raise ValueError(f"There is no account {account_ref}")
    year = financial_year if financial_year is not None else financial_year_of(paid_on).start_year
    revenues.record_payment(account_ref, year, paid_on, pence)
    return (f"posted £{pence / 100:,.2f} paid {paid_on.isoformat()} to account {account_ref} "
            f"for {year}/{(year + 1) % 100:02d}")
