"""The notes the adapter writes with every back-office write, and how it reads them back.

The back office has no idempotency keys, so the note is the key: every write carries a note whose reference
is our notification id and whose text ends with a tag naming the step (``end:<account>`` or ``open:<UPRN>``)
and whether it was the last of the change. Steps are named by what they do, not by their position, so a
change assessed again after it was interrupted part-way (an ending made, the opening not) skips what is made.
Every step's tag also carries the change's fingerprint, so what a change did names the change in the same
back-office transaction as the write: a notification telling the same change again is recognised from the
accounts it would touch even when the marker below is missing. After a change's last step a marker note,
referenced by the change's fingerprint, lets a duplicate notification be recognised with one call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

FINGERPRINT_PREFIX = "fp:"
REFERENCE_LENGTH = 40  # the back office's note reference field
_TAG = re.compile(r"\[ctax (?P<fields>[^\]]*)\]\s*$")


@dataclass(frozen=True)
class StepNote:
    """What one of our notes says: step ``key`` of a notification (its last, or not), on ``account_no``."""

    notification_id: str
    reference: str
    key: str
    last: bool
    applied_at: datetime
    account_no: str
    order: int  # the back office's note order: steps are made one after another
    fingerprint: str | None = None  # the change's; notes written before fingerprints were tagged have none


def finished(done: Mapping[str, StepNote]) -> bool:
    """Whether a change's steps made include its last (steps are made in order, so all before it are made)."""
    return any(step.last for step in done.values())


def step_key(kind: str, target: str) -> str:
    return f"{kind}:{target}"


def fingerprint_reference(fingerprint: str) -> str:
    return (FINGERPRINT_PREFIX + fingerprint)[:REFERENCE_LENGTH]


def step_text(audit_text: str, *, reference: str, key: str, last: bool, applied_at: datetime,
              fingerprint: str | None = None) -> str:
    tagged_fingerprint = f" fp={fingerprint}" if fingerprint else ""
    return (f"{audit_text} [ctax ref={reference} step={key} last={int(last)} at={applied_at.isoformat()}"
            f"{tagged_fingerprint}]")


def marker_text(*, notification_id: str, reference: str, account_nos: list[str], applied_at: datetime) -> str:
    return (f"Change complete (all steps made). [ctax nid={notification_id} ref={reference} "
            f"accounts={','.join(account_nos)} at={applied_at.isoformat()}]")


def tag_fields(text: str) -> dict[str, str] | None:
    found = _TAG.search(text)
    if found is None:
        return None
    return dict(part.split("=", 1) for part in found["fields"].split() if "=" in part)


def read_step(notification_id: str, account_no: str, text: str, order: int) -> StepNote | None:
    fields = tag_fields(text)
    if fields is None or "step" not in fields:
        return None
    return StepNote(notification_id, fields.get("ref", ""), fields["step"], fields.get("last") == "1",
                    datetime.fromisoformat(fields["at"]), account_no, order, fields.get("fp"))


def audit_text_of(text: str) -> str:
    """The note as a revenues officer reads it (without our tag)."""
    return _TAG.sub("", text).rstrip()
