"""Seed the revenues database with the synthetic register, once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from adapters.sql.tables import property_table
from ctax.running.components import council_rules, revenues_system
from ctax.seeding.synthetic_register import generate_register
from ctax.settings import Settings


def seed_register(settings: Settings, *, properties: int, seed: int, as_of: date) -> tuple[int, int] | None:
    """Load the register unless one is already there; return (properties, accounts) loaded."""
    revenues = revenues_system(settings)
    try:
        with revenues.engine.connect() as conn:
            if conn.execute(select(func.count()).select_from(property_table)).scalar_one():
                return None
        register = generate_register(council_rules(settings), properties=properties, seed=seed, as_of=as_of,
                                     account_ref_prefix=settings.account_ref_prefix)
        revenues.load_register(register.properties, register.accounts)
        return len(register.properties), len(register.accounts)
    finally:
        revenues.dispose()
