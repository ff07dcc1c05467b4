"""The plan of a change the back office takes in several calls, kept in its own notes before the first call.

A change of two or more steps (the mover's ending, the next occupier's opening, the owner's account for the
home left empty) can be interrupted between them: the worker is killed, the service goes down for good. Assessed
again against a register that now holds part of it, the rest would come out wrong: a credit already moved off
the old account is no longer there to move onto the new one, and the account this very change opened looks
like a previous occupier's. So the change as assessed is written first, in notes referenced by the
notification id (read back with its step notes, at no extra call), and a redelivered notification whose first
steps are made is finished from its plan, never assessed again.

The plan is the change's Avro record (the codec's, with its schema's fingerprint, so a later version of the
worker reads it), compressed, in base64 parts small enough for the back office's 2,000-character notes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from adapters.soap.step_notes import tag_fields
from schemas.codec import DecodeError, shared_codec
from schemas.events import AccountChange

log = logging.getLogger(__name__)

PLAN_TEXT = "Plan of a change made in several steps, kept to finish it as assessed if it is interrupted."
PART_LENGTH = 1600  # base64 characters a note: with the text and the tag, well inside 2,000


@dataclass(frozen=True)
class PlanPart:
    """One note of a plan: part ``part`` of ``parts`` of the plan ``digest`` of a notification."""

    notification_id: str
    digest: str
    part: int
    parts: int
    data: str
    order: int  # the back office's note order


def plan_texts(change: AccountChange) -> list[str]:
    """The notes' texts that hold ``change``, in order."""
    data = base64.b64encode(zlib.compress(shared_codec().encode(change), 9)).decode("ascii")
    digest = hashlib.sha256(data.encode("ascii")).hexdigest()[:16]
    parts = [data[start:start + PART_LENGTH] for start in range(0, len(data), PART_LENGTH)]
    return [f"{PLAN_TEXT} [ctax plan={digest} part={number}/{len(parts)} data={part}]"
            for number, part in enumerate(parts, start=1)]


def read_plan_part(notification_id: str, text: str, order: int) -> PlanPart | None:
    """The plan part a note holds, or None for any other note (a step's, an officer's)."""
    fields = tag_fields(text)
    if fields is None or "plan" not in fields:
        return None
    number, _, count = fields.get("part", "").partition("/")
    if not (number.isdigit() and count.isdigit()) or "data" not in fields:
        return None
    return PlanPart(notification_id, fields["plan"], int(number), int(count), fields["data"], order)


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
        order = max(p.order for p in by_number.values())
        change = _decoded(notification_id, digest, "".join(by_number[n].data for n in range(1, count + 1)))
        if change is not None and (notification_id not in latest or order > latest[notification_id][0]):
            latest[notification_id] = (order, change)
    return {notification_id: change for notification_id, (_, change) in latest.items()}


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
