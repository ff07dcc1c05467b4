"""Avro binary encoding, compiled once per schema into plain Python functions.

fastavro's ``schemaless_writer`` interprets the schema for every datum: it looks each field's type up again,
and it chooses a union's branch by validating the datum, deeply, against every branch in turn (a nullable
record is checked field by field before it is written). For the small events this service writes twice per
notification that made it the largest part of encoding. :func:`compile_writer` walks the parsed schema once
and returns a function that writes a datum with no look-ups left: a union of null and one other type is one
``is None`` test.

The bytes are the Avro specification's binary encoding, the same as fastavro's (the unit tests compare the
two over random data for every shipped schema). It covers the types the contracts use: null, boolean, int,
long, float, double, string, bytes, enum, fixed, array, map, record, union, and the date and
timestamp-millis/micros logical types. A datum the compiled writer cannot write (a wrong type) raises
:class:`AvroWriteError`; callers fall back to fastavro for its fuller message.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

Parts = list[bytes]
Write = Callable[[Parts, Any], None]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DOUBLE = struct.Struct("<d").pack
_FLOAT = struct.Struct("<f").pack
_RECENT_TIMES = 4096
_SMALL_LONGS = tuple(bytes([n << 1]) if n < 64 else bytes([(n << 1) & 0x7F | 0x80, n >> 6]) for n in range(8192))


class AvroWriteError(ValueError):
    """The datum does not fit the schema (the compiled writer does not guess)."""


def compile_writer(parsed_schema: Any) -> Callable[[Any], bytes]:
    """A function from a datum to its Avro binary encoding under ``parsed_schema`` (fastavro-parsed)."""
    named: dict[str, Any] = dict(parsed_schema.get("__named_schemas", {})) if isinstance(parsed_schema, dict) else {}
    write = _Compiler(named).writer(parsed_schema)

    def encode(datum: Any) -> bytes:
        parts: Parts = []
        try:
            write(parts, datum)
        except AvroWriteError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError, OverflowError, struct.error) as error:
            raise AvroWriteError(f"datum does not fit the schema: {type(error).__name__}: {error}") from error
        return b"".join(parts)

    return encode


def long_bytes(value: int) -> bytes:
    """Zig-zag variable-length encoding of a 64-bit integer (the Avro specification's int and long)."""
    if 0 <= value < 8192:
        return _SMALL_LONGS[value]
    if not -(1 << 63) <= value < (1 << 63):
        raise AvroWriteError(f"{value} does not fit in a 64-bit long")
    encoded = (value << 1) ^ (value >> 63)
    out = bytearray()
    while encoded > 0x7F:
        out.append(encoded & 0x7F | 0x80)
        encoded >>= 7
    out.append(encoded)
    return bytes(out)


def _write_null(parts: Parts, datum: Any) -> None:
    if datum is not None:
        raise AvroWriteError("expected null")


def _write_boolean(parts: Parts, datum: Any) -> None:
    parts.append(b"\x01" if datum else b"\x00")


def _write_long(parts: Parts, datum: Any) -> None:
    if isinstance(datum, float) or not isinstance(datum, int):
        raise AvroWriteError(f"expected an integer, got {type(datum).__name__}")
    parts.append(long_bytes(datum))


def _write_double(parts: Parts, datum: Any) -> None:
    if not isinstance(datum, int | float):
        raise AvroWriteError(f"expected a number, got {type(datum).__name__}")
    parts.append(_DOUBLE(datum))


def _write_float(parts: Parts, datum: Any) -> None:
    if not isinstance(datum, int | float):
        raise AvroWriteError(f"expected a number, got {type(datum).__name__}")
    parts.append(_FLOAT(datum))


def _write_string(parts: Parts, datum: Any) -> None:
    if not isinstance(datum, str):
        raise AvroWriteError(f"expected a string, got {type(datum).__name__}")
    data = datum.encode("utf-8")
    parts.append(long_bytes(len(data)))
    parts.append(data)


def _write_bytes(parts: Parts, datum: Any) -> None:
    if not isinstance(datum, bytes | bytearray):
        raise AvroWriteError(f"expected bytes, got {type(datum).__name__}")
    parts.append(long_bytes(len(datum)))
    parts.append(bytes(datum))


def _write_date(parts: Parts, datum: Any) -> None:
    if isinstance(datum, date):  # a datetime is a date too: fastavro writes its day
        parts.append(long_bytes(datum.toordinal() - _EPOCH_ORDINAL))
    elif isinstance(datum, str):
        parts.append(long_bytes(date.fromisoformat(datum).toordinal() - _EPOCH_ORDINAL))
    else:
        _write_long(parts, datum)


def _timestamp(scale: int) -> Write:
    # The same few instants recur (a batch's statuses and metrics share their times): keep their bytes.
    recent: dict[datetime, bytes] = {}

    def write(parts: Parts, datum: Any) -> None:
        if isinstance(datum, datetime):
            encoded = recent.get(datum)
            if encoded is None:
                if datum.tzinfo is None:  # an instant needs its zone; guessing one here would shift the time
                    raise AvroWriteError("a timestamp needs a timezone")
                delta = datum - _EPOCH
                micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
                encoded = long_bytes(micros // scale)
                if len(recent) >= _RECENT_TIMES:
                    recent.clear()
                recent[datum] = encoded
            parts.append(encoded)
        else:
            _write_long(parts, datum)
    return write


_PRIMITIVES: dict[str, Write] = {
    "null": _write_null, "boolean": _write_boolean, "int": _write_long, "long": _write_long,
    "float": _write_float, "double": _write_double, "string": _write_string, "bytes": _write_bytes,
}
_LOGICAL: dict[tuple[str, str], Write] = {
    ("int", "date"): _write_date,
    ("long", "timestamp-micros"): _timestamp(1),
    ("long", "timestamp-millis"): _timestamp(1000),
}


class _Compiler:
    def __init__(self, named: dict[str, Any]) -> None:
        self._named = named
        self._compiled: dict[str, Write] = {}

    def writer(self, schema: Any) -> Write:
        if isinstance(schema, str):
            if schema in _PRIMITIVES:
                return _PRIMITIVES[schema]
            return self._named_writer(schema)
        if isinstance(schema, list):
            return self._union(schema)
        kind = schema["type"]
        logical = _LOGICAL.get((kind, schema.get("logicalType", ""))) if isinstance(kind, str) else None
        if logical is not None:
            return logical
        if isinstance(kind, dict | list):
            return self.writer(kind)
        if kind == "record" or kind == "error":
            return self._record(schema)
        if kind == "enum":
            return self._enum(schema)
        if kind == "fixed":
            return self._fixed(schema)
        if kind == "array":
            return self._array(self.writer(schema["items"]))
        if kind == "map":
            return self._map(self.writer(schema["values"]))
        if kind in _PRIMITIVES:
            return _PRIMITIVES[kind]
        return self._named_writer(kind)

    def _named_writer(self, name: str) -> Write:
        # Late-bound, so a recursive type refers to itself through the table.
        if name not in self._compiled:
            self._compiled[name] = _unset
            self._compiled[name] = self.writer(self._named[name])
        table = self._compiled

        def write(parts: Parts, datum: Any) -> None:
            table[name](parts, datum)
        return write if table[name] is _unset else table[name]

    def _record(self, schema: Mapping[str, Any]) -> Write:
        """One function per record with its fields unrolled: no loop or tuple unpacking per field."""
        scope: dict[str, Any] = {"MISSING": _MISSING, "missing": _missing_field}
        lines = ["def write(parts, datum):", "    get = datum.get"]
        for number, field in enumerate(schema["fields"]):
            scope[f"w{number}"] = self.writer(field["type"])
            scope[f"d{number}"] = field.get("default")
            lines.append(f"    value = get({field['name']!r}, MISSING)")
            if "default" in field or _nullable(field["type"]):
                lines.append(f"    w{number}(parts, d{number} if value is MISSING else value)")
            else:
                lines.append(f"    w{number}(parts, missing({field['name']!r}) if value is MISSING else value)")
        if not schema["fields"]:
            lines.append("    return None")
        exec("\n".join(lines), scope)  # noqa: S102 - source built here from field positions and quoted names
        return scope["write"]  # type: ignore[no-any-return]

    def _enum(self, schema: Mapping[str, Any]) -> Write:
        index = {symbol: long_bytes(number) for number, symbol in enumerate(schema["symbols"])}

        def write(parts: Parts, datum: Any) -> None:
            # A string enum member hashes and compares as its value: found at once. Other members by value.
            try:
                parts.append(index[datum])
            except (KeyError, TypeError):
                found = index.get(datum.value) if isinstance(datum, Enum) else None
                if found is None:
                    raise AvroWriteError(f"{datum!r} is not a symbol of {schema['name']}") from None
                parts.append(found)
        return write

    def _fixed(self, schema: Mapping[str, Any]) -> Write:
        size = schema["size"]

        def write(parts: Parts, datum: Any) -> None:
            if not isinstance(datum, bytes | bytearray) or len(datum) != size:
                raise AvroWriteError(f"expected {size} bytes for {schema['name']}")
            parts.append(bytes(datum))
        return write

    def _array(self, write_item: Write) -> Write:
        def write(parts: Parts, datum: Any) -> None:
            if isinstance(datum, str | bytes | Mapping):
                raise AvroWriteError("expected a sequence")
            if datum:
                parts.append(long_bytes(len(datum)))
                for item in datum:
                    write_item(parts, item)
            parts.append(b"\x00")
        return write

    def _map(self, write_value: Write) -> Write:
        def write(parts: Parts, datum: Any) -> None:
            if datum:
                parts.append(long_bytes(len(datum)))
                for key, value in datum.items():
                    _write_string(parts, key)
                    write_value(parts, value)
            parts.append(b"\x00")
        return write

    def _union(self, branches: list[Any]) -> Write:
        writers = [self.writer(branch) for branch in branches]
        names = {_branch_name(branch): number for number, branch in enumerate(branches)}
        null = names.get("null")
        others = [number for number in range(len(branches)) if number != null]
        if null is not None and len(others) == 1:
            other = others[0]
            null_index, other_index, write_other = long_bytes(null), long_bytes(other), writers[other]
            other_name = _branch_name(branches[other])

            def write_nullable(parts: Parts, datum: Any) -> None:
                if datum is None:
                    parts.append(null_index)
                    return
                if type(datum) is tuple and len(datum) == 2 and datum[0] == other_name:
                    datum = datum[1]  # the branch named, as fastavro allows in any union
                parts.append(other_index)
                write_other(parts, datum)
            return write_nullable

        def write_named(parts: Parts, datum: Any) -> None:
            # Without a branch name a union of several types is ambiguous: fastavro guesses, we refuse.
            if datum is None and null is not None:
                parts.append(long_bytes(null))
                return
            if not (isinstance(datum, tuple) and len(datum) == 2 and datum[0] in names):
                raise AvroWriteError("a union of several types needs its branch named: (name, value)")
            number = names[datum[0]]
            parts.append(long_bytes(number))
            writers[number](parts, datum[1])
        return write_named


def _branch_name(branch: Any) -> str:
    if isinstance(branch, str):
        return branch
    if branch.get("type") in {"record", "error", "enum", "fixed"}:
        return str(branch["name"])
    return str(branch["type"]) if isinstance(branch["type"], str) else "complex"


def _nullable(schema: Any) -> bool:
    return schema == "null" or (isinstance(schema, list) and "null" in schema)


def _missing_field(name: str) -> Any:
    raise AvroWriteError(f"no value and no default for {name}")


def _unset(parts: Parts, datum: Any) -> None:
    raise AvroWriteError("recursive type used before it was compiled")


_MISSING = object()
