"""Storage limitation for refunds' bank details: once a refund was paid long enough ago for a returned payment to
have come back, its sealed bank details go (the refund's year, amount and masked account stay, for the ledger).
A refund held for approval keeps them until an officer decides it; then the same time runs from the decision
(approved: paid that day; rejected: never paid, so the details are not needed at all after it)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, and_, exists, inspect, update

from adapters.sql.tables import refund_decision_table, refund_table


def purge_refund_bank_details(engine: Engine, paid_before: date) -> int:
    """Empty the sealed bank details of every refund instructed (not held) before ``paid_before``, and of every
    held refund an officer decided before it; how many."""
    with engine.begin() as conn:
        held = inspect(conn)
        if not held.has_table(refund_table.name):
            return 0
        done = conn.execute(update(refund_table).where(
            refund_table.c.held_for_approval.is_(False), refund_table.c.instructed_on < paid_before,
            refund_table.c.bank_sealed != "").values(bank_sealed=""))
        purged = int(done.rowcount)
        if not held.has_table(refund_decision_table.name):
            return purged
        decided = refund_decision_table
        done = conn.execute(update(refund_table).where(
            refund_table.c.held_for_approval.is_(True), refund_table.c.bank_sealed != "",
            exists().where(and_(decided.c.account_ref == refund_table.c.account_ref,
                                decided.c.financial_year == refund_table.c.financial_year,
                                decided.c.decided_on < paid_before)))
            .values(bank_sealed=""))
        return purged + int(done.rowcount)
