"""The replay's output for revenues officers: a readable table, and CSV with one row per difference.

It shows account references, dates and money, never names or contact details.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import date

from ctax.replay.diff import ChargeDifference, InstalmentDifference
from ctax.replay.rederived import AccountBillCheck, BillCheck
from ctax.replay.rerun import ReplayedAccount, ReplayResult

CSV_COLUMNS = ("account_ref", "notification_reference", "notification_id", "applied_at", "kind", "item",
               "financial_year", "sequence_or_start", "difference", "was_date", "now_date", "was_pence", "now_pence",
               "difference_pence", "correctable", "account_closed")


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


def _signed(pence: int) -> str:
    return ("+" if pence > 0 else "") + pounds(pence)


def _day(day: date | None) -> str:
    return day.isoformat() if day else "-"


def render_table(result: ReplayResult) -> str:
    """The replay as text: a summary, then each account's differences."""
    lines = [f"Replay of notifications applied {result.period.label} under the current rules",
             f"{result.replayed} notification(s) replayed; {len({a.account_ref for a in result.accounts})} "
             f"account(s) would change; {len(result.not_replayed)} not replayed"]
    for account in result.accounts:
        lines.extend(["", *_account_lines(account)])
    if result.not_replayed:
        lines.extend(["", "Not replayed:"])
        lines.extend(f"  {n.reference}  {n.why}" for n in result.not_replayed)
    return "\n".join(lines)


def _account_lines(account: ReplayedAccount) -> Iterator[str]:
    diff = account.diff
    state = ("account closed: re-issue its final bill by hand" if account.closed
             else "needs a Rebill" if account.needs_rebill else "rows since replaced; nothing to correct")
    yield (f"Account {account.account_ref}  {account.kind} {account.reference}  "
           f"applied {account.applied_at.date().isoformat()}  [{state}]")
    yield f"  {'item':<22} {'was':<24} {'now':<24} {'change':<18} difference"
    for charge in diff.charges:
        yield _charge_line(charge)
    for instalment in diff.instalments:
        yield _instalment_line(instalment)
    yield (f"  charge {pounds(diff.charge_was_pence)} -> {pounds(diff.charge_now_pence)} "
           f"({_signed(diff.charge_difference_pence)}); instalments {pounds(diff.instalments_was_pence)} -> "
           f"{pounds(diff.instalments_now_pence)} ({_signed(diff.instalment_difference_pence)})")


def _charge_line(d: ChargeDifference) -> str:
    was = f"to {_day(d.was_period_end)} {pounds(d.was_pence)}" if d.was_period_end else "-"
    now = f"to {_day(d.now_period_end)} {pounds(d.now_pence)}" if d.now_period_end else "-"
    mark = "" if d.correctable else " (history)"
    return f"  {'charge from ' + d.period_start.isoformat():<22} {was:<24} {now:<24} {d.difference.value:<18} " \
           f"{_signed(d.money_pence)}{mark}"


def _instalment_line(d: InstalmentDifference) -> str:
    was = f"{_day(d.was_due)} {pounds(d.was_pence)}" if d.was_due else "-"
    now = f"{_day(d.now_due)} {pounds(d.now_pence)}" if d.now_due else "-"
    mark = "" if d.correctable else " (history)"
    item = f"instalment {d.financial_year}/{d.sequence}"
    return f"  {item:<22} {was:<24} {now:<24} {d.difference.value:<18} {_signed(d.money_pence)}{mark}"


def render_bill_check(bills: BillCheck) -> str:
    """The accounts whose bill now differs from the one the current rules re-derive, with the money per account."""
    lines = [f"Bills now against the current rules: {bills.compared} account(s) compared; {len(bills.wrong)} billed "
             f"wrong; {len(bills.not_compared)} not compared (a notification on them could not be re-assessed)"]
    for account in bills.wrong:
        lines.extend(["", *_bill_lines(account)])
    return "\n".join(lines)


def _bill_lines(account: AccountBillCheck) -> Iterator[str]:
    state = "account closed: re-issue its final bill by hand" if account.closed else "needs a Rebill"
    yield (f"Account {account.account_ref}  charge {_signed(account.charge_difference_pence)}, instalments demanded "
           f"{_signed(account.demanded_difference_pence)}  [{state}]")
    yield f"  {'year':<8} {'paid':>12} {'charge held':>14} {'re-derived':>14} {'demanded held':>14} {'re-derived':>14}"
    for y in account.years:
        repeated = (f"  instalment number(s) {', '.join(map(str, y.repeated_numbers))} demanded twice"
                    if y.repeated_numbers else "")
        yield (f"  {y.label:<8} {pounds(y.paid_pence):>12} {pounds(y.charge_held_pence):>14} "
               f"{pounds(y.charge_rederived_pence):>14} {pounds(y.demanded_held_pence):>14} "
               f"{pounds(y.demanded_rederived_pence):>14}{repeated}")


def bill_csv_rows(bills: Sequence[AccountBillCheck]) -> Iterator[dict[str, str | int]]:
    """Per account and year that differs: the charge and the instalments demanded, held against re-derived."""
    for account in bills:
        for y in account.years:
            base: dict[str, str | int] = {
                "account_ref": account.account_ref, "financial_year": y.financial_year,
                "account_closed": "yes" if account.closed else "no", "correctable": "no" if account.closed else "yes"}
            for item, was, now in (("bill charge", y.charge_held_pence, y.charge_rederived_pence),
                                   ("bill instalments demanded", y.demanded_held_pence, y.demanded_rederived_pence)):
                if was != now:
                    yield {**base, "item": item, "difference": "changed", "was_pence": was, "now_pence": now,
                           "difference_pence": now - was}


def csv_rows(accounts: Sequence[ReplayedAccount]) -> Iterator[dict[str, str | int]]:
    """One row per charge-line or instalment difference."""
    for account in accounts:
        base: dict[str, str | int] = {
            "account_ref": account.account_ref, "notification_reference": account.reference,
            "notification_id": account.notification_id, "applied_at": account.applied_at.isoformat(),
            "kind": account.kind, "account_closed": "yes" if account.closed else "no"}
        for c in account.diff.charges:
            yield {**base, "item": "charge", "financial_year": c.financial_year,
                   "sequence_or_start": c.period_start.isoformat(), "difference": c.difference.value,
                   "was_date": _day(c.was_period_end), "now_date": _day(c.now_period_end),
                   "was_pence": c.was_pence, "now_pence": c.now_pence, "difference_pence": c.money_pence,
                   "correctable": "yes" if c.correctable else "no"}
        for i in account.diff.instalments:
            yield {**base, "item": "instalment", "financial_year": i.financial_year, "sequence_or_start": i.sequence,
                   "difference": i.difference.value, "was_date": _day(i.was_due), "now_date": _day(i.now_due),
                   "was_pence": i.was_pence, "now_pence": i.now_pence, "difference_pence": i.money_pence,
                   "correctable": "yes" if i.correctable else "no"}


def render_csv(accounts: Sequence[ReplayedAccount], bills: Sequence[AccountBillCheck] = ()) -> str:
    """The differences as CSV (charge rows give period ends as dates; instalment rows give due dates), then each
    account's bill per year where it differs from the re-derived one (items ``bill charge`` and
    ``bill instalments demanded``)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(csv_rows(accounts))
    writer.writerows(bill_csv_rows(bills))
    return out.getvalue()
