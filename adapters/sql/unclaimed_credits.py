"""Credits left on closed accounts (neither transferred nor refunded), by how long ago the liability ended: what
the ops page shows so a revenues team can see credit waiting for a person (SI 1992/613 reg. 24)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, select

from adapters.sql.tables import account_table, charge_table, payment_table, refund_table

AGE_BANDS = ((30, "Up to 30 days"), (90, "31 to 90 days"), (365, "91 days to a year"), (None, "Over a year"))


@dataclass(frozen=True)
class CreditsBand:
    label: str
    accounts: int
    credit_pence: int
    awaiting_approval_pence: int  # refunds held for an officer's approval, within the credit


def unclaimed_credits(conn: Connection, today: date) -> list[CreditsBand]:
    """Each age band's closed accounts whose payments exceed their current charges, and the credit they hold.

    Credit transferred or refunded was posted as a negative payment, so it is no longer counted; a refund held for
    approval was not, so its credit still counts (and is shown beside it)."""
    paid = (select(payment_table.c.account_ref, func.sum(payment_table.c.amount_pence).label("pence"))
            .group_by(payment_table.c.account_ref).subquery())
    charged = (select(charge_table.c.account_ref, func.sum(charge_table.c.charge_pence).label("pence"))
               .where(charge_table.c.superseded.is_(False)).group_by(charge_table.c.account_ref).subquery())
    held = (select(refund_table.c.account_ref, func.sum(refund_table.c.amount_pence).label("pence"))
            .where(refund_table.c.held_for_approval.is_(True)).group_by(refund_table.c.account_ref).subquery())
    rows = conn.execute(
        select(account_table.c.liability_end, paid.c.pence, func.coalesce(charged.c.pence, 0),
               func.coalesce(held.c.pence, 0))
        .join(paid, paid.c.account_ref == account_table.c.account_ref)
        .outerjoin(charged, charged.c.account_ref == account_table.c.account_ref)
        .outerjoin(held, held.c.account_ref == account_table.c.account_ref)
        .where(account_table.c.liability_end.is_not(None))).all()
    bands = {label: [0, 0, 0] for _, label in AGE_BANDS}
    for ended, paid_pence, charged_pence, held_pence in rows:
        credit = int(paid_pence) - int(charged_pence)
        if credit <= 0:
            continue
        band = bands[_band((today - ended).days)]
        band[0], band[1], band[2] = band[0] + 1, band[1] + credit, band[2] + min(int(held_pence), credit)
    return [CreditsBand(label, *bands[label]) for _, label in AGE_BANDS]


def _band(days: int) -> str:
    for limit, label in AGE_BANDS:
        if limit is None or days <= limit:
            return label
    raise AssertionError("the last band has no limit")
