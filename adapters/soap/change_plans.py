"""The plan of a change the back office takes in several calls, kept in its own notes before the first call.

A change of two or more steps (the mover's ending, the next occupier's opening, the owner's account for the
home left empty) can be interrupted between them: the worker is killed, the service goes down for good. Assessed
again against a register that now holds part of it, the rest would come out wrong: a credit already moved off
the old account is no longer there to move onto the new one, and the account this very change opened looks
like a previous occupier's. So the change as assessed is written first, and a redelivered notification
whose first steps are made is finished from its plan, never assessed again.

The plan is the change's Avro record (the codec's, with its schema's fingerprint, so a later version of the
worker reads it), compressed, in base64 parts small enough for the back office's 2,000-character notes. Part k
is referenced ``p<k>:<notification id>``, apart from the notification's own step notes: a plan is bookkeeping,
as a marker is, not a write to the account, and each account holds at most one note of each reference. It is
asked for in the same call as the step notes, so keeping plans costs a read nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from adapters.soap.step_notes import StepNote, finished, tag_fields
from schemas.codec import DecodeError, shared_codec
from schemas.events import AccountChange

log = logging.getLogger(__name__)

PLAN_TEXT = "Plan of a change made in several steps, kept to finish it as assessed if it is interrupted."
PART_LENGTH = 1600  # base64 characters a note: with the text and the tag, well inside 2,000
_PREFIX = "p"
MAX_PARTS = 9  # "p9:" and a 36-character notification id: 39 of the 40 a note reference holds (over 14,000
# characters of plan, some 25 years of an account's bills)


@dataclass(frozen=True)
class PlanPart:
    """One note of a plan: part ``part`` of ``parts`` of the plan ``digest`` of a notification."""

    notification_id: str
    digest: str
    part: int
    parts: int
    data: str
    order: int  # the back office's note order


def plan_reference(notification_id: str, part: int = 1) -> str:
    return f"{_PREFIX}{part}:{notification_id}"


def plan_notes(change: AccountChange) -> list[dict[str, str]]:
    """The notes (reference and text) that hold ``change``, in order."""
    data = base64.b64encode(zlib.compress(shared_codec().encode(change), 9)).decode("ascii")
    digest = hashlib.sha256(data.encode("ascii")).hexdigest()[:16]
    parts = [data[start:start + PART_LENGTH] for start in range(0, len(data), PART_LENGTH)]
    if len(parts) > MAX_PARTS:  # its references would not fit the back office's 40 characters: kept no plan
        log.warning("a change too large to keep a plan of", extra={"notification_id": change.notification_id})
        return []
    return [{"Reference": plan_reference(change.notification_id, number),
             "Text": f"{PLAN_TEXT} [ctax plan={digest} part={number}/{len(parts)} data={part}]"}
            for number, part in enumerate(parts, start=1)]


def is_plan_reference(reference: str) -> bool:
    """Whether a note's reference is a plan part's: bookkeeping, not one of the account's audit notes."""
    number, colon, _ = reference.partition(":")
    return bool(colon) and number.startswith(_PREFIX) and number[len(_PREFIX):].isdigit()


def read_plan_part(reference: str, text: str, order: int) -> PlanPart | None:
    """The plan part a note holds, or None for any other note (a step's, an officer's)."""
    if not is_plan_reference(reference):
        return None
    fields = tag_fields(text)
    if fields is None or "plan" not in fields or "data" not in fields:
        return None
    number, _, count = fields.get("part", "").partition("/")
    if not (number.isdigit() and count.isdigit()):
        return None
    return PlanPart(reference.partition(":")[2], fields["plan"], int(number), int(count), fields["data"], order)


def missing_part_references(parts: Iterable[PlanPart]) -> list[str]:
    """The references of the parts after the first of each plan, not among ``parts`` (a plan of several notes)."""
    parts = list(parts)
    held = {(p.notification_id, p.part) for p in parts}
    return sorted({plan_reference(p.notification_id, number) for p in parts for number in range(2, p.parts + 1)
                   if (p.notification_id, number) not in held})


def same_plan(kept: AccountChange, change: AccountChange) -> bool:
    """Whether ``change`` is the plan kept already but for its stage times (assessed again, to the same end)."""
    return kept.model_copy(update={"timings": change.timings}) == change


def latest_plans(parts: Iterable[PlanPart]) -> dict[str, AccountChange]:
    """Each notification's latest whole plan. A change assessed again after a plan was kept but before any step
    was made keeps a second plan; the later one is the one its steps follow. A plan that cannot be read is left
    out (the notification is then assessed again, as before plans were kept)."""
    grouped: dict[tuple[str, str], dict[int, PlanPart]] = defaultdict(dict)
    for part in parts:
        grouped[part.notification_id, part.digest].setdefault(part.part, part)
    latest: dict[str, tuple[int, AccountChange]] = {}
    for (notification_id, digest), by_number in grouped.items():
        count = next(iter(by_number.values())).parts
        if sorted(by_number) != list(range(1, count + 1)):
            continue  # interrupted while it was being written: no step followed it
        order = by_number[1].order  # the plan's first note: its later parts may come from a later read
        change = _decoded(notification_id, digest, "".join(by_number[n].data for n in range(1, count + 1)))
        if change is not None and (notification_id not in latest or order > latest[notification_id][0]):
            latest[notification_id] = (order, change)
    return {notification_id: change for notification_id, (_, change) in latest.items()}


def begun_plans(steps: Mapping[str, Mapping[str, StepNote]],
                plans: Mapping[str, AccountChange]) -> dict[str, AccountChange]:
    """The plans of notifications with a step made and not their last. A plan alone is not begun: no step
    followed it, and the notification is assessed again."""
    return {nid: plans[nid] for nid, done in steps.items() if done and not finished(done) and nid in plans}


def _decoded(notification_id: str, digest: str, data: str) -> AccountChange | None:
    try:
        if hashlib.sha256(data.encode("ascii")).hexdigest()[:16] != digest:
            raise ValueError("digest differs")
        change = shared_codec().decode(zlib.decompress(base64.b64decode(data, validate=True)), AccountChange)
    except (ValueError, binascii.Error, zlib.error, DecodeError) as error:
        log.warning("a change plan in the back office cannot be read: %s", type(error).__name__,
                    extra={"notification_id": notification_id})
        return None
    if change.notification_id != notification_id:
        log.warning("a change plan in the back office names another notification",
                    extra={"notification_id": notification_id})
        return None
    return change
