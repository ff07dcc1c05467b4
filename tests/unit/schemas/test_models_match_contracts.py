"""The pydantic models and the Avro contracts must describe the same fields."""

from __future__ import annotations

import json
import types
import typing
from enum import StrEnum
from typing import Any

import pytest
from pydantic import BaseModel

import schemas.events
import schemas.notification
from schemas.contracts import AVRO_DIR


def _avro_types() -> dict[str, dict[str, Any]]:
    return {path.stem.rsplit(".", 1)[-1]: json.loads(path.read_text()) for path in AVRO_DIR.glob("*.avsc")}


def _python_type(name: str) -> Any:
    for module in (schemas.notification, schemas.events):
        if hasattr(module, name):
            return getattr(module, name)
    raise AssertionError(f"no pydantic model or enum called {name} for the Avro type of that name")


def _nullable(avro_type: Any) -> bool:
    return isinstance(avro_type, list) and "null" in avro_type


def _optional(annotation: Any) -> bool:
    return type(None) in typing.get_args(annotation) or (
        isinstance(annotation, types.UnionType) and type(None) in annotation.__args__)


AVRO = _avro_types()


@pytest.mark.parametrize("name", sorted(AVRO))
def test_each_avro_type_has_a_matching_model(name: str) -> None:
    avro = AVRO[name]
    python = _python_type(name)
    if avro["type"] == "enum":
        assert issubclass(python, StrEnum)
        assert [member.value for member in python] == avro["symbols"]
        return
    assert issubclass(python, BaseModel)
    model_fields = {k: v for k, v in python.model_fields.items() if k != "kind" or "kind" in
                    {f["name"] for f in avro["fields"]}}
    avro_fields = {f["name"]: f for f in avro["fields"]}
    assert list(model_fields) == list(avro_fields), f"{name}: field names or order differ"
    for field_name, field in avro_fields.items():
        info = model_fields[field_name]
        assert _nullable(field["type"]) == _optional(info.annotation), f"{name}.{field_name}: nullability differs"
        if "default" in field:
            assert not info.is_required(), f"{name}.{field_name}: Avro has a default, the model requires it"
