"""Officers' decisions on refunds held for approval, in the SQL revenues database: released once by the refund's
id (the account and the year: the ``refund_decision`` table's key), posted as a negative payment on the day
decided, or left unpaid with the credit on the account."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from adapters.revenues_port import RefundDecision, RefundRow, RefusedChangeError, refund_decision_refusal
from adapters.sql.tables import refund_decision_table, refund_table
from schemas.events import AccountChange, DecidedRefund

RefundKey = tuple[str, int]


def refunds_decided(conn: Connection, changes: Iterable[AccountChange]) -> dict[RefundKey, RefundRow]:
    """The refunds the changes decide, as the database holds them (with any decision made)."""
    keys = sorted({(d.account_ref, d.financial_year) for c in changes for d in c.refund_decisions})
    if not keys:
        return {}
    wanted = or_(*(and_(refund_table.c.account_ref == ref, refund_table.c.financial_year == year)
                   for ref, year in keys))
    decisions = {(row["account_ref"], row["financial_year"]): row for row in conn.execute(
        select(refund_decision_table).where(or_(*(and_(refund_decision_table.c.account_ref == ref,
                                                       refund_decision_table.c.financial_year == year)
                                                  for ref, year in keys)))).mappings()}
    found = {}
    for row in conn.execute(select(refund_table).where(wanted)).mappings():
        key = (row["account_ref"], row["financial_year"])
        decided = decisions.get(key)
        found[key] = RefundRow(row["financial_year"], row["amount_pence"], row["bank_masked"],
                               row["held_for_approval"], row["instructed_on"],
                               RefundDecision(decided["decision"]) if decided else None,
                               decided["decided_on"] if decided else None)
    return found


def refusal(change: AccountChange, refunds: dict[RefundKey, RefundRow]) -> RefusedChangeError | None:
    """Why the back office refuses the change's decisions on refunds as they stand, or None."""
    for decided in change.refund_decisions:
        refused = refund_decision_refusal(refunds.get((decided.account_ref, decided.financial_year)), decided)
        if refused is not None:
            return refused
    return None


def decision_rows(change: AccountChange, refunds: dict[RefundKey, RefundRow], applied_at: datetime,
                  note: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The decision, payment and audit note rows of the change's decisions (none for a refund already decided the
    same way), updating ``refunds`` so later changes in the batch see them."""
    decisions, payments, notes = [], [], []
    for decided in change.refund_decisions:
        key = (decided.account_ref, decided.financial_year)
        refund = refunds[key]
        if refund.decision is not None:
            continue
        outcome = RefundDecision.APPROVED if decided.approved else RefundDecision.REJECTED
        refunds[key] = RefundRow(refund.financial_year, refund.amount_pence, refund.masked_bank_account,
                                 refund.held_for_approval, refund.instructed_on, outcome, decided.decided_on)
        decisions.append({"account_ref": decided.account_ref, "financial_year": decided.financial_year,
                          "decision": outcome.value, "decided_on": decided.decided_on,
                          "notification_id": change.notification_id})
        if decided.approved:
            payments.append(_posting(decided, refund))
        notes.append(note(decided.account_ref, applied_at, change.notification_id, decided.note))
    return decisions, payments, notes


def _posting(decided: DecidedRefund, refund: RefundRow) -> dict[str, Any]:
    return {"account_ref": decided.account_ref, "financial_year": decided.financial_year,
            "paid_on": decided.decided_on, "amount_pence": -refund.amount_pence}
