"""A stand-in for the intake's Kafka publisher in unit tests: takes every record (or none while ``down``)."""

from __future__ import annotations

from typing import cast

from fastapi import FastAPI

from schemas.codec import shared_codec
from schemas.notification import ChangeNotification
from web.intake.publisher import NotificationPublisher, PublishUnavailableError
from web.intake.runtime import WebRuntime


class FakeKafka:
    def __init__(self) -> None:
        self.records: list[ChangeNotification] = []
        self.down = False

    async def publish(self, _key: bytes, value: bytes) -> None:
        if self.down:
            raise PublishUnavailableError("Kafka is down (test)")
        self.records.append(shared_codec().decode(value, ChangeNotification))

    async def stop(self) -> None:
        return None


def use_fake_kafka(app: FastAPI) -> FakeKafka:
    """Put a FakeKafka in place of the running app's publisher (after its lifespan has started)."""
    fake = FakeKafka()
    runtime: WebRuntime = app.state.runtime
    runtime.publisher = cast(NotificationPublisher, fake)
    return fake
