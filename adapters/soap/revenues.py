"""The web-service adapter: each account change is a short sequence of SOAP calls, never made twice.

For each change, in order:

1. ``ListNotesByReference(notification id)``: which of its steps the back office already holds (every write
   carries a note referenced by the notification id and tagged with the step, ``amend:<account>``,
   ``end:<account>`` or ``open:<UPRN>``; the note is written in the same back-office transaction as the write,
   so the note is there exactly when the write is).
2. If no step is done yet: check every value fits its field as the WSDL declares (a refusal otherwise), and
   every account it touches as the back office holds it now (``FindAccountsAtProperty``); a difference is
   a StaleAccountError. Either way nothing is written.
3. The steps not yet done, in order: ``AmendAccount`` for each amendment, ``EndLiability`` for each ending
   (with the liability end it expects, when it completes or brings back an ending already made),
   ``CreateAccount`` for each opening.
4. ``AddNote`` of a marker referenced by the change's fingerprint, so a duplicate notification is recognised.

A timeout, a lost connection, a server fault or the maintenance window leaves the outcome unknown: the
adapter starts the change again at step 1 (a few times, with a short back-off), so it finds what the
interrupted call did before anything is sent again; then it raises RevenuesUnavailableError and the runner
retries the batch later, when the same look comes first. A refusal becomes a RefusedChangeError (or a
StaleAccountError when the account changed meanwhile).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from adapters.audit_notes import amendment_note, ending_note, opening_note, stale_ending_message
from adapters.revenues_port import (
    AccountView,
    AppliedChange,
    ApplyResult,
    RefusedChangeError,
    RegisterProperty,
    RevenuesUnavailableError,
    StaleAccountError,
    superseded_from_day,
)
from adapters.soap import records
from adapters.soap.client import BackOfficeRefusal, SoapCaller
from adapters.soap.field_limits import check_fits
from adapters.soap.step_notes import (
    StepNote,
    fingerprint_reference,
    marker_text,
    read_step,
    step_key,
    step_text,
    tag_fields,
)
from schemas.events import AccountAmendment, AccountChange, LiabilityEnding, LiabilityOpening, PropertyFacts
from schemas.financial_year import financial_year_of

# Refusals that mean "the account is not as assessed": the change is re-assessed by a person as stale.
TAG_ROOM = 100  # room our step tag takes at the end of a note
STALE_REFUSALS = frozenset({"ACCOUNT_CLOSED", "ACCOUNT_UNKNOWN", "LIABILITY_START_MISMATCH", "LIABILITY_END_MISMATCH",
                            "PROPERTY_OCCUPIED"})
Step = AccountAmendment | LiabilityEnding | LiabilityOpening


class SoapRevenuesSystem:
    """The revenues port over the back office's SOAP service."""

    def __init__(self, address: str, *, timeout_seconds: float = 10.0, attempts: int = 3,
                 backoff_seconds: float = 0.3) -> None:
        self._caller = SoapCaller(address, timeout_seconds=timeout_seconds)
        self._attempts = attempts
        self._backoff = backoff_seconds

    def _read(self, operation: str, **arguments: Any) -> Any:
        """A read is safe to repeat: a transient failure is retried here, a few times, before it is raised."""
        for attempt in range(1, self._attempts + 1):
            try:
                return self._caller.call(operation, **arguments)
            except RevenuesUnavailableError:
                if attempt == self._attempts:
                    raise
                time.sleep(self._backoff * attempt)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._caller.close()

    # -- reads ---------------------------------------------------------------------------------------------

    def properties_by_postcode(self, postcode: str) -> list[RegisterProperty]:
        found = self._read("SearchProperties", Postcode=postcode) or []
        return [records.register_property(p) for p in found]

    def property(self, uprn: str) -> RegisterProperty | None:
        """The register entry of one dwelling (the staff workspace reads it)."""
        found = self._read("SearchProperties", Uprn=[uprn]) or []
        return records.register_property(found[0]) if found else None

    def property_facts_many(self, uprns: Collection[str]) -> dict[str, PropertyFacts]:
        wanted = sorted(set(uprns))
        if not wanted:
            return {}
        properties = self._read("SearchProperties", Uprn=wanted) or []
        if not properties:
            return {}
        summaries = self._read("FindAccountsAtProperty", Uprn=[p.Uprn for p in properties]) or []
        facts = {}
        for p in properties:
            held = records.open_summary(p, summaries)  # its people and charges come with the whole account
            detail = self._read("GetAccount", AccountNumber=held.AccountNumber) if held is not None else None
            ended = records.last_ended_summary(p, summaries)  # its money too: a later ending re-bills it
            ended_detail = self._read("GetAccount", AccountNumber=ended.AccountNumber) if ended is not None else None
            facts[p.Uprn] = records.property_facts(p, detail, ended_detail)
        return facts

    def account(self, account_ref: str) -> AccountView | None:
        found = self._read("GetAccount", AccountNumber=account_ref)
        return records.account_view(found) if found is not None else None

    def accounts_at(self, uprn: str) -> list[AccountView]:
        summaries = self._read("FindAccountsAtProperty", Uprn=[uprn]) or []
        views = [self.account(s.AccountNumber) for s in summaries]
        return [v for v in views if v is not None]

    def applied_many(self, notification_ids: Collection[str]) -> dict[str, AppliedChange]:
        wanted = sorted(set(notification_ids))
        if not wanted:
            return {}
        steps = self._steps_done(wanted)
        found = {nid: _applied_from_steps(nid, done) for nid, done in steps.items()}
        return {nid: applied for nid, applied in found.items() if applied is not None}

    def applied_with_fingerprints(self, fingerprints: Collection[str]) -> dict[str, AppliedChange]:
        by_reference = {fingerprint_reference(fp): fp for fp in set(fingerprints)}
        if not by_reference:
            return {}
        found: dict[str, AppliedChange] = {}
        for note in self._read("ListNotesByReference", Reference=sorted(by_reference)) or []:
            fields = tag_fields(note.Text)
            if fields is None or "nid" not in fields:
                continue
            found.setdefault(by_reference[note.Reference], AppliedChange(
                fields["nid"], fields.get("ref", ""), tuple(fields.get("accounts", "").split(",")),
                datetime.fromisoformat(fields["at"]), False))
        return found

    # -- the write -------------------------------------------------------------------------------------------

    def apply_account_changes(self, changes: Sequence[AccountChange], applied_at: datetime) -> list[ApplyResult]:
        """Apply changes one after another (the back office has no batch call); see the module docstring."""
        if not changes:
            return []
        done = self._steps_done(sorted({c.notification_id for c in changes}))
        settled: dict[str, ApplyResult] = {}
        results: list[ApplyResult] = []
        for change in changes:
            if change.notification_id not in settled:
                settled[change.notification_id] = self._apply_with_retries(
                    change, done.get(change.notification_id, {}), applied_at)
            results.append(settled[change.notification_id])
        return results

    def _apply_with_retries(self, change: AccountChange, done: dict[str, StepNote],
                            applied_at: datetime) -> ApplyResult:
        """A failed call leaves the change's outcome unknown: look again (step 1) before anything is resent.

        After a few tries RevenuesUnavailableError goes up and the runner retries the batch later; the
        changes before this one are then found done, by their notes.
        """
        for attempt in range(1, self._attempts + 1):
            try:
                if attempt > 1:
                    done = self._steps_done([change.notification_id]).get(change.notification_id, {})
                return self._apply(change, done, applied_at)
            except RevenuesUnavailableError:
                if attempt == self._attempts:
                    raise
                time.sleep(self._backoff * attempt)
        raise AssertionError("unreachable")

    def _apply(self, change: AccountChange, done: dict[str, StepNote], applied_at: datetime) -> ApplyResult:
        steps = _planned_steps(change)
        if all(key in done for key, _ in steps):
            earlier = _applied_from_steps(change.notification_id, done)
            if earlier is not None:
                if not self.applied_with_fingerprints([change.change_fingerprint]):
                    self._mark_complete(change, list(earlier.account_refs), earlier.applied_at)  # interrupted
                return earlier
        if not done:
            try:
                check_fits(change, note_suffix_length=TAG_ROOM)
            except RefusedChangeError as refusal:
                return refusal
            problem = self._stale_problem(change)
            if problem is not None:
                return StaleAccountError(problem)
            applied_at_first = applied_at
        else:
            applied_at_first = min(s.applied_at for s in done.values())  # one apply, resumed
        account_nos: list[str] = []
        for position, (key, step) in enumerate(steps, start=1):
            if key in done:
                account_nos.append(done[key].account_no)
                continue
            try:
                account_nos.append(self._write_step(change, step, key, position == len(steps), applied_at_first))
            except BackOfficeRefusal as refusal:
                return _refusal_result(change, refusal, account_nos)
        self._mark_complete(change, account_nos, applied_at_first)
        return AppliedChange(change.notification_id, change.reference, tuple(account_nos), applied_at_first, True)

    def _write_step(self, change: AccountChange, step: Step, key: str, last: bool, applied_at: datetime) -> str:
        def note(audit_text: str) -> dict[str, str]:
            text = step_text(audit_text, reference=change.reference, key=key, last=last, applied_at=applied_at)
            return {"Reference": change.notification_id, "Text": text}

        if isinstance(step, AccountAmendment):
            return str(self._caller.call("AmendAccount", **records.amendment_arguments(
                change, step), Note=note(amendment_note(change, step))))
        if isinstance(step, LiabilityEnding):
            return str(self._caller.call(
                "EndLiability", AccountNumber=step.account_ref, ExpectedLiabilityStart=step.expected_liability_start,
                ExpectedLiabilityEnd=step.expected_liability_end, LiabilityEnd=step.liability_end,
                ReplaceFromYear=financial_year_of(step.liability_end).start_year,
                InstalmentsFrom=superseded_from_day(change, step.year_bills), Charge=records.charges(step.charges),
                Instalment=records.instalments(step.instalments), Note=note(ending_note(change, step))))
        return str(self._caller.call(
            "CreateAccount", Uprn=step.uprn, LiabilityStart=step.liability_start,
            LiablePerson=list(step.liable_persons), DiscountCode=step.discount_code,
            DiscountPercent=step.discount_percent, TwelveInstalments=step.twelve_instalments,
            PaymentDay=step.payment_day, Charge=records.charges(step.charges),
            Instalment=records.instalments(step.instalments), Note=note(opening_note(change, step))))

    def _stale_problem(self, change: AccountChange) -> str | None:
        uprns = sorted({a.uprn for a in change.amendments} | {e.uprn for e in change.endings}
                       | {o.uprn for o in change.openings})
        summaries: list[Any] = self._read("FindAccountsAtProperty", Uprn=uprns) or []
        by_number = {s.AccountNumber: s for s in summaries}
        for amendment in change.amendments:
            held = by_number.get(amendment.account_ref)
            if held is None or held.LiabilityEnd is not None or records.as_date(
                    held.LiabilityStart) != amendment.expected_liability_start:
                return f"Account {amendment.account_ref} is no longer open as it was when this change was assessed"
        for ending in change.endings:
            held = by_number.get(ending.account_ref)
            held_end = None if held is None or held.LiabilityEnd is None else records.as_date(held.LiabilityEnd)
            if held is None or held_end != ending.expected_liability_end or records.as_date(
                    held.LiabilityStart) != ending.expected_liability_start:
                return stale_ending_message(ending)
        ending_refs = {e.account_ref for e in change.endings}
        for opening in change.openings:
            if any(s.Uprn == opening.uprn and s.LiabilityEnd is None and s.AccountNumber not in ending_refs
                   for s in summaries):
                return f"Property {opening.uprn} still has an open account; it was not expected"
        return None

    def _mark_complete(self, change: AccountChange, account_nos: list[str], applied_at: datetime) -> None:
        self._caller.call("AddNote", AccountNumber=account_nos[0], Note={
            "Reference": fingerprint_reference(change.change_fingerprint),
            "Text": marker_text(notification_id=change.notification_id, reference=change.reference,
                                account_nos=account_nos, applied_at=applied_at)})

    def _steps_done(self, notification_ids: Sequence[str]) -> dict[str, dict[str, StepNote]]:
        done: dict[str, dict[str, StepNote]] = {}
        for order, note in enumerate(self._read("ListNotesByReference", Reference=list(notification_ids)) or []):
            step = read_step(note.Reference, note.AccountNumber, note.Text, order)
            if step is not None:
                done.setdefault(step.notification_id, {}).setdefault(step.key, step)
        return done


