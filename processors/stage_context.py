"""What every stage handler needs, gathered once at start-up, and what a handler returns."""

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
class Output:
    """One record a stage wants published: to a topic in the catalogue, or raw to the dead-letter topic."""

    topic: str
    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


def output(ctx: StageContext, spec: TopicSpec, key: str, event: Model) -> Output:
    return Output(spec.name, key.encode("utf-8"), ctx.codec.encode(event))
