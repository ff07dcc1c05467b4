"""Random data for any Avro schema, to prove what one schema version writes another can read."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any


def collect_named(schema: Any, named: dict[str, Any], namespace: str = "") -> dict[str, Any]:
    """Find every named type defined anywhere in the schema (they may be used before a branch reaches them)."""
    if isinstance(schema, list):
        for branch in schema:
            collect_named(branch, named, namespace)
    elif isinstance(schema, dict):
        ns = schema.get("namespace", namespace)
        if schema.get("type") in {"record", "enum", "fixed"}:
            named[f"{ns}.{schema['name']}"] = schema
        for field in schema.get("fields", []):
            collect_named(field["type"], named, ns)
        for key in ("items", "values"):
            if key in schema:
                collect_named(schema[key], named, namespace)
        if isinstance(schema.get("type"), dict | list):
            collect_named(schema["type"], named, namespace)
    return named


def sample_datum(schema: Any, rng: random.Random, named: dict[str, Any] | None = None, namespace: str = "") -> Any:
    named = collect_named(schema, {}) if named is None else named
    if isinstance(schema, str):
        primitive = _primitive(schema, rng)
        if primitive is not _NOT_PRIMITIVE:
            return primitive
        name = schema if "." in schema else f"{namespace}.{schema}"
        return sample_datum(named[name], rng, named, namespace)
    if isinstance(schema, list):
        branch = rng.choice(schema)
        value = sample_datum(branch, rng, named, namespace)
        if isinstance(branch, dict) and branch.get("type") == "record":
            return (f"{branch.get('namespace', namespace)}.{branch['name']}", value)
        if isinstance(branch, str) and branch not in _PRIMITIVES:
            target = named[branch if "." in branch else f"{namespace}.{branch}"]
            if target.get("type") == "record":
                return (branch if "." in branch else f"{namespace}.{branch}", value)
        return value
    kind = schema["type"]
    logical = schema.get("logicalType")
    if logical == "date":
        return date(2020, 1, 1) + timedelta(days=rng.randint(0, 3000))
    if logical in {"timestamp-micros", "timestamp-millis"}:
        return datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 10**8))
    if kind in {"record", "enum", "fixed"}:
        ns = schema.get("namespace", namespace)
        named[f"{ns}.{schema['name']}"] = schema
        if kind == "enum":
            return rng.choice(schema["symbols"])
        if kind == "fixed":
            return bytes(rng.getrandbits(8) for _ in range(schema["size"]))
        return {f["name"]: sample_datum(f["type"], rng, named, ns) for f in schema["fields"]}
    if kind == "array":
        return [sample_datum(schema["items"], rng, named, namespace) for _ in range(rng.randint(0, 2))]
    if kind == "map":
        return {f"k{i}": sample_datum(schema["values"], rng, named, namespace) for i in range(rng.randint(0, 2))}
    return sample_datum(kind, rng, named, namespace)


_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
_NOT_PRIMITIVE = object()


def _primitive(name: str, rng: random.Random) -> Any:
    if name == "null":
        return None
    if name == "boolean":
        return rng.random() < 0.5
    if name in {"int", "long"}:
        return rng.randint(-1000, 10**6)
    if name in {"float", "double"}:
        return rng.random() * 1000
    if name == "bytes":
        return b"\x00\x01"
    if name == "string":
        return rng.choice(["", "a", "Acacia Avenue", "ZY1 5AB", "ü"])
    return _NOT_PRIMITIVE
