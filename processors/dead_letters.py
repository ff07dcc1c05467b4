"""Dead letters: events a stage cannot process, parked with the reason so that nothing is silently lost."""

from __future__ import annotations

from processors.stage_context import Output
from schemas.events import Stage

DEAD_LETTER_TOPIC = "ctax.notifications.deadletter.v1"


def dead_letter(stage: Stage, source_topic: str, key: bytes | None, value: bytes, reason: str) -> Output:
    """Park the original bytes with the stage, source topic and reason in headers (no personal data)."""
    return Output(
        DEAD_LETTER_TOPIC,
        key or b"",
        value,
        (
            ("ctax-stage", stage.value.encode()),
            ("ctax-source-topic", source_topic.encode()),
            ("ctax-reason", reason[:500].encode("utf-8", "replace")),
        ),
    )
