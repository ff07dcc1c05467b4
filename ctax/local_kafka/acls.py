"""Creating ACLs on a broker through the Kafka admin API (CreateAcls), as an authenticated admin.

aiokafka 0.14 has no ``create_acls`` and only knows CreateAcls v0-v1, which Kafka 4 no longer accepts
(KIP-896); the Maven jars hold no ``kafka-acls`` tool either. So this module declares CreateAcls v2-v3
(the flexible versions Kafka 4 serves) with aiokafka's own protocol types and sends it through an
aiokafka admin client's connection, which does the TLS and SASL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import CompactArray, CompactString, Int8, Int16, Int32, Schema, TaggedFields


class ResourceType(IntEnum):
    """Kafka's resource type codes."""

    TOPIC = 2
    GROUP = 3
    CLUSTER = 4


class PatternType(IntEnum):
    """Whether the resource name is matched exactly or as a prefix."""

    LITERAL = 3
    PREFIXED = 4


class Operation(IntEnum):
    """Kafka's ACL operation codes."""

    ALL = 2
    READ = 3
    WRITE = 4
    CREATE = 5
    DELETE = 6
    ALTER = 7
    DESCRIBE = 8
    DESCRIBE_CONFIGS = 10
    ALTER_CONFIGS = 11
    IDEMPOTENT_WRITE = 12


CLUSTER_RESOURCE_NAME = "kafka-cluster"
"""The one name of the CLUSTER resource."""


class AclError(RuntimeError):
    """The broker refused to create an ACL."""


@dataclass(frozen=True)
class Acl:
    """One ALLOW rule: ``principal`` may do ``operation`` on the resource, from any host."""

    principal: str
    operation: Operation
    resource_type: ResourceType
    resource_name: str
    pattern: PatternType = PatternType.LITERAL


_ALLOW = 3


# aiokafka is untyped (Any to mypy), hence the ignores on the subclasses; the names follow its own.
class _CreateAclsResponse_v2(Response):  # type: ignore[misc]  # noqa: N801
    API_KEY = 30
    API_VERSION = 2
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("results", CompactArray(("error_code", Int16), ("error_message", CompactString("utf-8")),
                                 ("tags", TaggedFields))),
        ("tags", TaggedFields),
    )


class _CreateAclsResponse_v3(Response):  # type: ignore[misc]  # noqa: N801
    API_KEY = 30
    API_VERSION = 3
    SCHEMA = _CreateAclsResponse_v2.SCHEMA


_CREATIONS = CompactArray(
    ("resource_type", Int8),
    ("resource_name", CompactString("utf-8")),
    ("resource_pattern_type", Int8),
    ("principal", CompactString("utf-8")),
    ("host", CompactString("utf-8")),
    ("operation", Int8),
    ("permission_type", Int8),
    ("tags", TaggedFields),
)


class _CreateAclsRequest_v2(RequestStruct):  # type: ignore[misc]  # noqa: N801
    FLEXIBLE_VERSION = True
    API_KEY = 30
    API_VERSION = 2
    RESPONSE_TYPE = _CreateAclsResponse_v2
    SCHEMA = Schema(("creations", _CREATIONS), ("tags", TaggedFields))


class _CreateAclsRequest_v3(RequestStruct):  # type: ignore[misc]  # noqa: N801
    FLEXIBLE_VERSION = True
    API_KEY = 30
    API_VERSION = 3
    RESPONSE_TYPE = _CreateAclsResponse_v3
    SCHEMA = _CreateAclsRequest_v2.SCHEMA


class _CreateAclsRequest(Request[_CreateAclsRequest_v2 | _CreateAclsRequest_v3]):  # type: ignore[misc]
    API_KEY = 30

    def __init__(self, acls: Sequence[Acl]) -> None:
        self._creations: list[tuple[Any, ...]] = [
            (acl.resource_type, acl.resource_name, acl.pattern, acl.principal, "*", acl.operation, _ALLOW, {})
            for acl in acls
        ]

    def build(
        self, request_struct_class: type[_CreateAclsRequest_v2 | _CreateAclsRequest_v3]
    ) -> _CreateAclsRequest_v2 | _CreateAclsRequest_v3:
        return request_struct_class(self._creations, {})


async def create_acls(admin_options: dict[str, Any], acls: Sequence[Acl]) -> None:
    """Create ``acls`` with an admin client built from ``admin_options``; raise AclError if any is refused."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(**admin_options)
    try:
        await admin.start()
        node_id = admin._client.get_random_node()
        response = await admin._client.send(node_id, _CreateAclsRequest(acls))
    finally:
        await admin.close()
    refused = [(acl, code, message) for acl, (code, message, _tags) in zip(acls, response.results, strict=True)
               if code != 0]
    if refused:
        raise AclError("; ".join(f"{acl}: error {code} {message}" for acl, code, message in refused))
