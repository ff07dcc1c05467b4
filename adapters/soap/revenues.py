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

Before the first step of a change of two or more steps, its plan (the change as assessed) is kept in notes
referenced ``p1:<notification id>`` (``change_plans``). A notification redelivered after only some of its steps
were made is finished from that plan (``begun_many``), not assessed again against a register holding part of it.

Every step's note also carries the change's fingerprint in its tag, written with the step itself. So a
change is recognised by what it did even when its marker is missing (the worker died, or ``AddNote`` failed,
between the last step and the marker): ``applied_with_fingerprints`` given the properties concerned reads the
notes of the accounts there, and a missing marker is written again wherever the change is found applied,
whichever stage finds it (``applied_many`` for a redelivered notification, or the apply itself).

Changes to different properties are in flight together (up to ``calls_in_flight``, one lane per set of
properties and accounts, see ``lanes``): a slow service is kept busy, and each change still makes its calls
in the order above, after the changes of its lane before it.

A timeout, a lost connection, a server fault or the maintenance window leaves the outcome unknown: the
adapter starts the change again at step 1 (a few times, with a short back-off), so it finds what the
interrupted call did before anything is sent again; then it raises RevenuesUnavailableError and the runner
retries the batch later, when the same look comes first. A refusal becomes a RefusedChangeError (or a
StaleAccountError when the account changed meanwhile).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

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
from adapters.soap.callers import Caller, CallersPerThread
from adapters.soap.change_plans import (
    PlanPart,
    begun_plans,
    latest_plans,
    missing_part_references,
    plan_notes,
    plan_reference,
    read_plan_part,
    same_plan,
)
from adapters.soap.client import BackOfficeRefusal, CallTimedOut
from adapters.soap.field_limits import check_fits
from adapters.soap.just_read import AccountsLook, JustRead, StepsLook
from adapters.soap.keyed_locks import KeyedLocks
from adapters.soap.lanes import change_keys, lanes
from adapters.soap.step_notes import (
    StepNote,
    fingerprint_reference,
    finished,
    marker_text,
    read_step,
    step_key,
    step_text,
    tag_fields,
)
from schemas.bank_details import BankDetailsSealer, UnreadableBankDetailsError
from schemas.events import (
    AccountAmendment,
    AccountChange,
    DecidedRefund,
    LiabilityEnding,
    LiabilityOpening,
    PropertyFacts,
)
from schemas.financial_year import financial_year_of
from schemas.notification import BankAccountDetails, SealedBankAccount

# Refusals that mean "the account is not as assessed": the change is re-assessed by a person as stale.
TAG_ROOM = 170  # room our step tag (with the change's fingerprint) takes at the end of a note
STALE_REFUSALS = frozenset({"ACCOUNT_CLOSED", "ACCOUNT_UNKNOWN", "LIABILITY_START_MISMATCH", "LIABILITY_END_MISMATCH",
                            "PROPERTY_OCCUPIED"})
log = logging.getLogger(__name__)
Step = AccountAmendment | LiabilityEnding | LiabilityOpening | DecidedRefund
T = TypeVar("T")
# How old validate's look for the steps made may be when the apply on the same thread takes it: the gap is the
# batch's other look-ups and its assessment. A change another call of this worker held since is looked up again.
STEPS_LOOK_MAX_AGE_SECONDS = 5.0


