"""Create the product's topics before anything produces to them (idempotent), each with its retention."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from ctax.kafka_admin.access import diagnose
from ctax.kafka_admin.topic_retention import TopicRetention
from schemas.topics import all_topic_names

log = logging.getLogger(__name__)


def topic_names(prefix: str = "") -> list[str]:
    return all_topic_names(prefix)


async def ensure_topics(bootstrap: str, partitions: int, *, prefix: str = "", attempts: int = 30,
                        client_options: Mapping[str, Any] | None = None,
                        retention: TopicRetention | None = None) -> None:
    """Create any missing topic with ``partitions`` partitions and its ``retention.ms``; wait for a starting broker.

    Topics that exist already get the configured ``retention.ms`` too, so a changed period takes effect on
    the next start (the product sets no other topic-level configuration, which this would reset).
    ``client_options`` are the aiokafka connection options (TLS, SASL) from the settings. A refused login
    or an untrusted certificate raises :class:`~ctax.kafka_admin.access.KafkaAccessError` at once.
    """
    options = dict(client_options) if client_options is not None else {"bootstrap_servers": bootstrap}
    retention_ms = {f"{prefix}{name}": ms for name, ms in (retention or TopicRetention()).retention_ms().items()}
    for attempt in range(attempts):
        admin = AIOKafkaAdminClient(**options, request_timeout_ms=10_000)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [NewTopic(name, partitions, 1, topic_configs={"retention.ms": str(retention_ms[name])})
                       for name in topic_names(prefix) if name not in existing]
            if missing:
                with contextlib.suppress(TopicAlreadyExistsError):
                    await admin.create_topics(missing)
            present = [name for name in topic_names(prefix) if name in existing]
            if present:
                answers = await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, name,
                                                                    {"retention.ms": str(retention_ms[name])})
                                                     for name in present])
                _warn_of_refusals(answers)
            return
        except Exception as error:
            cause = await diagnose(options)
            if cause is not None and (not cause.retryable or attempt == attempts - 1):
                raise cause from error
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(1)
        finally:
            await admin.close()


def _warn_of_refusals(answers: list[Any]) -> None:
    """The broker answers a refused retention change in its response, not as an error: say so, once."""
    refused = {name: code for answer in answers for code, _message, _type, name in answer.resources if code}
    if refused:
        log.warning("could not set the retention of topics; the login may lack AlterConfigs on them "
                    "(`ctax kafka acls`)",
                    extra={"topics": sorted(refused), "error_codes": sorted(set(refused.values()))})
