"""Every kept version of an event schema must stay readable by the current schema (backward compatibility)."""

from __future__ import annotations

import copy
import io
import random
from typing import Any

import pytest
from fastavro import parse_schema, schemaless_reader, schemaless_writer

from schemas.contracts import EVENT_SCHEMAS, canonical_form, expanded_schema, history
from tests.unit.schemas.avro_samples import sample_datum


def readable_by(reader: dict[str, Any], writer: dict[str, Any], samples: int = 50) -> bool:
    """Write random data with ``writer`` and read it with ``reader``; False if resolution fails."""
    rng = random.Random(1)
    parsed_writer, parsed_reader = parse_schema(writer), parse_schema(reader)
    for _ in range(samples):
        buffer = io.BytesIO()
        schemaless_writer(buffer, parsed_writer, sample_datum(copy.deepcopy(writer), rng))
        buffer.seek(0)
        try:
            schemaless_reader(buffer, parsed_writer, parsed_reader)
        except Exception:  # noqa: BLE001 - any resolution failure means incompatible
            return False
    return True


@pytest.mark.parametrize("name", EVENT_SCHEMAS)
def test_current_schema_reads_every_kept_version(name: str) -> None:
    versions = history(name)
    assert versions, f"{name} has no kept versions under schemas/avro/history"
    current = expanded_schema(name)
    for version, old in versions:
        assert readable_by(current, old), f"{name} can no longer read data written with v{version}"


@pytest.mark.parametrize("name", EVENT_SCHEMAS)
def test_the_current_schema_is_kept_as_the_latest_version(name: str) -> None:
    # A schema change must add a new vN.avsc (run `python -m schemas.snapshot`), so this test checks it.
    latest = history(name)[-1][1]
    assert canonical_form(latest) == canonical_form(expanded_schema(name)), (
        f"{name} changed: snapshot it as a new version with `python -m schemas.snapshot`")


def test_the_check_catches_a_new_field_without_a_default() -> None:
    old = expanded_schema("NotificationMetric")
    new = copy.deepcopy(old)
    new["fields"].append({"name": "officer_minutes", "type": "int"})
    assert not readable_by(new, old)


def test_the_check_allows_a_new_field_with_a_default() -> None:
    old = expanded_schema("NotificationMetric")
    new = copy.deepcopy(old)
    new["fields"].append({"name": "officer_minutes", "type": ["null", "int"], "default": None})
    assert readable_by(new, old)


def test_the_check_catches_a_removed_enum_symbol() -> None:
    old = expanded_schema("NotificationStatus")
    new = copy.deepcopy(old)
    status = next(f for f in new["fields"] if f["name"] == "status")["type"]
    status["symbols"] = [s for s in status["symbols"] if s != "duplicate"]
    assert not readable_by(new, old, samples=200)
