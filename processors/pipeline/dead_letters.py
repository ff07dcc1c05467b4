"""Dead letters: records a step cannot process, parked with the reason so that nothing is silently lost.

The dead-letter record's value is the original bytes, unchanged; its headers say which stage gave up, why,
and where the bytes came from (topic, partition, offset), so `ctax deadletters replay` can put them back.
"""

from __future__ import annotations

from processors.pipeline.context import Output, SourceRecord
from schemas.events import Stage
from schemas.topics import DEAD_LETTER_TOPIC

STAGE_HEADER = "ctax-stage"
SOURCE_TOPIC_HEADER = "ctax-source-topic"
REASON_HEADER = "ctax-reason"
PARTITION_HEADER = "ctax-source-partition"
OFFSET_HEADER = "ctax-source-offset"


def dead_letter(stage: Stage, record: SourceRecord, reason: str) -> Output:
    """Park the original bytes with the stage, source and reason in headers (no personal data)."""
    headers = [
        (STAGE_HEADER, stage.value.encode()),
        (SOURCE_TOPIC_HEADER, record.topic.encode()),
        (REASON_HEADER, reason[:500].encode("utf-8", "replace")),
    ]
    if record.partition is not None:
        headers.append((PARTITION_HEADER, str(record.partition).encode()))
    if record.offset is not None:
        headers.append((OFFSET_HEADER, str(record.offset).encode()))
    return Output(DEAD_LETTER_TOPIC, record.key or b"", record.value, tuple(headers))
