"""The plan of a change kept in back-office notes reads back as the same change, and only a whole one does."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from adapters.soap import change_plans
from adapters.soap.change_plans import PlanPart, latest_plans, plan_texts, read_plan_part
from adapters.soap.step_notes import audit_text_of, read_step
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


def parts_of(texts: list[str], notification_id: str = "n-1", first_order: int = 0) -> list[PlanPart]:
    parts = [read_plan_part(notification_id, text, first_order + i) for i, text in enumerate(texts)]
    assert all(part is not None for part in parts)
    return [part for part in parts if part is not None]


def test_a_plan_reads_back_as_the_change_it_was_made_from() -> None:
    texts = plan_texts(change())
    assert len(texts) == 1
    assert all(len(text) < NOTE_LIMIT for text in texts)
    assert latest_plans(parts_of(texts)) == {"n-1": change()}


def test_a_plan_too_long_for_one_note_is_kept_in_several_and_read_back_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(change_plans, "PART_LENGTH", 100)
    texts = plan_texts(change(instalments=40))
    assert len(texts) > 3
    assert latest_plans(parts_of(list(reversed(texts)))) == {"n-1": change(instalments=40)}
    assert latest_plans(parts_of(texts[:-1])) == {}  # interrupted while the plan was being kept: no plan


def test_the_latest_whole_plan_is_the_one_its_steps_follow() -> None:
    earlier, later = change(instalments=3), change(instalments=5)
    parts = parts_of(plan_texts(earlier)) + parts_of(plan_texts(later), first_order=7)
    assert latest_plans(parts) == {"n-1": later}


def test_a_plan_that_cannot_be_read_is_left_out_and_the_notification_assessed_again() -> None:
    [text] = plan_texts(change())
    damaged = text.replace("data=", "data=AAAA")
    assert latest_plans(parts_of([damaged])) == {}
    assert latest_plans(parts_of([text], notification_id="another")) == {}  # a plan names its notification


def test_a_plan_note_is_no_step_and_an_officer_reads_its_plain_words() -> None:
    [text] = plan_texts(change())
    assert read_step("n-1", "500000001", text, 0) is None
    assert audit_text_of(text) == change_plans.PLAN_TEXT
    assert read_plan_part("n-1", "Phoned the resident. [ctax ref=CTX-1 step=end:1 last=1 at=2025-10-10]", 0) is None
