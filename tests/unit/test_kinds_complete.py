"""Every kind of change has every part it needs: a member of ``ChangeKind`` added without one of them fails
here, with the missing parts named (and the file to add each to). README "Adding a kind of change" lists the
same parts in the same words.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, get_args

import pytest

from processors.cost_model_file import load_cost_model
from processors.rules.costs import CostModel
from processors.rules.kinds.kind_rules import KindRules
from processors.rules.kinds.table import KIND_RULES
from schemas.codec import RECORD_FOR_KIND
from schemas.notification import Change, ChangeKind
from web.intake.api_examples import example_requests
from web.kind_wording import KIND_WORDING, KindWording
from web.resident.kinds.resident_kind import ResidentKind
from web.resident.kinds.table import RESIDENT_KINDS
from web.resident.status_page import REASON_TEXT

ROOT = Path(__file__).resolve().parents[2]
AVRO = ROOT / "schemas" / "avro"


@dataclass(frozen=True)
class Tables:
    """Every table a kind of change must be in."""

    rules: Mapping[ChangeKind, KindRules[Any]]
    wording: Mapping[ChangeKind, KindWording]
    costs: CostModel
    avro_records: Mapping[ChangeKind, str]
    avro_kind_symbols: frozenset[str]
    avro_change_branches: frozenset[str]
    change_models: frozenset[type]
    resident: Mapping[ChangeKind, ResidentKind]
    api_example_kinds: frozenset[str]


def current_tables() -> Tables:
    kind_enum = json.loads((AVRO / "uk.gov.ctax.ChangeKind.avsc").read_text())
    notification = json.loads((AVRO / "uk.gov.ctax.ChangeNotification.avsc").read_text())
    (change_field,) = [field for field in notification["fields"] if field["name"] == "change"]
    return Tables(
        rules=KIND_RULES, wording=KIND_WORDING, costs=load_cost_model(), avro_records=RECORD_FOR_KIND,
        avro_kind_symbols=frozenset(kind_enum["symbols"]), avro_change_branches=frozenset(change_field["type"]),
        change_models=frozenset(get_args(get_args(Change)[0])), resident=RESIDENT_KINDS,
        api_example_kinds=frozenset(body["change"]["kind"] for body in example_requests(date(2026, 6, 1)).values()),
    )


def missing_parts(kind: ChangeKind, tables: Tables) -> list[str]:
    """What the kind lacks, each as the part and where it goes."""
    missing: list[str] = []
    rules = tables.rules.get(kind)
    if rules is None:
        missing.append("its rules: processors/rules/kinds/<kind>.py and a line in processors/rules/kinds/table.py "
                       "(its change_type a model in the Change union of schemas/notification.py)")
    elif rules.kind is not kind:
        missing.append(f"its rules: processors/rules/kinds/table.py maps it to the rules of {rules.kind.value}")
    if rules is not None and rules.change_type not in tables.change_models:
        missing.append(f"its model in the Change union of schemas/notification.py ({rules.change_type.__name__})")
    wording = tables.wording.get(kind)
    if wording is None:
        missing.append("its words: a line in web/kind_wording.py (KIND_WORDING)")
    if kind.value not in tables.costs.keying_by_kind:
        missing.append("its back-office keying cost: keying_by_kind in processors/cost_model.json")
    record = tables.avro_records.get(kind)
    if record is None:
        missing.append("its Avro record: a line in RECORD_FOR_KIND in schemas/codec.py, naming a schemas/avro/*.avsc "
                       "record that is a branch of the change union of uk.gov.ctax.ChangeNotification.avsc")
    elif not (AVRO / f"{record}.avsc").is_file():
        missing.append(f"its Avro record: schemas/avro/{record}.avsc")
    if record is not None and record not in tables.avro_change_branches:
        missing.append(f"its Avro branch: {record} in the change union of schemas/avro/uk.gov.ctax.ChangeNotification"
                       ".avsc")
    if kind.value not in tables.avro_kind_symbols:
        missing.append("its Avro symbol: schemas/avro/uk.gov.ctax.ChangeKind.avsc")
    says_no_journey = wording is not None and wording.resident is None
    if not says_no_journey and kind not in tables.resident:
        missing.append("its resident journey: web/resident/kinds/<kind>.py and a line in web/resident/kinds/table.py "
                       "(or resident=None in web/kind_wording.py if residents cannot send it)")
    if says_no_journey and kind in tables.resident:
        missing.append("its resident choice: web/kind_wording.py says residents cannot send it, but "
                       "web/resident/kinds/table.py has a journey for it")
    if wording is not None and rules is not None and says_no_journey != rules.officers_only:
        missing.append("agreement on who may send it: resident=None in web/kind_wording.py exactly when "
                       "officers_only=True in its processors/rules/kinds module")
    officers_only = says_no_journey or (rules is not None and rules.officers_only)
    if not officers_only and kind.value not in tables.api_example_kinds:
        missing.append("its API example: web/intake/api_examples.py (unless only officers may send it)")
    if not officers_only and rules is not None and not rules.preview_shows:
        missing.append("its bill preview: preview_shows in its processors/rules/kinds module (the parts of the change "
                       "that are the notifier's own bill)")
    journey = tables.resident.get(kind)
    if journey is not None and not journey.bill_estimate:
        missing.append("its bill estimate's words: bill_estimate in web/resident/kinds/<kind>.py")
    return missing


@pytest.mark.parametrize("kind", list(ChangeKind), ids=lambda kind: kind.value)
def test_each_kind_of_change_has_every_part(kind: ChangeKind) -> None:
    missing = missing_parts(kind, current_tables())
    assert not missing, f"{kind.value} lacks:\n- " + "\n- ".join(missing)


def test_the_resident_journeys_are_keyed_by_their_own_kind() -> None:
    assert [journey.kind for journey in RESIDENT_KINDS.values()] == list(RESIDENT_KINDS)


def test_a_kind_missing_from_every_table_is_told_each_part() -> None:
    tables = current_tables()
    kind = ChangeKind.CHANGE_OF_NAME
    bare = replace(
        tables, rules={k: v for k, v in tables.rules.items() if k is not kind},
        wording={k: replace(v, resident=None) if k is kind else v for k, v in tables.wording.items()},
        costs=tables.costs.model_copy(update={"keying_by_kind": {}}), avro_records={},
        avro_kind_symbols=frozenset(), resident=tables.resident,
    )
    missing = missing_parts(kind, bare)
    assert [part.split(":")[0] for part in missing] == [
        "its rules", "its back-office keying cost", "its Avro record", "its Avro symbol", "its resident choice",
    ]
    no_words = replace(tables, wording={k: v for k, v in tables.wording.items() if k is not kind})
    assert missing_parts(kind, no_words) == ["its words: a line in web/kind_wording.py (KIND_WORDING)"]
    officers_only = replace(tables, rules={**tables.rules, kind: replace(tables.rules[kind], officers_only=True)})
    assert [part.split(":")[0] for part in missing_parts(kind, officers_only)] == ["agreement on who may send it"]
    no_journey = replace(tables, resident={k: v for k, v in tables.resident.items() if k is not kind},
                         api_example_kinds=frozenset())
    assert [part.split(":")[0] for part in missing_parts(kind, no_journey)] == [
        "its resident journey", "its API example"]
    no_preview = replace(tables, rules={**tables.rules, kind: replace(tables.rules[kind], preview_shows=frozenset())},
                         resident={**tables.resident, kind: replace(tables.resident[kind], bill_estimate="")})
    assert [part.split(":")[0] for part in missing_parts(kind, no_preview)] == [
        "its bill preview", "its bill estimate's words"]


def review_codes(source: str) -> set[str]:
    """The reason codes of the ``Review("code", ...)`` a rules module raises."""
    return {call.args[0].value for call in ast.walk(ast.parse(source))
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "Review"
            and call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)}


def test_every_reason_the_rules_send_to_a_person_has_words_for_the_resident() -> None:
    codes = {code for path in sorted((ROOT / "processors" / "rules").rglob("*.py"))
             for code in review_codes(path.read_text(encoding="utf-8"))}
    assert "name_not_on_account" in codes  # the scan finds the kinds' own reasons
    missing = sorted(codes - set(REASON_TEXT))
    assert not missing, f"reasons without the resident's words (REASON_TEXT in web/resident/status_page.py): {missing}"


def test_review_codes_are_read_from_the_rules_source() -> None:
    assert review_codes('raise Review("a_new_reason", "why", "field")\nReview(code)\n') == {"a_new_reason"}