def _planned_steps(change: AccountChange) -> list[tuple[str, Step]]:
    """The change's calls in the order the port makes them: amendments, endings, openings."""
    steps: list[tuple[str, Step]] = [(step_key("amend", a.account_ref), a) for a in change.amendments]
    steps += [(step_key("end", e.account_ref), e) for e in change.endings]
    return steps + [(step_key("open", o.uprn), o) for o in change.openings]


def _applied_from_steps(notification_id: str, done: dict[str, StepNote]) -> AppliedChange | None:
    """Applied once the last step of the change is there (steps are made in order, so all before it are)."""
    ordered = sorted(done.values(), key=lambda s: s.order)
    if not any(s.last for s in ordered):
        return None  # interrupted part-way: not applied until its last step is made
    return AppliedChange(notification_id, ordered[0].reference, tuple(s.account_no for s in ordered),
                         min(s.applied_at for s in ordered), False)


def _refusal_result(change: AccountChange, refusal: BackOfficeRefusal, made: list[str]) -> ApplyResult:
    if not made and refusal.code in STALE_REFUSALS:
        return StaleAccountError(f"{refusal.message} (back office code {refusal.code})")
    partly = (f" Already made before the refusal, on account(s) {', '.join(made)}: a person must finish or "
              "reverse this change in the back office." if made else "")
    return RefusedChangeError(f"The revenues system refused this change: {refusal.message} "
                              f"(code {refusal.code}).{partly}", refusal.code)
