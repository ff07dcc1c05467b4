"""Rebuild the register facts a notification was assessed with, from what the revenues system recorded.

The revenues database keeps accounts as they are now and every charge and instalment row with the
notification that wrote it, not a snapshot per notification. So the facts are rebuilt, with these
approximations (the README lists them for officers):

- an account counts as open just before the notification when it was opened earlier (by the register or
  an earlier notification) and is still open, or was ended by this notification or a later one (see
  ``ended_by``: the move-in that opened the next account there, or the notification that wrote its final
  line);
- its charge lines are those written before it and current then: exact where the database records which
  notification superseded each line (``superseded_by``); for a line superseded before that was recorded, per
  financial year the last lines written for that year by anything applied earlier (exact unless a year's
  lines were superseded without being re-written);
- its discount is the one on the last charge line written before (lines run to the end of the year at the
  account's discount), else on the notification's own line for the day before its date (a change from a date
  writes the days before it again at the discount they had), else as the account is now (so a discount
  claimed from the first day of a year with no earlier lines replays as a claim on an account that already
  has it, and goes to review);
- its payments are those the account records as paid before the day the notification was applied;
- the instalments it still demanded are those written before it and not superseded by then: exact where the
  database records which notification superseded each row (``superseded_by``, kept since it was added);
  for a row superseded before that, the approximation: per financial year, those the last writer of that
  year's instalments before the notification wrote, with the earlier-written ones still live now (one
  superseded since by a later notification is not told apart from one superseded before, and is left out);
- the 12-instalment scheme and the payment day are as the account records them now;
- the band is the property's band now; liable people's names are not read (a change of name is replayed
  as if its previous name was on the account, as it must have been to be applied).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from adapters.sql.history import AccountRecord, AppliedRecord, WrittenCharge, WrittenInstalment
from ctax.replay.recorded import Recorded
from processors.rules.kinds.table import rules_for
from schemas.events import (
    ChargeLine,
    EndedAccount,
    Instalment,
    OpenAccount,
    Payment,
    PropertyFacts,
    StageTimings,
    ValidatedNotification,
)
from schemas.notification import ChangeNotification


def validated_as_then(notification: ChangeNotification, applied: AppliedRecord,
                      recorded: Recorded) -> ValidatedNotification:
    """The validated notification as the assess stage would have seen it when it was applied."""
    facts = tuple(_property_facts(uprn, notification, recorded) for uprn in notification.change.uprns
                  if uprn in recorded.properties)
    return ValidatedNotification(
        notification=notification, properties=facts,
        timings=StageTimings(submitted_at=notification.submitted_at, validated_at=applied.applied_at),
    )


def _property_facts(uprn: str, notification: ChangeNotification, recorded: Recorded) -> PropertyFacts:
    nid = notification.notification_id
    here = [a for a in recorded.accounts_at(uprn) if a.opened_by_notification != nid
            and recorded.applied_before(a.opened_by_notification, nid)]
    open_then = [a for a in here if _open_just_before(a, nid, recorded)]
    ended_then = [a for a in here if a.liability_end is not None and a not in open_then]
    account = max(open_then, key=lambda a: a.liability_start, default=None)
    ended = max(ended_then, key=lambda a: (a.liability_end or a.liability_start, a.liability_start), default=None)
    change = notification.change
    prop = recorded.properties[uprn]
    paid_before = notification.submitted_at.date()
    applied = next((a for a in recorded.applied if a.notification_id == nid), None)
    if applied is not None:
        paid_before = applied.applied_at.date()
    open_account = None if account is None else _open_account(account, nid, change.effective_date, recorded,
                                                              paid_before)
    if open_account is not None:
        open_account = rules_for(change.kind).account_as_replayed(change, open_account)
    return PropertyFacts(
        uprn=uprn, postcode=prop.postcode, band=prop.band, open_account=open_account, owner_name=prop.owner_name,
        furnished=prop.furnished, premium_exception=prop.premium_exception,
        premium_exception_from=prop.premium_exception_from,
        last_ended_account=None if ended is None else _ended_account(ended, nid, recorded, paid_before),
    )


def _open_just_before(account: AccountRecord, notification_id: str, recorded: Recorded) -> bool:
    if account.liability_end is None:
        return True
    ender = ended_by(account, recorded)
    return ender is not None and not recorded.applied_before(ender, notification_id)


def ended_by(account: AccountRecord, recorded: Recorded) -> str | None:
    """The notification that ended an account's liability, when it was applied in the replay's window.

    The first of the notifications touching it that either opened the next account at the property (a
    newcomer's move-in ends the previous occupier's liability; the leaver's later move-out may bring the end
    back a few days), or wrote it a final charge line ending on its last day (a move-out); failing both, the
    last to touch it. None: it ended before the replay's window.
    """
    end = account.liability_end
    assert end is not None
    touchers = recorded.touchers(account.account_ref)
    for toucher in touchers:
        nid = toucher.notification_id
        opened_next = any(a.opened_by_notification == nid and a.liability_start > end
                          for a in recorded.accounts_at(account.uprn))
        final_line = any(c.period_end == end for c in recorded.charges_written_by(nid, account.account_ref))
        if opened_next or final_line:
            return nid
    return touchers[-1].notification_id if touchers else None


def lines_before(account_ref: str, notification_id: str, recorded: Recorded) -> list[WrittenCharge]:
    """The account's charge lines as they stood just before the notification (see the module's notes)."""
    earlier = [c for c in recorded.charges_of(account_ref) if c.notification_id != notification_id
               and recorded.applied_before(c.notification_id, notification_id)]
    last_writer: dict[int, str | None] = {}
    for line in earlier:  # in writing order, so the last writer of each year wins
        last_writer[line.financial_year] = line.notification_id
    return sorted((c for c in earlier if _current_before(c, notification_id, recorded, last_writer)),
                  key=lambda c: (c.financial_year, c.period_start))


def _current_before(line: WrittenCharge, notification_id: str, recorded: Recorded,
                    last_writer: dict[int, str | None]) -> bool:
    """Whether a line written earlier was current just before the notification: exact where the database recorded
    which notification superseded it; else (a line superseded before it did) whether the year's last writer wrote
    it."""
    if line.superseded_by is not None or not line.superseded:
        return _live_by_record(line.superseded, line.superseded_by, notification_id, recorded)
    return last_writer[line.financial_year] == line.notification_id


def instalments_before(account_ref: str, notification_id: str, recorded: Recorded) -> list[WrittenInstalment]:
    """The instalments the account still demanded just before the notification (see the module's notes)."""
    earlier = [i for i in recorded.instalments_of(account_ref) if i.notification_id != notification_id
               and recorded.applied_before(i.notification_id, notification_id)]
    last_writer: dict[int, str | None] = {}
    for row in earlier:
        last_writer[row.financial_year] = row.notification_id
    return sorted((i for i in earlier if _live_before(i, notification_id, last_writer, recorded)),
                  key=lambda i: (i.financial_year, i.due_date, i.sequence))


def _live_before(row: WrittenInstalment, notification_id: str, last_writer: dict[int, str | None],
                 recorded: Recorded) -> bool:
    """Whether an instalment written earlier was still demanded just before the notification.

    Exact where the database recorded which notification superseded it (still demanded unless that one was
    applied before this notification); otherwise the approximation in the module's notes.
    """
    if row.superseded_by is not None or not row.superseded:
        return _live_by_record(row.superseded, row.superseded_by, notification_id, recorded)
    return last_writer[row.financial_year] == row.notification_id


def _live_by_record(superseded: bool, superseded_by: str | None, notification_id: str, recorded: Recorded) -> bool:
    """Still current now, or superseded by this notification or a later one."""
    if not superseded or superseded_by is None:
        return not superseded
    return superseded_by == notification_id or not recorded.applied_before(superseded_by, notification_id)


def _money_before(account_ref: str, notification_id: str, recorded: Recorded, paid_before: date,
                  lines: list[WrittenCharge]) -> dict[str, Any]:
    return {
        "charges": tuple(_line(c) for c in lines),
        "instalments": tuple(Instalment(financial_year=i.financial_year, sequence=i.sequence, due_date=i.due_date,
                                        amount_pence=i.amount_pence)
                             for i in instalments_before(account_ref, notification_id, recorded)),
        "payments": tuple(Payment(financial_year=p.financial_year, paid_on=p.paid_on, amount_pence=p.amount_pence)
                          for p in recorded.payments_of(account_ref) if p.paid_on < paid_before),
    }


def _open_account(account: AccountRecord, notification_id: str, day: date, recorded: Recorded,
                  paid_before: date) -> OpenAccount:
    lines = lines_before(account.account_ref, notification_id, recorded)
    code, percent = _discount_in_force(account, lines, notification_id, day - timedelta(days=1), recorded)
    return OpenAccount(
        account_ref=account.account_ref, liability_start=account.liability_start, discount_code=code,
        discount_percent=percent, twelve_instalments=account.twelve_instalments, payment_day=account.payment_day,
        unoccupied_since=account.unoccupied_since,
        **_money_before(account.account_ref, notification_id, recorded, paid_before, lines),
    )


def _discount_in_force(account: AccountRecord, lines: list[WrittenCharge], notification_id: str, day: date,
                       recorded: Recorded) -> tuple[str | None, int]:
    """The account's discount just before the notification: the one on the last line written before it (an
    account's lines run to the end of the year at its discount), else on the notification's own line covering
    ``day`` (a change from a date writes the days before it again at the discount they had), else as now."""
    if lines:
        last = max(lines, key=lambda c: (c.financial_year, c.period_start))
        return last.discount_code, last.discount_percent
    own = sorted(recorded.charges_written_by(notification_id, account.account_ref), key=lambda c: c.period_start)
    covering = [c for c in own if c.period_start <= day]
    if covering:
        return covering[-1].discount_code, covering[-1].discount_percent
    return account.discount_code, account.discount_percent


def _ended_account(account: AccountRecord, notification_id: str, recorded: Recorded,
                   paid_before: date) -> EndedAccount:
    assert account.liability_end is not None
    enders = [t for t in recorded.touchers(account.account_ref)
              if recorded.applied_before(t.notification_id, notification_id)]
    return EndedAccount(
        account_ref=account.account_ref, liability_start=account.liability_start,
        liability_end=account.liability_end, discount_code=account.discount_code,
        discount_percent=account.discount_percent,
        ended_by_reference=enders[-1].reference if enders else None,
        twelve_instalments=account.twelve_instalments, payment_day=account.payment_day,
        unoccupied_since=account.unoccupied_since,
        **_money_before(account.account_ref, notification_id, recorded, paid_before,
                        lines_before(account.account_ref, notification_id, recorded)),
    )


def _line(row: WrittenCharge) -> ChargeLine:
    return ChargeLine(financial_year=row.financial_year, period_start=row.period_start, period_end=row.period_end,
                      days=row.days, band=row.band, annual_charge_pence=row.annual_charge_pence,
                      discount_code=row.discount_code, discount_percent=row.discount_percent,
                      charge_pence=row.charge_pence)
