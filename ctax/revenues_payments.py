"""Post a payment to the revenues database the settings name (the SQL back-office style): `ctax pay`."""

from __future__ import annotations

from datetime import date

from adapters.sql.revenues import SqlRevenuesSystem
from ctax.legacy_payments import pence_of
from schemas.financial_year import financial_year_of


def post_revenues_payment(revenues: SqlRevenuesSystem, account_ref: str, pounds: str, paid_on: date,
                          financial_year: int | None) -> str:
    """Record the payment; what was posted, in words. An unknown account or a bad amount is a ``ValueError``."""
    pence = pence_of(pounds)
    if revenues.account(account_ref) is None:
        raise ValueError(f"There is no account {account_ref}")
    year = financial_year if financial_year is not None else financial_year_of(paid_on).start_year
    revenues.record_payment(account_ref, year, paid_on, pence)
    return (f"posted £{pence / 100:,.2f} paid {paid_on.isoformat()} to account {account_ref} "
            f"for {year}/{(year + 1) % 100:02d}")
