"""Compare the rows a notification wrote with what the current rules give: pure functions.

Charge lines are paired by financial year and first day; instalments by financial year and sequence. A
difference is *correctable* when a Rebill can still change it: the written row is current (not superseded)
and, for an instalment, not yet due (instalments already due are history: paid or being chased).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from adapters.sql.history import WrittenCharge, WrittenInstalment
from schemas.events import ChargeLine, Instalment


class Difference(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"
    CHANGED = "changed"
    MOVED_AND_CHANGED = "moved and changed"


@dataclass(frozen=True)
class ChargeDifference:
    financial_year: int
    period_start: date
    difference: Difference
    was_period_end: date | None
    now_period_end: date | None
    was_pence: int
    now_pence: int
    correctable: bool

    @property
    def money_pence(self) -> int:
        return self.now_pence - self.was_pence


@dataclass(frozen=True)
class InstalmentDifference:
    financial_year: int
    sequence: int
    difference: Difference
    was_due: date | None
    now_due: date | None
    was_pence: int
    now_pence: int
    correctable: bool

    @property
    def money_pence(self) -> int:
        return self.now_pence - self.was_pence


@dataclass(frozen=True)
class AccountDiff:
    """What would change on one account if one notification were applied again under the current rules."""

    account_ref: str
    charges: tuple[ChargeDifference, ...]
    instalments: tuple[InstalmentDifference, ...]
    charge_was_pence: int
    charge_now_pence: int
    instalments_was_pence: int
    instalments_now_pence: int

    @property
    def changed(self) -> bool:
        return bool(self.charges or self.instalments)

    @property
    def correctable(self) -> bool:
        return any(d.correctable for d in self.charges) or any(d.correctable for d in self.instalments)

    @property
    def charge_difference_pence(self) -> int:
        return self.charge_now_pence - self.charge_was_pence

    @property
    def instalment_difference_pence(self) -> int:
        return self.instalments_now_pence - self.instalments_was_pence

    def first_charge_day(self) -> date | None:
        """The first day a correctable charge difference touches (None: the charges stand)."""
        days = [d.period_start for d in self.charges if d.correctable]
        return min(days) if days else None

    def first_instalment_year(self) -> int | None:
        """The first financial year with a correctable instalment difference."""
        years = [d.financial_year for d in self.instalments if d.correctable]
        return min(years) if years else None


def account_diff(account_ref: str, written_charges: Sequence[WrittenCharge], expected_charges: Sequence[ChargeLine],
                 written_instalments: Sequence[WrittenInstalment], expected_instalments: Sequence[Instalment],
                 today: date) -> AccountDiff:
    """The differences between what a notification wrote on an account and what the current rules give."""
    return AccountDiff(
        account_ref=account_ref,
        charges=charge_differences(written_charges, expected_charges),
        instalments=instalment_differences(written_instalments, expected_instalments, today),
        charge_was_pence=sum(c.charge_pence for c in written_charges),
        charge_now_pence=sum(c.charge_pence for c in expected_charges),
        instalments_was_pence=sum(i.amount_pence for i in written_instalments),
        instalments_now_pence=sum(i.amount_pence for i in expected_instalments),
    )


def charge_differences(written: Sequence[WrittenCharge], expected: Sequence[ChargeLine]
                       ) -> tuple[ChargeDifference, ...]:
    """Charge lines added, removed or changed (a changed line differs in any figure: end, days, band, discount)."""
    was = {(c.financial_year, c.period_start): c for c in written}
    now = {(c.financial_year, c.period_start): c for c in expected}
    current_years = {c.financial_year for c in written if not c.superseded}
    found: list[ChargeDifference] = []
    for key in sorted(was.keys() | now.keys()):
        old, new = was.get(key), now.get(key)
        if old is not None and new is not None and _charge_figures(old) == _charge_figures(new):
            continue
        kind = Difference.ADDED if old is None else Difference.REMOVED if new is None else Difference.CHANGED
        correctable = (not old.superseded) if old is not None else key[0] in current_years
        found.append(ChargeDifference(
            financial_year=key[0], period_start=key[1], difference=kind,
            was_period_end=old.period_end if old else None, now_period_end=new.period_end if new else None,
            was_pence=old.charge_pence if old else 0, now_pence=new.charge_pence if new else 0,
            correctable=correctable))
    return tuple(found)


def instalment_differences(written: Sequence[WrittenInstalment], expected: Sequence[Instalment], today: date
                           ) -> tuple[InstalmentDifference, ...]:
    """Instalments added, removed, moved (another due date), changed (another amount) or both."""
    was = {(i.financial_year, i.sequence): i for i in written}
    now = {(i.financial_year, i.sequence): i for i in expected}
    pending_years = {i.financial_year for i in written if not i.superseded and i.due_date >= today}
    found: list[InstalmentDifference] = []
    for key in sorted(was.keys() | now.keys()):
        old, new = was.get(key), now.get(key)
        if old is not None and new is not None:
            moved, changed = old.due_date != new.due_date, old.amount_pence != new.amount_pence
            if not moved and not changed:
                continue
            kind = (Difference.MOVED_AND_CHANGED if moved and changed
                    else Difference.MOVED if moved else Difference.CHANGED)
        else:
            kind = Difference.ADDED if old is None else Difference.REMOVED
        if old is not None:
            correctable = not old.superseded and old.due_date >= today
        else:
            correctable = new is not None and new.due_date >= today and key[0] in pending_years
        found.append(InstalmentDifference(
            financial_year=key[0], sequence=key[1], difference=kind,
            was_due=old.due_date if old else None, now_due=new.due_date if new else None,
            was_pence=old.amount_pence if old else 0, now_pence=new.amount_pence if new else 0,
            correctable=correctable))
    return tuple(found)


def _charge_figures(line: WrittenCharge | ChargeLine) -> tuple[object, ...]:
    return (line.period_end, line.days, line.band, line.annual_charge_pence, line.discount_code or None,
            line.discount_percent, line.charge_pence)
