"""An in-memory revenues system with the same behaviour as the SQL adapter, for fast unit tests."""

from __future__ import annotations

import copy
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from adapters.audit_notes import amendment_note, ending_note, opening_note, stale_ending_message
from adapters.revenues_port import (
    PROCESSOR_AUTHOR,
    AccountView,
    AppliedChange,
    ApplyResult,
    AuditNote,
    ChargeRow,
    ExistingAccount,
    InstalmentRow,
    PaymentRow,
    RefundDecision,
    RefundRow,
    RefusedChangeError,
    RegisterProperty,
    StaleAccountError,
    refund_decision_refusal,
    superseded_from_day,
)
from schemas.events import (
    AccountAmendment,
    AccountChange,
    ChargeLine,
    CreditTransfer,
    DecidedRefund,
    EndedAccount,
    Instalment,
    OpenAccount,
    Payment,
    PropertyFacts,
    RefundInstruction,
)
from schemas.financial_year import financial_year_of


@dataclass
class _Account:
    view: AccountView
    superseded_charges: list[ChargeRow] = field(default_factory=list)
    superseded_instalments: list[InstalmentRow] = field(default_factory=list)

    def whole_view(self) -> AccountView:
        """The account as its readers see it: the view with the instalments it no longer demands."""
        return replace(self.view, superseded_instalments=tuple(
            sorted(self.superseded_instalments, key=lambda i: (i.due_date, i.sequence))))


@dataclass
class _State:
    properties: dict[str, RegisterProperty] = field(default_factory=dict)
    accounts: dict[str, _Account] = field(default_factory=dict)
    applied: dict[str, AppliedChange] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    next_number: int = 1


