"""Publishing accepted notifications to Kafka durably: acks from all in-sync replicas, idempotent producer."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from schemas.kafka_connection import KafkaConnection

log = logging.getLogger(__name__)


class PublishUnavailableError(Exception):
    """Kafka did not confirm the write in time: the caller must not report the notification as received."""


class NotificationPublisher:
    def __init__(self, connection: KafkaConnection, topic: str, *, timeout_seconds: float = 10.0,
                 ack_timeout_seconds: float = 2.0) -> None:
        self._connection = connection
        self._topic = topic
        self._timeout = timeout_seconds  # connecting, and the producer's own request timeout
        self._ack_timeout = ack_timeout_seconds  # what one caller waits for the acknowledgement
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def _started(self) -> AIOKafkaProducer:
        if self._producer is not None:  # every publish asks: no lock once started
            return self._producer
        async with self._lock:
            if self._producer is None:
                producer = AIOKafkaProducer(
                    acks="all", enable_idempotence=True, linger_ms=1, request_timeout_ms=int(self._timeout * 1000),
                    **self._connection.options(),
                )
                try:
                    await asyncio.wait_for(producer.start(), self._timeout)
                except (KafkaError, OSError, TimeoutError) as error:
                    await producer.stop()
                    raise PublishUnavailableError(f"Kafka unreachable: {type(error).__name__}") from error
                except asyncio.CancelledError:  # the app stopped while connecting: leave nothing running
                    await producer.stop()
                    raise
                self._producer = producer
            return self._producer

    async def warm_up(self) -> None:
        """Connect now rather than at the first notification (which would wait for it); a broker that is down
        is left for the first publish to try again."""
        with contextlib.suppress(PublishUnavailableError):
            await self._started()

    async def publish(self, key: bytes, value: bytes) -> None:
        """Return only once Kafka has stored the record; raise PublishUnavailableError otherwise."""
        producer = await self._started()
        try:
            async with asyncio.timeout(self._ack_timeout):  # unlike wait_for, no task of its own per record
                acknowledged = await producer.send(self._topic, value=value, key=key)
                await acknowledged
        except (KafkaError, OSError, TimeoutError) as error:
            log.warning("publish failed", extra={"error": type(error).__name__})
            raise PublishUnavailableError(f"Kafka did not confirm the write: {type(error).__name__}") from error

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
