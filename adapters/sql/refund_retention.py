"""Storage limitation for refunds' bank details: once a refund was paid long enough ago for a returned payment to
have come back, its sealed bank details go (the refund's year, amount and masked account stay, for the ledger)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, inspect, update

from adapters.sql.tables import refund_table


def purge_refund_bank_details(engine: Engine, paid_before: date) -> int:
    """Empty the sealed bank details of every refund instructed (not held) before ``paid_before``; how many."""
    with engine.begin() as conn:
        if not inspect(conn).has_table(refund_table.name):
            return 0
        done = conn.execute(update(refund_table).where(
            refund_table.c.held_for_approval.is_(False), refund_table.c.instructed_on < paid_before,
            refund_table.c.bank_sealed != "").values(bank_sealed=""))
        return int(done.rowcount)
