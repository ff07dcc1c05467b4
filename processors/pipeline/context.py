"""What every step needs, gathered once at start-up; the records a step reads and the ones it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from adapters.revenues_port import RevenuesSystem
from processors.rules.costs import CostModel
from processors.rules.council import CouncilRules
from schemas.codec import Codec, shared_codec
from schemas.notification import Model
from schemas.topics import TopicSpec


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StageContext:
    revenues: RevenuesSystem
    rules: CouncilRules
    cost_model: CostModel
    codec: Codec = field(default_factory=shared_codec)
    clock: Callable[[], datetime] = utc_now


@dataclass(frozen=True)
class SourceRecord:
    """A record as consumed: where it came from, and how many times it has been parked."""

    topic: str
    key: bytes | None
    value: bytes
    partition: int | None = None
    offset: int | None = None
    attempt: int = 0
    first_parked_ms: int | None = None  # when it was first parked (epoch ms), from its headers; None if never


@dataclass(frozen=True)
class Output:
    """One record a step wants published: to a topic in the catalogue, or raw to an internal topic."""

    topic: str
    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


def output(ctx: StageContext, spec: TopicSpec, key: str, event: Model) -> Output:
    return Output(spec.name, key.encode("utf-8"), ctx.codec.encode(event))
