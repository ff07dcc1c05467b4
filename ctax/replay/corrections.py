"""The corrections a replay issues: one officer-approved Rebill per account, with a deterministic id.

The id and reference depend only on the council, the replay period and the account, so issuing the
corrections of a period twice sends the same notification, which the pipeline applies once.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ctax.replay.recorded import Recorded
from ctax.replay.rederived import AccountBillCheck
from ctax.replay.rerun import Period, ReplayedAccount
from schemas.financial_year import FinancialYear
from schemas.notification import Address, ChangeNotification, Channel, Contact, Rebill

# A fixed namespace: a replay's correction ids must never change between versions of this code.
REPLAY_NAMESPACE = uuid.UUID("6f1d2a52-5c36-4e0b-9a43-2f0f6c0e7b11")
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as intake's references: no I, L, O or U
MAX_REASON = 300


@dataclass(frozen=True)
class Correction:
    """A Rebill for one account, and the notifications whose rows it corrects."""

    account_ref: str
    from_date: date
    references: tuple[str, ...]
    notification: ChangeNotification


def correction_id(council_code: str, period: Period, account_ref: str) -> str:
    return str(uuid.uuid5(REPLAY_NAMESPACE, f"replay|{council_code}|{period.label}|{account_ref}"))


def correction_reference(notification_id: str) -> str:
    digest = hashlib.sha256(notification_id.encode()).digest()
    chars = "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:8])
    return f"CTX-{chars[:4]}-{chars[4:]}"


def rebill_from(replayed: Sequence[ReplayedAccount], recorded: Recorded) -> date:
    """The first day to bill again: the first charge line that differs; when only instalments differ, the
    start of the account's last current charge line in that year (so the charge is worked out again only
    where it already stands at the account's present discount)."""
    ref = replayed[0].account_ref
    account = recorded.account_by_ref[ref]
    days = [day for r in replayed if (day := r.diff.first_charge_day()) is not None]
    if days:
        return max(min(days), account.liability_start)
    first_years = [y for r in replayed if (y := r.diff.first_instalment_year()) is not None]
    year = FinancialYear(min(first_years))
    starts = [c.period_start for c in recorded.charges_of(ref)
              if not c.superseded and c.financial_year == year.start_year]
    return max(max(starts, default=year.start), account.liability_start)


def corrections(result_accounts: Sequence[ReplayedAccount], recorded: Recorded, period: Period, council_code: str,
                officer: Contact, submitted_at: datetime,
                bills: Sequence[AccountBillCheck] = ()) -> list[Correction]:
    """One Rebill for each open account with a difference a Rebill can still put right: rows a notification
    wrote differently from the current rules, or a bill the current rules re-derive otherwise (``bills``: e.g. a
    plan that demands missed instalments twice; the Rebill folds them, SI 1992/613 Sch. 1 para 10)."""
    by_account: dict[str, list[ReplayedAccount]] = {}
    for replayed in result_accounts:
        if replayed.needs_rebill:
            by_account.setdefault(replayed.account_ref, []).append(replayed)
    wrong_bills = {b.account_ref: b for b in bills if not b.closed and b.account_ref in recorded.account_by_ref}
    found = []
    for ref in sorted(by_account.keys() | wrong_bills.keys()):
        differing, bill = by_account.get(ref, []), wrong_bills.get(ref)
        account = recorded.account_by_ref[ref]
        prop = recorded.properties[account.uprn]
        days = [rebill_from(differing, recorded)] if differing else []
        if bill is not None:
            days.append(max(FinancialYear(bill.first_year).start, account.liability_start))
        from_date = min(days)
        references = tuple(dict.fromkeys([*(r.reference for r in differing),
                                           *(t.reference for t in recorded.touchers(ref)
                                             if bill is not None)]))
        reason = (f"replay {period.label}: {', '.join(references)} billed under earlier rules; "
                  f"charge and instalments worked out again")
        nid = correction_id(council_code, period, ref)
        notification = ChangeNotification(
            notification_id=nid, reference=correction_reference(nid), submitted_at=submitted_at,
            channel=Channel.OFFICER_CORRECTION, council_code=council_code, contact=officer,
            change=Rebill(uprn=account.uprn, address=Address(line_1=prop.address_line_1, line_2=prop.address_line_2,
                                                             town=prop.town, postcode=prop.postcode),
                          account_reference=ref, from_date=from_date, reason=_shortened(reason)),
        )
        found.append(Correction(ref, from_date, references, notification))
    return found


def _shortened(reason: str) -> str:
    return reason if len(reason) <= MAX_REASON else reason[:MAX_REASON - 3] + "..."
