"""A revenues database made before payments: its paid-this-year figures become payments, once, on start-up."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, insert

from adapters.sql.revenues import SqlRevenuesSystem
from adapters.sql.tables import account_table, metadata, payment_table, property_table
from schemas.financial_year import financial_year_of


def _old_database(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    with engine.begin() as conn:
        metadata.create_all(conn, tables=[t for t in metadata.sorted_tables if t is not payment_table])
        conn.execute(insert(property_table), [
            {"uprn": uprn, "property_ref": f"P{uprn}", "address_line_1": f"{uprn} Acacia Avenue",
             "town": "Exampleton", "postcode": "ZY1 5AB", "band": "B"} for uprn in ("1", "2")])
        conn.execute(insert(account_table), [
            {"account_ref": "A1", "uprn": "1", "liability_start": date(2020, 6, 1), "discount_percent": 0,
             "paid_this_year_pence": 91200},
            {"account_ref": "A2", "uprn": "2", "liability_start": date(2021, 6, 1), "discount_percent": 0,
             "paid_this_year_pence": 0}])
    engine.dispose()
    return url


def _payments(revenues: SqlRevenuesSystem) -> dict[str, list[tuple[int, date, int]]]:
    facts = revenues.property_facts_many(["1", "2"])
    return {f.open_account.account_ref: [(p.financial_year, p.paid_on, p.amount_pence)
                                         for p in f.open_account.payments]
            for f in facts.values() if f.open_account is not None}


def test_each_paid_this_year_figure_becomes_one_payment_towards_the_current_year(tmp_path: Path) -> None:
    revenues = SqlRevenuesSystem.from_url(_old_database(tmp_path / "old.db"))
    try:
        revenues.create_schema()
        today = date.today()  # noqa: DTZ011 - the upgrade's day, as the adapter takes it
        assert _payments(revenues) == {"A1": [(financial_year_of(today).start_year, today, 91200)], "A2": []}
        revenues.create_schema()  # a later start-up carries nothing again
        assert len(_payments(revenues)["A1"]) == 1
    finally:
        revenues.dispose()

