"""The AsyncAPI 3 description of our topics, generated from the topic catalogue and the Avro contracts.

Other council systems and ops dashboards consume these topics; the document tells them what is on each.
``python -m schemas.asyncapi`` writes ``schemas/asyncapi.json``; a test keeps the file in step and validates
it with the AsyncAPI project's own parser. The web app serves it at ``/asyncapi.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from schemas.contracts import expanded_schema, fingerprint
from schemas.topics import (
    ALL_TOPICS,
    APPLY_RETRY_TOPIC,
    ASSESSED,
    DEAD_LETTER_TOPIC,
    METRICS,
    PROCESSOR_APP_ID,
    STATUS,
    SUBMITTED,
    SUBMITTED_RETRY_TOPIC,
    VALIDATED,
    TopicSpec,
)

DOCUMENT = Path(__file__).with_name("asyncapi.json")
AVRO_FORMAT = "application/vnd.apache.avro+json;version=1.9.0"

# Who writes and who reads each catalogue topic (the processor is the Faust app, the web app the intake).
_SENDERS = {SUBMITTED.name: "the web app's intake (and the landlord upload)", VALIDATED.name: "the processor",
            ASSESSED.name: "the processor", STATUS.name: "the processor", METRICS.name: "the processor"}
_INTERNAL = {
    DEAD_LETTER_TOPIC: "Records a stage could not process, unchanged, with the stage, reason and source in headers.",
    APPLY_RETRY_TOPIC: "Account changes parked while the revenues system is unavailable (staged shape).",
    SUBMITTED_RETRY_TOPIC: "Notifications parked while the revenues system is unavailable (fused shape).",
}


def _channel_id(topic: str) -> str:
    return topic.removeprefix("ctax.").replace(".", "-")


def _message(spec: TopicSpec) -> dict[str, Any]:
    name = spec.model.__name__
    schema = expanded_schema(name)
    return {
        "name": name,
        "title": name,
        "summary": spec.purpose,
        "contentType": "application/octet-stream",
        "description": (
            "Avro single-object encoding: the two bytes C3 01, the schema's CRC-64-AVRO fingerprint (8 bytes, "
            f"little-endian; the current one is {fingerprint(schema):#018x}), then the Avro binary body. Older "
            "versions of the schema (schemas/avro/history) stay readable by the current one."
        ),
        "payload": {"schemaFormat": AVRO_FORMAT, "schema": schema},
        "bindings": {"kafka": {"key": {"type": "string", "description": f"the {spec.key}"},
                               "bindingVersion": "0.5.0"}},
    }


def build_document(version: str = "1.0.0") -> dict[str, Any]:
    """The AsyncAPI 3.1 document for every topic in the catalogue and the internal ones."""
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for spec in ALL_TOPICS:
        channel = _channel_id(spec.name)
        message_id = spec.model.__name__
        messages[message_id] = _message(spec)
        channels[channel] = {
            "address": spec.name, "title": spec.name, "description": spec.purpose,
            "messages": {message_id: {"$ref": f"#/components/messages/{message_id}"}},
            "bindings": {"kafka": {"topic": spec.name, "bindingVersion": "0.5.0"}},
        }
        operations[f"{channel}-send"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{channel}"},
            "summary": f"Written by {_SENDERS[spec.name]}.",
            "messages": [{"$ref": f"#/channels/{channel}/messages/{message_id}"}],
        }
        operations[f"{channel}-receive"] = {
            "action": "receive", "channel": {"$ref": f"#/channels/{channel}"},
            "summary": "Read by the processor, the web app's followers, or your own consumer (any group id).",
            "messages": [{"$ref": f"#/channels/{channel}/messages/{message_id}"}],
        }
    for topic, purpose in _INTERNAL.items():
        channels[_channel_id(topic)] = {"address": topic, "title": topic, "description": purpose,
                                        "bindings": {"kafka": {"topic": topic, "bindingVersion": "0.5.0"}}}
    return {
        "asyncapi": "3.1.0",
        "info": {
            "title": "ctax: council-tax change-of-circumstance events",
            "version": version,
            "description": (
                "The Kafka topics of the change-of-circumstance processor. Every event is keyed by its notification "
                "id. Topic names may carry a deployment's prefix (CTAX_TOPIC_PREFIX). The processor's consumer "
                f"group is '{PROCESSOR_APP_ID}'. The metrics topic holds no personal data."
            ),
            "license": {"name": "MIT"},
        },
        "defaultContentType": "application/octet-stream",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=False) + "\n"


if __name__ == "__main__":
    DOCUMENT.write_text(render(build_document()), encoding="utf-8")
    print(DOCUMENT)  # noqa: T201
