"""The wording of the audit notes written on every account a notification touches."""

from __future__ import annotations

from schemas.events import AccountChange, LiabilityEnding, LiabilityOpening


def money(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def ending_note(change: AccountChange, ending: LiabilityEnding) -> str:
    balance = (
        f"balance due {money(ending.balance_pence)} in {len(ending.instalments)} instalment(s)"
        if ending.balance_pence > 0
        else f"credit {money(-ending.balance_pence)} to refund or transfer"
        if ending.balance_pence < 0
        else "nothing further due"
    )
    return (
        f"Liability ended {ending.liability_end.isoformat()}: {ending.reason}. Charge revised; {balance}. "
        f"Notification {change.reference} ({change.kind.value}), notice dated {change.notice_date.isoformat()}."
    )


def opening_note(change: AccountChange, opening: LiabilityOpening) -> str:
    total = sum(line.charge_pence for line in opening.charges)
    discount = f", {opening.discount_code} {opening.discount_percent}%" if opening.discount_code else ""
    return (
        f"Account opened: liable from {opening.liability_start.isoformat()} ({len(opening.liable_persons)} liable "
        f"person(s){discount}); charged {money(total)} in {len(opening.instalments)} instalment(s). "
        f"Notification {change.reference} ({change.kind.value}), notice dated {change.notice_date.isoformat()}."
    )