class InMemoryRevenuesSystem:
    """Holds the register and accounts in dictionaries; each apply is all-or-nothing, like a transaction."""

    def __init__(self, *, account_ref_prefix: str = "", account_number_digits: int = 9) -> None:
        self._state = _State()
        self._lock = threading.Lock()
        self._prefix = account_ref_prefix
        self._digits = account_number_digits

    def create_schema(self) -> None:
        """Nothing to create; present so tests can treat every adapter alike."""

    def load_register(self, properties: Iterable[RegisterProperty], accounts: Iterable[ExistingAccount]) -> None:
        with self._lock:
            for prop in properties:
                self._state.properties[prop.uprn] = prop
            for account in accounts:
                self._state.accounts[account.account_ref] = _Account(AccountView(
                    account_ref=account.account_ref, uprn=account.uprn, liability_start=account.liability_start,
                    liability_end=None, liable_persons=account.liable_persons,
                    discount_code=account.discount_code, discount_percent=account.discount_percent,
                    charges=account.charges, instalments=account.instalments,
                    twelve_instalments=account.twelve_instalments, payment_day=account.payment_day,
                    payments=account.payments, unoccupied_since=account.unoccupied_since,
                ))

    def record_payment(self, account_ref: str, financial_year: int, paid_on: date, amount_pence: int) -> None:
        """Record a payment towards a year of an account, as the back office's cash posting would."""
        with self._lock:
            held = self._state.accounts[account_ref]
            held.view = replace(held.view, payments=(*held.view.payments,
                                                     PaymentRow(financial_year, paid_on, amount_pence)))

    def _property_facts(self, uprn: str) -> PropertyFacts | None:
        prop = self._state.properties.get(uprn)
        if prop is None:
            return None
        open_accounts = sorted(
            (a.view for a in self._state.accounts.values() if a.view.uprn == uprn and a.view.is_open),
            key=lambda v: v.liability_start, reverse=True,
        )
        open_account = None
        if open_accounts:
            view = open_accounts[0]
            open_account = OpenAccount(
                account_ref=view.account_ref, liability_start=view.liability_start,
                discount_code=view.discount_code, discount_percent=view.discount_percent,
                liable_persons=view.liable_persons, twelve_instalments=view.twelve_instalments,
                payment_day=view.payment_day, unoccupied_since=view.unoccupied_since, **_money(view),
            )
        ended = sorted((a.view for a in self._state.accounts.values() if a.view.uprn == uprn and not a.view.is_open),
                       key=lambda v: (v.liability_end, v.liability_start))
        last_ended = None
        if ended:
            view = ended[-1]
            assert view.liability_end is not None
            enders = [n.notification_id for n in view.audit_notes if n.notification_id]
            ender = self._state.applied.get(enders[-1]) if enders else None
            last_ended = EndedAccount(
                account_ref=view.account_ref, liability_start=view.liability_start, liability_end=view.liability_end,
                discount_code=view.discount_code, discount_percent=view.discount_percent,
                ended_by_reference=ender.reference if ender else None,
                twelve_instalments=view.twelve_instalments, payment_day=view.payment_day,
                unoccupied_since=view.unoccupied_since, **_money(view),
            )
        return PropertyFacts(uprn=uprn, postcode=prop.postcode, band=prop.band, open_account=open_account,
                             last_ended_account=last_ended, owner_name=prop.owner_name, furnished=prop.furnished,
                             premium_exception=prop.premium_exception,
                             premium_exception_from=prop.premium_exception_from)

    def properties_by_postcode(self, postcode: str) -> list[RegisterProperty]:
        return sorted((p for p in self._state.properties.values() if p.postcode == postcode),
                      key=lambda p: p.address_line_1)

    def property_facts_many(self, uprns: Collection[str]) -> dict[str, PropertyFacts]:
        found = {uprn: self._property_facts(uprn) for uprn in set(uprns)}
        return {uprn: facts for uprn, facts in found.items() if facts is not None}

    def applied_many(self, notification_ids: Collection[str]) -> dict[str, AppliedChange]:
        found = {nid: self._applied(nid) for nid in set(notification_ids)}
        return {nid: result for nid, result in found.items() if result is not None}

    def begun_many(self, notification_ids: Collection[str]) -> dict[str, AccountChange]:
        """None: each change is applied all or nothing."""
        return {}

    def applied_with_fingerprints(self, fingerprints: Collection[str],
                                  uprns: Collection[str] = ()) -> dict[str, AppliedChange]:
        found = {fp: self._applied_with_fingerprint(fp) for fp in set(fingerprints)}
        return {fp: result for fp, result in found.items() if result is not None}

    def apply_account_changes(
        self, changes: Sequence[AccountChange], applied_at: datetime
    ) -> list[ApplyResult]:
        results: list[ApplyResult] = []
        for change in changes:
            try:
                results.append(self._apply_account_change(change, applied_at))
            except (StaleAccountError, RefusedChangeError) as not_applied:
                results.append(not_applied)
        return results

    def _applied(self, notification_id: str) -> AppliedChange | None:
        found = self._state.applied.get(notification_id)
        return replace(found, newly_applied=False) if found else None

    def _applied_with_fingerprint(self, change_fingerprint: str) -> AppliedChange | None:
        notification_id = self._state.fingerprints.get(change_fingerprint)
        return self._applied(notification_id) if notification_id else None

    def account(self, account_ref: str) -> AccountView | None:
        found = self._state.accounts.get(account_ref)
        return found.whole_view() if found else None

    def accounts_at(self, uprn: str) -> list[AccountView]:
        views = [a.whole_view() for a in self._state.accounts.values() if a.view.uprn == uprn]
        return sorted(views, key=lambda v: (v.liability_start, v.account_ref), reverse=True)

    def _apply_account_change(self, change: AccountChange, applied_at: datetime) -> AppliedChange:
        with self._lock:
            earlier = self._applied(change.notification_id)
            if earlier is not None:
                return earlier
            work = copy.deepcopy(self._state)  # all-or-nothing: only swapped in when every step succeeded
            touched: list[str] = []
            for amendment in change.amendments:
                _amend(work, change, amendment, applied_at)
                touched.append(amendment.account_ref)
            for decided in change.refund_decisions:
                _decide(work, change, decided, applied_at)
                touched.append(decided.account_ref)
            for ending in change.endings:
                account = work.accounts.get(ending.account_ref)
                if (account is None or account.view.liability_end != ending.expected_liability_end
                        or account.view.liability_start != ending.expected_liability_start):
                    raise StaleAccountError(stale_ending_message(ending))
                first_year = financial_year_of(ending.liability_end).start_year
                kept_charges = [c for c in account.view.charges if c.financial_year < first_year]
                account.superseded_charges += [c for c in account.view.charges if c.financial_year >= first_year]
                superseded_from = superseded_from_day(change, ending.year_bills)
                replaced = [i for i in account.view.instalments
                            if i.financial_year >= first_year and i.due_date >= superseded_from]
                account.superseded_instalments += replaced
                kept_instalments = [i for i in account.view.instalments if i not in replaced]
                account.view = replace(
                    account.view,
                    liability_end=ending.liability_end,
                    charges=tuple(kept_charges) + tuple(ChargeRow(**c.model_dump()) for c in ending.charges),
                    instalments=tuple(sorted(
                        kept_instalments + [InstalmentRow(**i.model_dump()) for i in ending.instalments],
                        key=lambda i: i.due_date)),
                    audit_notes=(*account.view.audit_notes, AuditNote(
                        applied_at, PROCESSOR_AUTHOR, change.notification_id, ending_note(change, ending))),
                    payments=(*account.view.payments, *transfer_postings(ending.credit_transfers),
                              *refund_postings(ending.refunds)),
                    refunds=(*account.view.refunds, *refund_rows(ending.refunds)),
                )
                touched.append(ending.account_ref)
            for opening in change.openings:
                if opening.liability_end is None and any(a.view.uprn == opening.uprn and a.view.is_open
                                                         for a in work.accounts.values()):
                    raise StaleAccountError(f"Property {opening.uprn} still has an open account; it was not expected")
                account_ref = f"{self._prefix}{work.next_number:0{self._digits}d}"
                work.next_number += 1
                work.accounts[account_ref] = _Account(AccountView(
                    account_ref=account_ref, uprn=opening.uprn, liability_start=opening.liability_start,
                    liability_end=opening.liability_end, liable_persons=opening.liable_persons,
                    discount_code=opening.discount_code, discount_percent=opening.discount_percent,
                    charges=tuple(ChargeRow(**c.model_dump()) for c in opening.charges),
                    instalments=tuple(InstalmentRow(**i.model_dump()) for i in opening.instalments),
                    audit_notes=(AuditNote(applied_at, PROCESSOR_AUTHOR, change.notification_id,
                                           opening_note(change, opening)),),
                    twelve_instalments=opening.twelve_instalments, payment_day=opening.payment_day,
                    unoccupied_since=opening.unoccupied_since,
                    payments=transfer_postings(opening.credit_transfers),
                ))
                if opening.unoccupied_since is not None and opening.liable_persons:  # the owner, as registered
                    work.properties[opening.uprn] = replace(work.properties[opening.uprn],
                                                            owner_name=opening.liable_persons[0])
                touched.append(account_ref)
            result = AppliedChange(change.notification_id, change.reference, tuple(touched), applied_at, True)
            work.applied[change.notification_id] = result
            work.fingerprints.setdefault(change.change_fingerprint, change.notification_id)
            self._state = work
            return result


