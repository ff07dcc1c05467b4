"""The three move journeys end to end: HTTP intake -> Kafka -> Faust stages -> legacy database -> metrics.

Runs once with the embedded SQLite database and once with a real PostgreSQL server.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.revenues_port import AccountView
from adapters.sql.revenues import SqlRevenuesSystem
from tests.builders import existing_account, register_property
from tests.integration.running_stack import RunningStack, stack_per_database

NINTHS = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11}
BAND_D = {2025: 228000, 2026: 239400, 2027: 251400}
TODAY = datetime.now(ZoneInfo("Europe/London")).date()
MOVE = TODAY - timedelta(days=3)

VACANT_B, OCCUPIED_D, OCCUPIED_C, VACANT_E, VACANT_A, VACANT_IDEM, VACANT_DUP = (
    str(100090000011 + i) for i in range(7))


def fy_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def expected_charge(band: str, first: date, last: date, discount: int) -> int:
    """The charge worked out independently of the product: decimal arithmetic, half-up rounding."""
    start = fy_start(first)
    year_days = (date(start.year + 1, 4, 1) - start).days
    annual = (Decimal(BAND_D[start.year] * NINTHS[band]) / 9).quantize(Decimal(1), ROUND_HALF_UP)
    exact = annual * ((last - first).days + 1) / year_days * (100 - discount) / 100
    return int(exact.quantize(Decimal(1), ROUND_HALF_UP))


def address(prop_line: str, postcode: str = "ZY1 5AB") -> dict[str, Any]:
    return {"line_1": prop_line, "town": "Exampleton", "postcode": postcode}


def move_in_body(uprn: str, line: str, residents: list[dict[str, Any]] | None = None,
                 postcode: str = "ZY1 5AB") -> dict[str, Any]:
    return {
        "contact": {"full_name": "Priya Patel", "email": "priya.patel@example.com"},
        "change": {"kind": "move_in", "uprn": uprn, "address": address(line, postcode),
                   "move_in_date": MOVE.isoformat(), "tenure": "private_tenant",
                   "residents": residents or [{"full_name": "Priya Patel", "date_of_birth": "1991-02-03"}]},
    }


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request: pytest.FixtureRequest, kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[RunningStack]:
    def load(revenues: SqlRevenuesSystem) -> None:
        revenues.load_register(
            [register_property(VACANT_B, band="B", line_1="11 Acacia Avenue"),
             register_property(OCCUPIED_D, band="D", line_1="12 Acacia Avenue"),
             register_property(OCCUPIED_C, band="C", line_1="13 Acacia Avenue"),
             register_property(VACANT_E, band="E", line_1="14 Acacia Avenue"),
             register_property(VACANT_A, band="A", line_1="15 Acacia Avenue"),
             register_property(VACANT_IDEM, band="B", line_1="16 Acacia Avenue"),
             register_property(VACANT_DUP, band="B", line_1="17 Acacia Avenue")],
            [existing_account("500000012", OCCUPIED_D, start=date(2021, 3, 1), paid=50000,
                              paid_year=fy_start(TODAY).year),
             existing_account("500000013", OCCUPIED_C, start=date(2019, 8, 14), paid=0)],
        )

    workdir = tmp_path_factory.mktemp(f"stack-{request.param}")
    yield from stack_per_database(request.param, kafka_bootstrap, Path(workdir), load)


def accepted(stack: RunningStack, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    response = stack.submit(body, **headers)
    assert response.status_code == 202, response.text
    return dict(response.json())


def only_account(stack: RunningStack, ref: str) -> AccountView:
    assert stack.revenues is not None
    account = stack.revenues.account(ref)
    assert account is not None
    return account


def test_move_in_opens_an_account_with_the_apportioned_charge(stack: RunningStack) -> None:
    answer = accepted(stack, move_in_body(VACANT_B, "11 Acacia Avenue"))
    assert answer["reference"].startswith("CTX-")
    final = stack.wait_final(answer["notification_id"])
    assert final["status"] == "applied", final
    assert [h["status"] for h in final["history"]][:1] == ["received"]
    assert final["validated_at"]
    assert final["completed_at"]
    (ref,) = final["account_refs"]
    account = only_account(stack, ref)
    assert (account.uprn, account.liability_start, account.liability_end) == (VACANT_B, MOVE, None)
    assert account.liable_persons == ("Priya Patel",)
    assert (account.discount_code, account.discount_percent) == ("SPD", 25)
    first_line = account.charges[0]
    assert first_line.period_start == MOVE
    assert first_line.charge_pence == expected_charge("B", MOVE, first_line.period_end, 25)
    assert sum(i.amount_pence for i in account.instalments) == sum(c.charge_pence for c in account.charges)
    assert min(i.due_date for i in account.instalments) >= TODAY + timedelta(days=14)
    (note,) = account.audit_notes
    assert answer["reference"] in note.note
    metrics = stack.metrics({answer["notification_id"]})[answer["notification_id"]]
    assert len(metrics) == 1
    assert (metrics[0].outcome.value, metrics[0].saving_pence) == ("applied", 476)
    assert metrics[0].end_to_end_ms > 0


def test_move_out_ends_the_liability_the_day_before(stack: RunningStack) -> None:
    body = {
        "contact": {"full_name": "Alex Jones", "phone": "01632 960 123"},
        "change": {"kind": "move_out", "uprn": OCCUPIED_D, "address": address("12 Acacia Avenue"),
                   "move_out_date": MOVE.isoformat(),
                   "forwarding_address": {"line_1": "1 Harbour Street", "town": "Elsewhere", "postcode": "ZY8 1AA"}},
    }
    answer = accepted(stack, body)
    final = stack.wait_final(answer["notification_id"])
    assert (final["status"], final["account_refs"][0]) == ("applied", "500000012")
    # No one moves in: the owner's account for the empty home opens from the move date (s.6(2)(f)).
    owner = only_account(stack, final["account_refs"][1])
    assert (owner.uprn, owner.liability_start, owner.unoccupied_since) == (OCCUPIED_D, MOVE, MOVE)
    account = only_account(stack, "500000012")
    assert account.liability_end == MOVE - timedelta(days=1)
    (line,) = [c for c in account.charges if c.financial_year == fy_start(MOVE).year]
    assert line.period_end == MOVE - timedelta(days=1)
    assert line.charge_pence == expected_charge("D", fy_start(MOVE), MOVE - timedelta(days=1), 0)
    balance = line.charge_pence - 50000
    assert sum(i.amount_pence for i in account.instalments if i.due_date >= TODAY) == max(balance, 0)
    assert "Liability ended" in account.audit_notes[-1].note
    assert stack.metrics({answer["notification_id"]})[answer["notification_id"]][0].outcome.value == "applied"


def test_move_within_moves_the_liability_between_properties(stack: RunningStack) -> None:
    body = {
        "contact": {"full_name": "Chris Evans", "email": "chris@example.com"},
        "change": {"kind": "move_within", "from_uprn": OCCUPIED_C, "from_address": address("13 Acacia Avenue"),
                   "to_uprn": VACANT_E, "to_address": address("14 Acacia Avenue"), "move_date": MOVE.isoformat(),
                   "residents": [{"full_name": "Chris Evans"}, {"full_name": "Dana Evans"}],
                   "tenure": "owner_occupier"},
    }
    answer = accepted(stack, body)
    final = stack.wait_final(answer["notification_id"])
    assert final["status"] == "applied", final
    old_ref, new_ref, owner_ref = final["account_refs"]
    assert only_account(stack, owner_ref).liability_start == MOVE  # the home left empty: its owner is liable
    assert old_ref == "500000013"
    assert only_account(stack, old_ref).liability_end == MOVE - timedelta(days=1)
    new = only_account(stack, new_ref)
    assert (new.uprn, new.liability_start, new.discount_percent) == (VACANT_E, MOVE, 0)
    assert new.liable_persons == ("Chris Evans", "Dana Evans")
    assert new.charges[0].charge_pence == expected_charge("E", MOVE, new.charges[0].period_end, 0)
    assert len(stack.metrics({answer["notification_id"]})[answer["notification_id"]]) == 1


def test_a_wrong_postcode_is_rejected_with_reasons_and_changes_nothing(stack: RunningStack) -> None:
    assert stack.revenues is not None
    answer = accepted(stack, move_in_body(VACANT_A, "15 Acacia Avenue", postcode="ZY9 9ZZ"))
    final = stack.wait_final(answer["notification_id"])
    assert final["status"] == "rejected"
    assert [(r["code"], r["field"]) for r in final["reasons"]] == [("postcode_mismatch", "change.address.postcode")]
    assert "does not match" in final["reasons"][0]["message"]
    assert stack.revenues.accounts_at(VACANT_A) == []
    assert stack.metrics({answer["notification_id"]})[answer["notification_id"]][0].outcome.value == "rejected"


def test_invalid_input_gets_field_level_errors_and_is_not_accepted(stack: RunningStack) -> None:
    body = move_in_body(VACANT_A, "15 Acacia Avenue", postcode="not a postcode")
    body["contact"]["email"] = "nope"
    response = stack.submit(body)
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields["contact.email"].startswith("Enter an email address")
    assert fields["change.address.postcode"].startswith("Enter a real postcode")


def test_a_repeat_with_the_same_idempotency_key_is_answered_once_and_applied_once(stack: RunningStack) -> None:
    body = move_in_body(VACANT_IDEM, "16 Acacia Avenue")
    first = accepted(stack, body, **{"Idempotency-Key": "resident-form-42"})
    second = accepted(stack, body, **{"Idempotency-Key": "resident-form-42"})
    assert first == second
    assert stack.wait_final(first["notification_id"])["status"] == "applied"
    assert stack.revenues is not None
    assert len(stack.revenues.accounts_at(VACANT_IDEM)) == 1
    reused = stack.submit(move_in_body(VACANT_A, "15 Acacia Avenue"), **{"Idempotency-Key": "resident-form-42"})
    assert reused.status_code == 422


def test_the_same_move_sent_twice_is_applied_once(stack: RunningStack) -> None:
    body = move_in_body(VACANT_DUP, "17 Acacia Avenue")
    first = accepted(stack, body)
    assert stack.wait_final(first["notification_id"])["status"] == "applied"
    second = accepted(stack, body)
    final = stack.wait_final(second["notification_id"])
    assert final["status"] == "duplicate"
    assert first["reference"] in final["reasons"][0]["message"]
    assert stack.revenues is not None
    assert len(stack.revenues.accounts_at(VACANT_DUP)) == 1


def test_unknown_notification_is_404(stack: RunningStack) -> None:
    import httpx

    assert httpx.get(f"{stack.base_url}/api/v1/notifications/nope").status_code == 404


def test_openapi_has_a_valid_example_for_submitting(stack: RunningStack) -> None:
    import httpx

    from schemas.notification import NotificationRequest

    spec = httpx.get(f"{stack.base_url}/openapi.json").json()
    post = spec["paths"]["/api/v1/notifications"]["post"]
    example = post["requestBody"]["content"]["application/json"]["examples"]["move_in"]["value"]
    NotificationRequest.model_validate(example)
