"""An example consumer of the metrics stream, as an ops dashboard or a council's BI system would write one.

It reads ``ctax.metrics.notifications.v1`` (described in schemas/asyncapi.json, served at /asyncapi.json), decodes
each event with the product's codec (Avro single-object encoding; older schema versions still read), and keeps
a running summary by kind of change: how many, how many went straight through, and the money saved. The
metrics stream holds no personal data, so neither does anything this prints.

    python -m examples.metrics_consumer --bootstrap 127.0.0.1:9092 --limit 100
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer

from schemas.codec import DecodeError, shared_codec
from schemas.events import NotificationMetric, Status
from schemas.topics import METRICS


@dataclass
class MetricsSummary:
    """What the metrics stream says so far, by kind of change."""

    notifications: Counter[str] = field(default_factory=Counter)
    straight_through: Counter[str] = field(default_factory=Counter)
    saving_pence: Counter[str] = field(default_factory=Counter)
    unreadable: int = 0

    def add(self, metric: NotificationMetric) -> None:
        kind = metric.kind.value
        self.notifications[kind] += 1
        self.straight_through[kind] += metric.outcome is Status.APPLIED
        self.saving_pence[kind] += metric.saving_pence

    def lines(self) -> list[str]:
        rows = [f"{'kind':<24}{'notifications':>14}{'straight through':>18}{'saved':>12}"]
        for kind, count in sorted(self.notifications.items()):
            rows.append(f"{kind:<24}{count:>14}{self.straight_through[kind] / count:>18.1%}"
                        f"{self.saving_pence[kind] / 100:>12.2f}")
        return rows


async def summarise(bootstrap: str, *, topic: str = METRICS.name, limit: int = 100,
                    idle_seconds: float = 5.0) -> MetricsSummary:
    """Read up to ``limit`` metric events from the start of ``topic`` (stopping when none come for a while)."""
    summary = MetricsSummary()
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        seen = 0
        while seen < limit:
            batches = await consumer.getmany(timeout_ms=int(idle_seconds * 1000), max_records=limit - seen)
            if not batches:
                break
            for records in batches.values():
                for record in records:
                    seen += 1
                    try:
                        summary.add(shared_codec().decode(record.value, NotificationMetric))
                    except DecodeError:
                        summary.unreadable += 1
    finally:
        await consumer.stop()
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--topic", default=METRICS.name)
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args()
    summary = asyncio.run(summarise(args.bootstrap, topic=args.topic, limit=args.limit))
    print("\n".join(summary.lines()))  # noqa: T201


if __name__ == "__main__":
    main()