class SoapRevenuesSystem:
    """The revenues port over the back office's SOAP service."""

    def __init__(self, address: str, *, timeout_seconds: float = 10.0, attempts: int = 3,
                 backoff_seconds: float = 0.3, calls_in_flight: int = 16,
                 make_caller: Callable[[], Caller] | None = None,
                 bank_details: BankDetailsSealer | None = None) -> None:
        self._bank_details = bank_details  # opens refunds' bank details for the back office; None: refunds refused
        self._callers = CallersPerThread(address, timeout_seconds=timeout_seconds, make=make_caller)
        self._attempts = attempts
        self._backoff = backoff_seconds
        self._settle_seconds = timeout_seconds
        self._pool = ThreadPoolExecutor(max_workers=calls_in_flight, thread_name_prefix="soap-call")
        self._just_read: JustRead[AccountsLook] = JustRead()
        self._steps_just_read: JustRead[StepsLook] = JustRead(max_age_seconds=STEPS_LOOK_MAX_AGE_SECONDS)
        self._touching = KeyedLocks()

    def _call(self, operation: str, **arguments: Any) -> Any:
        return self._callers.current().call(operation, **arguments)

    def _read(self, operation: str, **arguments: Any) -> Any:
        """A read is safe to repeat: a transient failure is retried here, a few times, before it is raised."""
        for attempt in range(1, self._attempts + 1):
            try:
                return self._call(operation, **arguments)
            except RevenuesUnavailableError:
                if attempt == self._attempts:
                    raise
                time.sleep(self._backoff * attempt)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self._callers.close()

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
        # The duplicate look has usually just read the summaries and accounts at these properties: what it
        # covers is taken from it, the rest is asked for beside the register search.
        look = self._just_read.take() or AccountsLook()
        unseen = [u for u in wanted if u not in look.uprns]
        calls: list[Callable[[], Any]] = [partial(self._read, "SearchProperties", Uprn=wanted)]
        if unseen:
            calls.append(partial(self._read, "FindAccountsAtProperty", Uprn=unseen))
        found = self._side_by_side(calls)
        properties: list[Any] = found[0] or []
        if not properties:
            return {}
        summaries = look.summaries_at(wanted) + (list(found[1] or []) if unseen else [])
        # People and charges: the open account whole. The account that ended last, whole too: its money
        # (charges, instalments, payments), as a later ending (completed or brought back) re-bills it.
        at_property = records.summaries_by_property(summaries)
        held = [records.open_summary(at_property.get(p.Uprn, ())) for p in properties]
        ended = [records.last_ended_summary(at_property.get(p.Uprn, ())) for p in properties]
        by_number = {n: a for n, a in look.accounts.items() if a is not None}
        wanted_numbers = sorted({s.AccountNumber for s in (*held, *ended) if s is not None} - set(by_number))
        by_number |= self._whole_accounts(wanted_numbers)
        return {p.Uprn: records.property_facts(p, by_number.get(s.AccountNumber) if s else None,
                                               by_number.get(e.AccountNumber) if e else None)
                for p, s, e in zip(properties, held, ended, strict=True)}

    def _whole_accounts(self, account_numbers: Collection[str]) -> dict[str, Any]:
        """``GetAccount`` of each, side by side, by account number."""
        details = self._side_by_side([partial(self._read, "GetAccount", AccountNumber=number)
                                      for number in account_numbers])
        return {d.AccountNumber: d for d in details if d is not None}

    def account(self, account_ref: str) -> AccountView | None:
        """The whole account for the staff workspace, with the instalments revised demands superseded."""
        found = self._read("GetAccount", AccountNumber=account_ref, IncludeSuperseded=True)
        return records.account_view(found) if found is not None else None

    def accounts_at(self, uprn: str) -> list[AccountView]:
        summaries = self._read("FindAccountsAtProperty", Uprn=[uprn]) or []
        views = self._side_by_side([partial(self.account, s.AccountNumber) for s in summaries])
        return [v for v in views if v is not None]

    def applied_many(self, notification_ids: Collection[str]) -> dict[str, AppliedChange]:
        wanted = sorted(set(notification_ids))
        if not wanted:
            return {}
        mark = self._touching.mark()
        steps, plans = self._notes_of(wanted)
        self._steps_just_read.keep(StepsLook(mark, frozenset(wanted), steps, plans))  # the apply that follows
        found = {nid: _applied_from_steps(nid, done) for nid, done in steps.items()}
        applied = {nid: change for nid, change in found.items() if change is not None}
        # A redelivered notification is settled here, before any apply: its marker is mended here too.
        self._mend_markers({fp: applied[nid] for nid in applied if (fp := _fingerprint_of(steps[nid])) is not None})
        return applied

    def begun_many(self, notification_ids: Collection[str]) -> dict[str, AccountChange]:
        """The plans of those whose first steps are made and last is not: from the notes ``applied_many`` just
        read on this thread (left there for the apply), or afresh."""
        wanted = set(notification_ids)
        if not wanted:
            return {}
        look = self._steps_just_read.peek()
        steps, plans = ((look.steps, look.plans) if look is not None and look.notification_ids.issuperset(wanted)
                        else self._notes_of(sorted(wanted)))
        return {nid: change for nid, change in begun_plans(steps, plans).items() if nid in wanted}

    def applied_with_fingerprints(self, fingerprints: Collection[str],
                                  uprns: Collection[str] = ()) -> dict[str, AppliedChange]:
        """By the markers; then, for those without one, by the step notes on the accounts at ``uprns``.

        The accounts at ``uprns`` are read beside the markers (a fresh change has none, so they are needed
        but for a duplicate), and kept for the register read that follows (see ``just_read``)."""
        wanted = set(fingerprints)
        places = sorted(set(uprns))
        if not places:
            return self._applied_by_marker(wanted)
        marked, summaries = self._side_by_side([partial(self._applied_by_marker, wanted),
                                                partial(self._read, "FindAccountsAtProperty", Uprn=places)])
        found: dict[str, AppliedChange] = marked
        look = self._accounts_look(places, summaries or [])
        self._just_read.keep(look)
        unmarked = wanted - set(found)
        if unmarked:
            by_effect = self._applied_by_effect(unmarked, look)
            self._mend_markers(by_effect)
            found.update(by_effect)
        return found

    def _accounts_look(self, uprns: list[str], summaries: list[Any]) -> AccountsLook:
        """The summaries at ``uprns`` with the open and the last ended account at each read whole."""
        whole = {s.AccountNumber for s in summaries if s.LiabilityEnd is None}
        whole |= {s.AccountNumber for at_property in records.summaries_by_property(summaries).values()
                  if (s := records.last_ended_summary(at_property)) is not None}
        return AccountsLook(frozenset(uprns), tuple(summaries), self._whole_accounts(sorted(whole)))

    def _applied_by_marker(self, fingerprints: Collection[str]) -> dict[str, AppliedChange]:
        by_reference = {fingerprint_reference(fp): fp for fp in fingerprints}
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

    def _applied_by_effect(self, fingerprints: set[str], look: AccountsLook) -> dict[str, AppliedChange]:
        """Which of these changes the accounts looked at show made: a step note carrying the fingerprint, of a
        notification whose last step is there. The open accounts were read whole; an ended one shows the note
        that ended it."""
        notes = [n for s in look.summaries if s.LiabilityEnd is None
                 and (a := look.accounts.get(s.AccountNumber)) is not None for n in a.Note or []]
        notes += [s.EndedByNote for s in look.summaries if s.EndedByNote is not None]
        candidates: dict[str, set[str]] = {}
        for note in notes:
            step = read_step(note.Reference, note.AccountNumber, note.Text, 0)
            if step is not None and step.fingerprint in fingerprints:
                candidates.setdefault(step.fingerprint, set()).add(step.notification_id)
        if not candidates:
            return {}
        steps = self._steps_done(sorted({nid for nids in candidates.values() for nid in nids}))
        found: dict[str, AppliedChange] = {}
        for fingerprint, nids in candidates.items():
            applied = [a for nid in sorted(nids) if (a := _applied_from_steps(nid, steps.get(nid, {}))) is not None]
            if applied:
                found[fingerprint] = min(applied, key=lambda a: a.applied_at)
        return found

    def _mend_markers(self, applied: dict[str, AppliedChange]) -> None:
        """Write the marker of each applied change that lacks one; a failure is left for the next look."""
        if not applied:
            return
        try:
            missing = set(applied) - set(self._applied_by_marker(applied))
            for fingerprint in sorted(missing):
                change = applied[fingerprint]
                self._add_marker(fingerprint, change.notification_id, change.reference, list(change.account_refs),
                                 change.applied_at)
                log.info("change marker written again", extra={"notification_id": change.notification_id})
        except (RevenuesUnavailableError, BackOfficeRefusal) as error:
            log.warning("change marker not mended yet: %s", type(error).__name__)

    # -- the write -------------------------------------------------------------------------------------------

    def apply_account_changes(self, changes: Sequence[AccountChange], applied_at: datetime) -> list[ApplyResult]:
        """Apply changes lane by lane, lanes side by side (the back office has no batch call); see the module
        docstring. When a lane cannot reach the back office the others still finish, then the error goes up."""
        if not changes:
            return []
        look = self._steps_look(sorted({c.notification_id for c in changes}))

        def run_lane(lane: list[int]) -> dict[int, ApplyResult]:
            settled: dict[str, ApplyResult] = {}
            for position in lane:
                change = changes[position]
                if change.notification_id in settled:  # the same notification twice is in one lane
                    continue
                with self._touching.holding(change_keys(change), look.mark) as touched:
                    # Another call of this worker held the change since the look: what it made is looked at again.
                    steps, plans = self._notes_of([change.notification_id]) if touched else (look.steps, look.plans)
                    settled[change.notification_id] = self._apply_with_retries(
                        change, steps.get(change.notification_id, {}), plans.get(change.notification_id), applied_at)
            return {position: settled[changes[position].notification_id] for position in lane}

        by_position: dict[int, ApplyResult] = {}
        for lane_results in self._side_by_side([partial(run_lane, lane) for lane in lanes(changes)]):
            by_position.update(lane_results)
        return [by_position[position] for position in range(len(changes))]

    def _steps_look(self, notification_ids: list[str]) -> StepsLook:
        """The steps made of each notification: as validate just looked them up on this thread, or afresh."""
        look = self._steps_just_read.take()
        if look is not None and look.notification_ids.issuperset(notification_ids):
            return look
        mark = self._touching.mark()
        return StepsLook(mark, frozenset(notification_ids), *self._notes_of(notification_ids))

    def _side_by_side(self, calls: Sequence[Callable[[], T]]) -> list[T]:
        """Run calls on the pool, in flight together; every one finishes before the first error is raised."""
        if len(calls) <= 1:
            return [call() for call in calls]
        futures = [self._pool.submit(call) for call in calls]
        errors = [f.exception() for f in futures]
        first_error = next((e for e in errors if e is not None), None)
        if first_error is not None:
            raise first_error
        return [f.result() for f in futures]

    def _apply_with_retries(self, change: AccountChange, done: dict[str, StepNote], planned: AccountChange | None,
                            applied_at: datetime) -> ApplyResult:
        """A failed call leaves the change's outcome unknown: look again (step 1) before anything is resent.

        After a few tries RevenuesUnavailableError goes up and the runner retries the batch later; the
        changes before this one are then found done, by their notes.
        """
        for attempt in range(1, self._attempts + 1):
            try:
                if attempt > 1:
                    steps, plans = self._notes_of([change.notification_id])
                    done, planned = steps.get(change.notification_id, {}), plans.get(change.notification_id)
                return self._apply(change, done, planned, applied_at)
            except RevenuesUnavailableError:
                if attempt == self._attempts:
                    raise
                time.sleep(self._backoff * attempt)
        raise AssertionError("unreachable")

    def _apply(self, change: AccountChange, done: dict[str, StepNote], planned: AccountChange | None,
               applied_at: datetime) -> ApplyResult:
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
        # Kept before the first step, on the account it touches; a change that opens accounts only keeps it on the
        # first one it opens, straight after (a kill between the two leaves no plan: it is assessed again).
        to_plan = len(steps) > 1 and not done and not (planned is not None and same_plan(planned, change))
        plan_on = _existing_account_of(steps[0][1]) if to_plan else None
        if plan_on is not None:
            self._keep_plan(change, plan_on)
        account_nos: list[str] = []
        for position, (key, step) in enumerate(steps, start=1):
            if key in done:
                account_nos.append(done[key].account_no)
                continue
            try:
                account_nos.append(self._write_step(change, step, key, position == len(steps), applied_at_first))
            except BackOfficeRefusal as refusal:
                return _refusal_result(change, refusal, account_nos)
            if position == 1 and to_plan and plan_on is None:
                self._keep_plan(change, account_nos[0])
        self._mark_complete(change, account_nos, applied_at_first)
        return AppliedChange(change.notification_id, change.reference, tuple(account_nos), applied_at_first, True)

    def _write_step(self, change: AccountChange, step: Step, key: str, last: bool, applied_at: datetime) -> str:
        """Make one step. A write that timed out may still be under way at the service (a busy service
        finishes what it was sent): as long again is let pass before anyone looks for it, so a look does not
        miss a write about to land and send it a second time."""
        try:
            return self._send_step(change, step, key, last, applied_at)
        except CallTimedOut:
            time.sleep(self._settle_seconds)
            raise

    def _send_step(self, change: AccountChange, step: Step, key: str, last: bool, applied_at: datetime) -> str:
        def note(audit_text: str) -> dict[str, str]:
            text = step_text(audit_text, reference=change.reference, key=key, last=last, applied_at=applied_at,
                             fingerprint=change.change_fingerprint)
            return {"Reference": change.notification_id, "Text": text}

        if isinstance(step, AccountAmendment):
            return str(self._call("AmendAccount", **records.amendment_arguments(
                change, step), Note=note(amendment_note(change, step))))
        if isinstance(step, DecidedRefund):  # once per refund at the service; our note records the step
            return str(self._call("DecideRefund", AccountNumber=step.account_ref, FinancialYear=step.financial_year,
                                  Decision="approved" if step.approved else "rejected", DecidedOn=step.decided_on,
                                  Note=note(step.note)))
        if isinstance(step, LiabilityEnding):
            return str(self._call(
                "EndLiability", AccountNumber=step.account_ref, ExpectedLiabilityStart=step.expected_liability_start,
                ExpectedLiabilityEnd=step.expected_liability_end, LiabilityEnd=step.liability_end,
                ReplaceFromYear=financial_year_of(step.liability_end).start_year,
                InstalmentsFrom=superseded_from_day(change, step.year_bills), Charge=records.charges(step.charges),
                Instalment=records.instalments(step.instalments),
                CreditTransfer=records.credit_transfers(step.credit_transfers),
                Refund=records.refunds(step.refunds, self._opened), Note=note(ending_note(change, step))))
        return str(self._call(
            "CreateAccount", Uprn=step.uprn, LiabilityStart=step.liability_start,
            LiablePerson=list(step.liable_persons), DiscountCode=step.discount_code,
            DiscountPercent=step.discount_percent, TwelveInstalments=step.twelve_instalments,
            PaymentDay=step.payment_day, UnoccupiedSince=step.unoccupied_since, LiabilityEnd=step.liability_end,
            Charge=records.charges(step.charges), Instalment=records.instalments(step.instalments),
            CreditTransfer=records.credit_transfers(step.credit_transfers), Note=note(opening_note(change, step))))

    def _opened(self, sealed: SealedBankAccount) -> BankAccountDetails:
        if self._bank_details is None:
            raise BackOfficeRefusal("BANK_DETAILS_KEY_MISSING", "A refund's bank details cannot be opened: the worker "
                                    "has no CTAX_BANK_DETAILS_KEYS")
        try:
            return self._bank_details.open(sealed)
        except UnreadableBankDetailsError as error:
            raise BackOfficeRefusal("BANK_DETAILS_UNREADABLE", str(error)) from None

    def _stale_problem(self, change: AccountChange) -> str | None:
        uprns = sorted({a.uprn for a in change.amendments} | {e.uprn for e in change.endings}
                       | {o.uprn for o in change.openings})
        if not uprns:
            return None  # a refund decision only: the service checks the refund itself
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
        for opening in (o for o in change.openings if o.liability_end is None):  # a closed one lies between others
            if any(s.Uprn == opening.uprn and s.LiabilityEnd is None and s.AccountNumber not in ending_refs
                   for s in summaries):
                return f"Property {opening.uprn} still has an open account; it was not expected"
        return None

    def _keep_plan(self, change: AccountChange, account_no: str) -> None:
        """Write the change's plan (``change_plans``): a note, rarely more, referenced ``p<k>:<notification id>``."""
        for note in plan_notes(change):
            self._call("AddNote", AccountNumber=account_no, Note=note)

    def _mark_complete(self, change: AccountChange, account_nos: list[str], applied_at: datetime) -> None:
        self._add_marker(change.change_fingerprint, change.notification_id, change.reference, account_nos,
                         applied_at)

    def _add_marker(self, fingerprint: str, notification_id: str, reference: str, account_nos: list[str],
                    applied_at: datetime) -> None:
        self._call("AddNote", AccountNumber=account_nos[0], Note={
            "Reference": fingerprint_reference(fingerprint),
            "Text": marker_text(notification_id=notification_id, reference=reference, account_nos=account_nos,
                                applied_at=applied_at)})

    def _steps_done(self, notification_ids: Sequence[str]) -> dict[str, dict[str, StepNote]]:
        return self._notes_of(notification_ids, plans=False)[0]

    def _notes_of(self, notification_ids: Sequence[str], *, plans: bool = True) -> tuple[
            dict[str, dict[str, StepNote]], dict[str, AccountChange]]:
        """The steps made of each notification, and the latest plan kept of each, from one read of its notes."""
        done: dict[str, dict[str, StepNote]] = {}
        parts: list[PlanPart] = []
        references = [*notification_ids, *(plan_reference(nid) for nid in notification_ids if plans)]
        notes = list(self._read("ListNotesByReference", Reference=references) or [])
        for order, note in enumerate(notes):
            step = read_step(note.Reference, note.AccountNumber, note.Text, order)
            if step is not None:
                done.setdefault(step.notification_id, {}).setdefault(step.key, step)
            elif (part := read_plan_part(note.Reference, note.Text, order)) is not None:
                parts.append(part)
        if later_parts := missing_part_references(parts):  # a plan of several notes: rare
            for order, note in enumerate(self._read("ListNotesByReference", Reference=later_parts) or [],
                                         start=len(notes)):
                if (part := read_plan_part(note.Reference, note.Text, order)) is not None:
                    parts.append(part)
        return done, latest_plans(parts) if parts else {}


