"""The plan of a change kept in back-office notes reads back as the same change, and only a whole one does."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from adapters.soap import change_plans
from adapters.soap.change_plans import (
    PlanPart,
    begun_plans,
    is_plan_reference,
    latest_plans,
    missing_part_references,
    plan_notes,
    plan_reference,
    read_plan_part,
    same_plan,
)
from adapters.soap.step_notes import StepNote, audit_text_of, read_step
from schemas.events import AccountChange, ChargeLine, Instalment, LiabilityEnding, StageTimings
from schemas.notification import ChangeKind

NOTE_LIMIT = 2000  # the back office's note text


def change(notification_id: str = "n-1", instalments: int = 10) -> AccountChange:
    ending = LiabilityEnding(
        account_ref="500000001", uprn="100090000004", expected_liability_start=date(2021, 3, 1),
        liability_end=date(2025, 9, 30), reason="moved out", balance_pence=-4_000,
        charges=(ChargeLine(financial_year=2025, period_start=date(2025, 4, 1), period_end=date(2025, 9, 30), days=183,
                            band="B", annual_charge_pence=150_000, discount_percent=0, charge_pence=75_000),),
        instalments=tuple(Instalment(financial_year=2025, sequence=i + 1, due_date=date(2025, 4 + i % 9, 1),
                                     amount_pence=1_000 + i)
                          for i in range(instalments)))
    return AccountChange(notification_id=notification_id, reference="CTX-AAAA-BBBB", council_code="E07000999",
                         kind=ChangeKind.MOVE_OUT, notice_date=date(2025, 10, 10), change_fingerprint="f" * 64,
                         endings=(ending,), openings=(),
                         timings=StageTimings(submitted_at=datetime(2025, 10, 10, 12, tzinfo=UTC)))


def parts_of(notes: list[dict[str, str]], first_order: int = 0) -> list[PlanPart]:
    parts = [read_plan_part(note["Reference"], note["Text"], first_order + i) for i, note in enumerate(notes)]
    assert all(part is not None for part in parts)
    return [part for part in parts if part is not None]


def test_a_plan_reads_back_as_the_change_it_was_made_from() -> None:
    notes = plan_notes(change())
    assert [note["Reference"] for note in notes] == ["p1:n-1"]
    assert all(len(note["Text"]) < NOTE_LIMIT for note in notes)
    assert latest_plans(parts_of(notes)) == {"n-1": change()}
    assert missing_part_references(parts_of(notes)) == []


def test_a_plan_too_long_for_one_note_is_kept_in_several_and_read_back_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(change_plans, "PART_LENGTH", 100)
    notes = plan_notes(change(instalments=40))
    assert len(notes) > 3
    assert [note["Reference"] for note in notes] == [plan_reference("n-1", k) for k in range(1, len(notes) + 1)]
    assert missing_part_references(parts_of(notes[:1])) == [note["Reference"] for note in notes[1:]]
    assert latest_plans(parts_of(list(reversed(notes)))) == {"n-1": change(instalments=40)}
    assert latest_plans(parts_of(notes[:-1])) == {}  # interrupted while the plan was being kept: no plan


def test_the_latest_whole_plan_is_the_one_its_steps_follow() -> None:
    earlier, later = change(instalments=3), change(instalments=5)
    parts = parts_of(plan_notes(earlier)) + parts_of(plan_notes(later), first_order=7)
    assert latest_plans(parts) == {"n-1": later}


def test_a_change_assessed_again_to_the_same_end_is_the_same_plan() -> None:
    again = change().model_copy(update={"timings": StageTimings(submitted_at=datetime(2025, 10, 11, tzinfo=UTC))})
    assert same_plan(change(), again)
    assert not same_plan(change(), change(instalments=9))


def test_a_plan_that_cannot_be_read_is_left_out_and_the_notification_assessed_again() -> None:
    [note] = plan_notes(change())
    damaged = {**note, "Text": note["Text"].replace("data=", "data=AAAA")}
    assert latest_plans(parts_of([damaged])) == {}
    assert latest_plans(parts_of([{**note, "Reference": "p1:another"}])) == {}  # a plan names its notification


def test_a_plan_note_is_no_step_and_an_officer_reads_its_plain_words() -> None:
    [note] = plan_notes(change())
    assert read_step(note["Reference"], "500000001", note["Text"], 0) is None
    assert audit_text_of(note["Text"]) == change_plans.PLAN_TEXT
    assert is_plan_reference(note["Reference"])
    assert not is_plan_reference("fp:" + "f" * 37)
    assert not is_plan_reference("3f2c9a4e-1b7d-4c1e-9a55-0d6f2b8e4c11")
    assert read_plan_part("n-1", "Phoned the resident. [ctax ref=CTX-1 step=end:1 last=1 at=2025-10-10]", 0) is None


def test_only_a_change_with_a_step_made_and_not_its_last_is_begun() -> None:
    plans = {"part-made": change("part-made"), "plan-only": change("plan-only"), "made": change("made")}
    steps = {"part-made": {"end:500000001": step("part-made", last=False)}, "plan-only": {},
             "made": {"end:500000001": step("made", last=True)}}
    assert begun_plans(steps, plans) == {"part-made": plans["part-made"]}
    assert begun_plans({"no-plan": {"end:1": step("no-plan", last=False)}}, plans) == {}  # made before plans were kept


def step(notification_id: str, *, last: bool) -> StepNote:
    return StepNote(notification_id, "CTX-AAAA-BBBB", "end:500000001", last, datetime(2025, 10, 10, tzinfo=UTC),
                    "500000001", 0)
