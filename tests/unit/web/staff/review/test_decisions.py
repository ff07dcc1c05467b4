"""Review decisions in the web app without Kafka: rejection, a correction Kafka refuses, and redeliveries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from schemas.codec import shared_codec
from tests.builders import move_in, notification
from tests.unit.web.staff_shell.fixtures import (
    OCCUPIED,
    VACANT,
    csrf_token_from,
    office_of,
    running,
    sign_in,
    staff_shell_app,
)
from web.stores.database import create_store_engine
from web.stores.progress import ProgressStore

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
REVIEW = [{"code": "move_date_too_far_ahead", "field": "move_date",
           "message": "The move date is more than 14 days away; an officer will confirm it"}]


def review_case(app: FastAPI, tmp_path: Path) -> str:
    """A notification waiting for review, with its content held for the correction form."""
    case = notification(move_in(uprn=VACANT), submitted_at=AT)
    progress = ProgressStore(create_store_engine(f"sqlite:///{tmp_path}/web.db"))
    progress.record_status(case.notification_id, case.reference, "move_in", "review", AT, AT, AT, AT, REVIEW, [])
    office_of(app).reviews.keep_content([(case.notification_id, shared_codec().encode(case))])
    return case.notification_id


def record_review_again(tmp_path: Path, notification_id: str) -> None:
    progress = ProgressStore(create_store_engine(f"sqlite:///{tmp_path}/web.db"))
    found = progress.progress(notification_id)
    assert found is not None
    progress.record_status(notification_id, found["reference"], "move_in", "review", AT, AT, AT, AT, REVIEW, [])


async def test_an_officer_rejects_a_case_and_a_redelivered_review_does_not_undo_it(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    async with running(app) as client:
        case = review_case(app, tmp_path)
        await sign_in(client, "officer")
        queue = await client.get("/staff/review")
        assert "more than 14 days away" in queue.text
        csrf = await csrf_token_from(client, f"/staff/notifications/{case}")
        answer = await client.post(f"/staff/notifications/{case}/reject",
                                   data={"csrf_token": csrf, "reason": "Tell us again once you have moved."})
        assert answer.status_code == 303
        record_review_again(tmp_path, case)  # the status topic redelivers the review event
        progress = (await client.get(f"/api/v1/notifications/{case}")).json()
        assert progress["status"] == "rejected"
        assert progress["reasons"][0]["message"] == "Tell us again once you have moved."
        (decision,) = office_of(app).reviews.decisions_for(case)
        assert (decision.decision, decision.officer_name) == ("rejected", "Olive Officer")
        assert office_of(app).reviews.content(case) is not None
        office_of(app).reviews.forget_settled()
        assert office_of(app).reviews.content(case) is None  # content is kept only while a person may need it


async def test_a_correction_kafka_does_not_take_leaves_the_case_in_the_queue(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    async with running(app) as client:
        case = review_case(app, tmp_path)
        await sign_in(client, "officer")
        page = await client.get(f"/staff/notifications/{case}")
        assert 'id="correct-button"' in page.text
        csrf = await csrf_token_from(client, f"/staff/notifications/{case}")
        form = {"csrf_token": csrf, "uprn": OCCUPIED, "address-line_1": "21 Acacia Avenue",
                "address-town": "Exampleton", "address-postcode": "ZY1 5AB", "move_in_date-day": "1",
                "move_in_date-month": "6", "move_in_date-year": "2026", "note": "Wrong house number"}
        invalid = await client.post(f"/staff/notifications/{case}/correct",
                                    data={**form, "address-postcode": "nonsense", "move_in_date-day": "31",
                                          "move_in_date-month": "2"})
        assert invalid.status_code == 400
        assert "Enter a real move date" in invalid.text
        answer = await client.post(f"/staff/notifications/{case}/correct", data=form)
        assert answer.status_code == 503  # the test's Kafka address answers nothing
        assert "still in the review queue" in answer.text
        progress = (await client.get(f"/api/v1/notifications/{case}")).json()
        assert progress["status"] == "review"
        assert progress["reasons"] == REVIEW
        assert office_of(app).reviews.decisions_for(case) == []