def _planned_steps(change: AccountChange) -> list[tuple[str, Step]]:
    """The change's calls in the order the port makes them: amendments, endings, openings, refund decisions."""
    steps: list[tuple[str, Step]] = [(step_key("amend", a.account_ref), a) for a in change.amendments]
    steps += [(step_key("end", e.account_ref), e) for e in change.endings]
    steps += [(step_key("open", o.uprn), o) for o in change.openings]
    return steps + [(step_key("refund", d.refund_id), d) for d in change.refund_decisions]


def _existing_account_of(step: Step) -> str | None:
    """The account a step works on that is there before it: None for an opening."""
    return None if isinstance(step, LiabilityOpening) else step.account_ref


def _applied_from_steps(notification_id: str, done: dict[str, StepNote]) -> AppliedChange | None:
    """Applied once the last step of the change is there (steps are made in order, so all before it are)."""
    if not finished(done):
        return None  # interrupted part-way: not applied until its last step is made
    ordered = sorted(done.values(), key=lambda s: s.order)
    return AppliedChange(notification_id, ordered[0].reference, tuple(s.account_no for s in ordered),
                         min(s.applied_at for s in ordered), False)


def _fingerprint_of(done: dict[str, StepNote]) -> str | None:
    return next((s.fingerprint for s in done.values() if s.fingerprint is not None), None)


def _refusal_result(change: AccountChange, refusal: BackOfficeRefusal, made: list[str]) -> ApplyResult:
    if not made and refusal.code in STALE_REFUSALS:
        return StaleAccountError(f"{refusal.message} (back office code {refusal.code})")
    partly = (f" Already made before the refusal, on account(s) {', '.join(made)}: a person must finish or "
              "reverse this change in the back office." if made else "")
    return RefusedChangeError(f"The revenues system refused this change: {refusal.message} "
                              f"(code {refusal.code}).{partly}", refusal.code)
