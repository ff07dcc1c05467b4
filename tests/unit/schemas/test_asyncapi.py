"""The AsyncAPI document of our topics: in step with the catalogue and contracts, and valid by AsyncAPI's parser."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from schemas.asyncapi import DOCUMENT, build_document, render
from schemas.contracts import expanded_schema
from schemas.topics import ALL_TOPICS, INTERNAL_TOPICS

ROOT = Path(__file__).resolve().parents[3]
VALIDATOR = Path(__file__).with_name("validate_asyncapi.mjs")


def _validate(path: Path) -> tuple[int, dict[str, object]]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "@asyncapi" / "parser").is_dir():
        pytest.fail("node and the @asyncapi/parser npm package are needed: run scripts/setup (npm ci)")
    done = subprocess.run([node, str(VALIDATOR), str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          check=False)
    return done.returncode, json.loads(done.stdout)


def test_the_committed_document_is_what_the_catalogue_and_contracts_give() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == render(build_document()), (
        "schemas/asyncapi.json is stale: run python -m schemas.asyncapi")


def test_every_topic_is_described_with_its_avro_contract() -> None:
    document = build_document()
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {spec.name for spec in ALL_TOPICS} | set(INTERNAL_TOPICS)
    for spec in ALL_TOPICS:
        message = document["components"]["messages"][spec.model.__name__]
        assert message["payload"]["schema"] == expanded_schema(spec.model.__name__)


def test_the_document_is_valid_asyncapi() -> None:
    code, result = _validate(DOCUMENT)
    assert (code, result["valid"]) == (0, True), result
    assert result["channels"] == len(ALL_TOPICS) + len(INTERNAL_TOPICS)


def test_the_validator_refuses_a_broken_document(tmp_path: Path) -> None:
    broken = build_document()
    broken["operations"]["notifications-submitted-v1-send"]["action"] = "publish"  # AsyncAPI 2 wording
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    code, result = _validate(path)
    assert (code, result["valid"]) == (1, False)