def _amend(work: _State, change: AccountChange, amendment: AccountAmendment, applied_at: datetime) -> None:
    account = work.accounts.get(amendment.account_ref)
    if (account is None or not account.view.is_open
            or account.view.liability_start != amendment.expected_liability_start):
        raise StaleAccountError(
            f"Account {amendment.account_ref} is no longer open as it was when this change was assessed")
    view = account.view
    charges, instalments = list(view.charges), list(view.instalments)
    if amendment.first_recharged_year is not None:
        first = amendment.first_recharged_year
        account.superseded_charges += [c for c in charges if c.financial_year >= first]
        charges = [c for c in charges if c.financial_year < first] + [ChargeRow(**c.model_dump())
                                                                     for c in amendment.charges]
    if amendment.replanned_year is not None:
        years = {b.financial_year for b in amendment.year_bills} or {amendment.replanned_year}
        superseded_from = superseded_from_day(change, amendment.year_bills)
        replaced = [i for i in instalments if i.financial_year in years and i.due_date >= superseded_from]
        account.superseded_instalments += replaced
        instalments = [i for i in instalments if i not in replaced] + [InstalmentRow(**i.model_dump())
                                                                       for i in amendment.instalments]
    account.view = replace(
        view,
        liable_persons=amendment.liable_persons if amendment.replaces_liable_persons else view.liable_persons,
        discount_code=amendment.discount_code, discount_percent=amendment.discount_percent,
        twelve_instalments=amendment.twelve_instalments, payment_day=amendment.payment_day,
        charges=tuple(sorted(charges, key=lambda c: (c.financial_year, c.period_start))),
        instalments=tuple(sorted(instalments, key=lambda i: i.due_date)),
        audit_notes=(*view.audit_notes, AuditNote(applied_at, PROCESSOR_AUTHOR, change.notification_id,
                                                  amendment_note(change, amendment))),
    )


