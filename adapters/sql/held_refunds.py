"""Refunds waiting for an officer's approval, read from the SQL revenues database for the staff approval queue:
oldest first, the bank account only masked, with the property the account was for."""

from __future__ import annotations

from sqlalchemy import Connection, and_, select

from adapters.revenues_port import HeldRefund
from adapters.sql.tables import account_table, property_table, refund_decision_table, refund_table


def held_refunds(conn: Connection) -> list[HeldRefund]:
    decided = refund_decision_table
    rows = conn.execute(
        select(refund_table.c.account_ref, refund_table.c.financial_year, refund_table.c.amount_pence,
               refund_table.c.bank_masked, refund_table.c.instructed_on, refund_table.c.notification_id,
               property_table.c.uprn, property_table.c.address_line_1, property_table.c.town,
               property_table.c.postcode)
        .join(account_table, account_table.c.account_ref == refund_table.c.account_ref)
        .join(property_table, property_table.c.uprn == account_table.c.uprn)
        .outerjoin(decided, and_(decided.c.account_ref == refund_table.c.account_ref,
                                 decided.c.financial_year == refund_table.c.financial_year))
        .where(refund_table.c.held_for_approval.is_(True), decided.c.decision.is_(None))
        .order_by(refund_table.c.instructed_on, refund_table.c.id)).all()
    return [HeldRefund(account_ref=row[0], financial_year=row[1], amount_pence=row[2], masked_bank_account=row[3],
                       instructed_on=row[4], notification_id=row[5], uprn=row[6], address_line_1=row[7], town=row[8],
                       postcode=row[9]) for row in rows]
