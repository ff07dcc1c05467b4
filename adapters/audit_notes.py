"""The wording of the audit notes written on every account a notification touches."""

from __future__ import annotations

from collections.abc import Sequence

from schemas.events import (
    AccountAmendment,
    AccountChange,
    CreditTransfer,
    Instalment,
    LiabilityEnding,
    LiabilityOpening,
    RefundInstruction,
    YearBill,
)
from schemas.notification import Address


def money(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def one_line(address: Address) -> str:
    return ", ".join(part for part in (address.line_1, address.line_2, address.town, address.postcode) if part)


def ending_note(change: AccountChange, ending: LiabilityEnding) -> str:
    balance = (
        f"balance due {money(ending.balance_pence)} in {len(ending.instalments)} instalment(s)"
        if ending.balance_pence > 0
        else f"credit {money(-ending.balance_pence)} to refund or transfer"
        if ending.balance_pence < 0
        else "nothing further due"
    )
    if ending.year_bills:  # each year's demand stands alone: say what each year comes to, a credit with its year
        balance = year_balances(ending.year_bills, ending.instalments, ending.credit_transfers, ending.refunds)
    forwarding = ending.forwarding_address
    final_bill = f" Final bill to {one_line(forwarding)}." if forwarding else ""
    return (
        f"Liability ended {ending.liability_end.isoformat()}: {ending.reason}. Charge revised; {balance}.{final_bill} "
        f"Notification {change.reference} ({change.kind.value}), notice dated {change.notice_date.isoformat()}."
    )


def year_balances(bills: Sequence[YearBill], instalments: Sequence[Instalment],
                  transfers: Sequence[CreditTransfer] = (), refunds: Sequence[RefundInstruction] = ()) -> str:
    """Each year's revised demand or credit, in words: a credit is an amount to refund or transfer (or, with
    ``transfers`` and ``refunds`` taking it off the account, where it went), never negative."""
    return "; ".join(_year_balance(bill, [i for i in instalments if i.financial_year == bill.financial_year],
                                   [t for t in transfers if t.financial_year == bill.financial_year],
                                   [r for r in refunds if r.financial_year == bill.financial_year])
                     for bill in bills)


def _year_balance(bill: YearBill, instalments: Sequence[Instalment], transfers: Sequence[CreditTransfer],
                  refunds: Sequence[RefundInstruction]) -> str:
    if bill.balance_pence > 0:
        return f"{bill.label} balance due {money(bill.balance_pence)} in {len(instalments)} instalment(s)"
    if bill.balance_pence == 0:
        return f"{bill.label} nothing further due"
    credit = -bill.balance_pence
    moved, refunded = -sum(t.amount_pence for t in transfers), sum(r.amount_pence for r in refunds)
    if not moved and not refunded:
        return f"credit {money(credit)} for {bill.label} to refund or transfer"
    went = []  # (amount, where it went)
    if moved:
        went.append((moved, "transferred to " + " and ".join(sorted({_other_account(t) for t in transfers}))))
    for refund in refunds:
        went.append((refund.amount_pence, _refunded(refund)))
    left = credit - moved - refunded
    if len(went) == 1 and left <= 0:
        return f"credit {money(credit)} for {bill.label} {went[0][1]}"
    parts = [f"{money(amount)} {where}" for amount, where in went]
    return f"credit {money(credit)} for {bill.label}: " + ", ".join(parts + ([f"{money(left)} to refund"]
                                                                             if left > 0 else []))


def _refunded(refund: RefundInstruction) -> str:
    if refund.held_for_approval:
        return f"to be refunded to {refund.bank.masked} once an officer approves (above the council's limit)"
    return f"refunded to {refund.bank.masked}"


def _other_account(transfer: CreditTransfer) -> str:
    if transfer.other_account_ref is None:
        return f"the mover's new account at property {transfer.other_uprn}"
    return f"account {transfer.other_account_ref} (property {transfer.other_uprn})"


def credit_arrived(transfers: Sequence[CreditTransfer]) -> str:
    """What an account's notes say of credit moved onto it: how much, from which account, for which year."""
    return "; ".join(f"credit {money(t.amount_pence)} transferred from {_other_account(t)} towards "
                     f"{t.financial_year}/{(t.financial_year + 1) % 100:02d}, taken off its instalments"
                     for t in transfers if t.amount_pence > 0)


def stale_ending_message(ending: LiabilityEnding) -> str:
    """Why an ending no longer fits its account: for the review queue."""
    if ending.expected_liability_end is None:
        return f"Account {ending.account_ref} is no longer open as it was when this change was assessed"
    return (f"Account {ending.account_ref} no longer ends on {ending.expected_liability_end.isoformat()} as it did "
            "when this change was assessed")


def opening_note(change: AccountChange, opening: LiabilityOpening) -> str:
    total = sum(line.charge_pence for line in opening.charges)
    discount = f", {opening.discount_code} {opening.discount_percent}%" if opening.discount_code else ""
    until = f" to {opening.liability_end.isoformat()}" if opening.liability_end else ""
    empty = (f", owner of the dwelling empty since {opening.unoccupied_since.isoformat()}"
             if opening.unoccupied_since else "")
    arrived = credit_arrived(opening.credit_transfers)
    arrived = f" {arrived[:1].upper()}{arrived[1:]}." if arrived else ""
    return (
        f"Account opened: liable from {opening.liability_start.isoformat()}{until} ({len(opening.liable_persons)} "
        f"liable person(s){discount}{empty}); charged {money(total)} in {len(opening.instalments)} "
        f"instalment(s).{arrived} "
        f"Notification {change.reference} ({change.kind.value}), notice dated {change.notice_date.isoformat()}."
    )


def amendment_note(change: AccountChange, amendment: AccountAmendment) -> str:
    replanned = ""
    if amendment.year_bills:
        replanned = f" Revised: {year_balances(amendment.year_bills, amendment.instalments)}."
    elif amendment.replanned_year is not None:  # assessed before each year's bill travelled with the amendment
        replanned = (f" Balance for the year {money(amendment.balance_pence)} in {len(amendment.instalments)} "
                     "instalment(s)." if amendment.balance_pence >= 0 else
                     f" Credit for the year {money(-amendment.balance_pence)} to refund or transfer.")
    return (
        f"Account changed from {amendment.effective_date.isoformat()}: {amendment.description}.{replanned} "
        f"Notification {change.reference} ({change.kind.value}), notice dated {change.notice_date.isoformat()}."
    )