def _decide(work: _State, change: AccountChange, decided: DecidedRefund, applied_at: datetime) -> None:
    """Release a held refund (posted as a negative payment) or keep its credit; once, by the refund's id."""
    account = work.accounts.get(decided.account_ref)
    refunds = list(account.view.refunds) if account else []
    at = next((i for i, r in enumerate(refunds) if r.financial_year == decided.financial_year), None)
    refusal = refund_decision_refusal(None if at is None else refunds[at], decided)
    if refusal is not None:
        raise refusal
    assert account is not None
    assert at is not None
    refund = refunds[at]
    if refund.decision is not None:
        return  # decided the same way already
    refunds[at] = replace(refund, decision=RefundDecision.APPROVED if decided.approved else RefundDecision.REJECTED,
                          decided_on=decided.decided_on)
    paid = (PaymentRow(refund.financial_year, decided.decided_on, -refund.amount_pence),) if decided.approved else ()
    account.view = replace(account.view, refunds=tuple(refunds), payments=(*account.view.payments, *paid),
                           audit_notes=(*account.view.audit_notes, AuditNote(
                               applied_at, PROCESSOR_AUTHOR, change.notification_id, decided.note)))


def transfer_postings(transfers: Iterable[CreditTransfer]) -> tuple[PaymentRow, ...]:
    """Credit moved off or onto an account, as the payment rows the back office posts for it."""
    return tuple(PaymentRow(t.financial_year, t.transferred_on, t.amount_pence) for t in transfers)


def refund_postings(refunds: Iterable[RefundInstruction]) -> tuple[PaymentRow, ...]:
    """A refund not held for approval is posted at once, as a negative payment towards its year."""
    return tuple(PaymentRow(r.financial_year, r.instructed_on, -r.amount_pence) for r in refunds
                 if not r.held_for_approval)


def refund_rows(refunds: Iterable[RefundInstruction]) -> tuple[RefundRow, ...]:
    return tuple(RefundRow(r.financial_year, r.amount_pence, r.bank.masked, r.held_for_approval, r.instructed_on)
                 for r in refunds)


def _money(view: AccountView) -> dict[str, Any]:
    return {"charges": tuple(ChargeLine(**vars(c)) for c in view.charges),
            "instalments": tuple(Instalment(**vars(i)) for i in view.instalments),
            "payments": tuple(Payment(**vars(p)) for p in view.payments)}
