"""The Avro contracts shipped in ``schemas/avro``: loading, expanding named references, fingerprints.

Each ``.avsc`` file holds one named type and is called by its full name (``uk.gov.ctax.Address.avsc``).
Top-level event schemas refer to shared types by name; :func:`expanded_schema` inlines them so every
event schema stands alone, which is the form whose fingerprint goes on the wire. Earlier versions of each
event schema are kept, expanded, under ``avro/history/<full name>/v<N>.avsc`` so that events written by an
older producer can still be read.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from fastavro import parse_schema
from fastavro.schema import to_parsing_canonical_form

NAMESPACE = "uk.gov.ctax"
AVRO_DIR = Path(__file__).parent / "avro"
HISTORY_DIR = AVRO_DIR / "history"

# The schemas that travel on topics as whole events (the rest are parts of them).
EVENT_SCHEMAS = (
    "ChangeNotification",
    "ValidatedNotification",
    "AccountChange",
    "NotificationStatus",
    "NotificationMetric",
)

_PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
_EMPTY_FINGERPRINT = 0xC15D213AA4D7A795


class UnknownSchemaError(LookupError):
    """A schema name that is not among the contracts shipped in the repository."""


def full_name(name: str) -> str:
    return name if "." in name else f"{NAMESPACE}.{name}"


@cache
def _definitions() -> dict[str, dict[str, Any]]:
    definitions: dict[str, dict[str, Any]] = {}
    for path in sorted(AVRO_DIR.glob("*.avsc")):
        definitions[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return definitions


def expanded_schema(name: str) -> dict[str, Any]:
    """Return the named schema with every referenced named type inlined once (first use), in Avro JSON."""
    definitions = _definitions()
    wanted = full_name(name)
    if wanted not in definitions:
        raise UnknownSchemaError(f"no Avro schema called {wanted} in {AVRO_DIR}")
    defined: set[str] = set()
    expanded = _expand(definitions[wanted], definitions, defined, NAMESPACE)
    assert isinstance(expanded, dict)
    return expanded


def _expand(node: Any, definitions: dict[str, dict[str, Any]], defined: set[str], namespace: str) -> Any:
    if isinstance(node, str):
        if node in _PRIMITIVES:
            return node
        name = full_name(node) if "." not in node else node
        if name in defined:
            return name
        if name not in definitions:
            raise UnknownSchemaError(f"schema refers to {name}, which has no file in {AVRO_DIR}")
        return _expand(definitions[name], definitions, defined, namespace)
    if isinstance(node, list):
        return [_expand(branch, definitions, defined, namespace) for branch in node]
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    if kind in {"record", "enum", "fixed"}:
        own_namespace = node.get("namespace", namespace)
        defined.add(f"{own_namespace}.{node['name']}" if "." not in node["name"] else node["name"])
        if kind == "record":
            fields = [
                {**field, "type": _expand(field["type"], definitions, defined, own_namespace)}
                for field in node["fields"]
            ]
            return {**node, "fields": fields}
        return dict(node)
    if kind == "array":
        return {**node, "items": _expand(node["items"], definitions, defined, namespace)}
    if kind == "map":
        return {**node, "values": _expand(node["values"], definitions, defined, namespace)}
    if isinstance(kind, str | list | dict):
        return {**node, "type": _expand(kind, definitions, defined, namespace)}
    return node


def canonical_form(schema: dict[str, Any]) -> str:
    """Return the Avro Parsing Canonical Form of a schema (what the fingerprint is taken over)."""
    return str(to_parsing_canonical_form(parse_schema(schema, _write_hint=False)))


def _crc64_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        fingerprint = byte
        for _ in range(8):
            fingerprint = (fingerprint >> 1) ^ (_EMPTY_FINGERPRINT & -(fingerprint & 1))
        table.append(fingerprint)
    return tuple(table)


_CRC64_TABLE = _crc64_table()


def fingerprint(schema: dict[str, Any]) -> int:
    """Return the CRC-64-AVRO (Rabin) fingerprint of the schema's canonical form, as the spec defines it."""
    value = _EMPTY_FINGERPRINT
    for byte in canonical_form(schema).encode("utf-8"):
        value = (value >> 8) ^ _CRC64_TABLE[(value ^ byte) & 0xFF]
    return value


def history(name: str) -> list[tuple[int, dict[str, Any]]]:
    """Return the kept versions of an event schema as (version number, expanded schema), oldest first."""
    folder = HISTORY_DIR / full_name(name)
    versions = []
    for path in folder.glob("v*.avsc"):
        versions.append((int(path.stem[1:]), json.loads(path.read_text(encoding="utf-8"))))
    return sorted(versions, key=lambda item: item[0])
