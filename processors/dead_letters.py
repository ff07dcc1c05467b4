"""Dead letters: events a stage cannot process, parked with the reason so that nothing is silently lost.

The dead-letter record's value is the original bytes, unchanged; its headers say which stage gave up, why,
and where the bytes came from (topic, partition, offset), so `ctax deadletters replay` can put them back.
"""

from __future__ import annotations

from processors.stage_context import Output
from schemas.events import Stage

DEAD_LETTER_TOPIC = "ctax.notifications.deadletter.v1"
STAGE_HEADER = "ctax-stage"
SOURCE_TOPIC_HEADER = "ctax-source-topic"
REASON_HEADER = "ctax-reason"
PARTITION_HEADER = "ctax-source-partition"
OFFSET_HEADER = "ctax-source-offset"


def dead_letter(
    stage: Stage, source_topic: str, key: bytes | None, value: bytes, reason: str,
    *, partition: int | None = None, offset: int | None = None,
) -> Output:
    """Park the original bytes with the stage, source and reason in headers (no personal data)."""
    headers = [
        (STAGE_HEADER, stage.value.encode()),
        (SOURCE_TOPIC_HEADER, source_topic.encode()),
        (REASON_HEADER, reason[:500].encode("utf-8", "replace")),
    ]
    if partition is not None:
        headers.append((PARTITION_HEADER, str(partition).encode()))
    if offset is not None:
        headers.append((OFFSET_HEADER, str(offset).encode()))
    return Output(DEAD_LETTER_TOPIC, key or b"", value, tuple(headers))
