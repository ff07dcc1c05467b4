"""Correct and send on for the everyday changes: an officer fixes what review was about and the corrected
notification goes out through the intake (channel officer_correction) with nothing else changed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from fastapi import FastAPI

from schemas.codec import shared_codec
from schemas.notification import Channel, NameChange, NotificationRequest, StudentExemption
from tests.builders import notification
from tests.unit.web.fake_kafka import use_fake_kafka
from tests.unit.web.staff_shell.fixtures import csrf_token_from, office_of, running, sign_in, staff_shell_app
from web.intake.api_examples import example_requests
from web.staff.review.correction_form import initial_values
from web.stores.database import create_store_engine
from web.stores.progress import ProgressStore

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _review_case(tmp_path: Path, app: FastAPI, name: str, code: str, message: str) -> tuple[str, dict[str, str]]:
    body = example_requests(date(2026, 6, 1))[name]
    change = NotificationRequest.model_validate(body).change.model_dump(mode="json")
    case = notification(change, submitted_at=AT)
    progress = ProgressStore(create_store_engine(f"sqlite:///{tmp_path}/web.db"))
    progress.record_status(case.notification_id, case.reference, case.kind.value, "review", AT, AT, AT, AT,
                           [{"code": code, "field": None, "message": message}], [])
    office_of(app).reviews.keep_content([(case.notification_id, shared_codec().encode(case))])
    return case.notification_id, initial_values(change)


async def test_an_officer_corrects_a_student_certificate_after_checking_it(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    async with running(app) as client:
        kafka = use_fake_kafka(app)
        case, values = _review_case(tmp_path, app, "student_exemption", "student_certificate_unverified",
                                    "1 student certificate reference(s) are not in the format")
        await sign_in(client, "officer")
        page = await client.get(f"/staff/notifications/{case}")
        assert "Student exemption" in page.text
        assert "Certificate reference of Jack Nowak" in page.text
        assert "Date of the change" in page.text
        csrf = await csrf_token_from(client, f"/staff/notifications/{case}")
        answer = await client.post(f"/staff/notifications/{case}/correct", data={
            **values, "students-1-certificate_reference": "UOE/20259999", "csrf_token": csrf,
            "note": "Checked with the university"})
        assert answer.status_code == 303, answer.text[:500]
        (sent,) = kafka.records
        assert sent.channel is Channel.OFFICER_CORRECTION
        assert sent.corrects_notification_id == case
        assert isinstance(sent.change, StudentExemption)
        assert [s.certificate_reference for s in sent.change.students] == ["UOE/20251234", "UOE/20259999"]


async def test_an_officer_corrects_the_name_on_the_account(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    async with running(app) as client:
        kafka = use_fake_kafka(app)
        case, values = _review_case(tmp_path, app, "change_of_name", "name_not_on_account",
                                    "The previous name given is not one of the liable people on the account")
        await sign_in(client, "officer")
        csrf = await csrf_token_from(client, f"/staff/notifications/{case}")
        missing = await client.post(f"/staff/notifications/{case}/correct", data={
            **values, "previous_name": "", "csrf_token": csrf, "note": "Spelling on the account"})
        assert missing.status_code == 400
        assert "Enter the name on the account now" in missing.text
        answer = await client.post(f"/staff/notifications/{case}/correct", data={
            **values, "previous_name": "Amira Campbel", "csrf_token": csrf, "note": "Spelling on the account"})
        assert answer.status_code == 303
        (sent,) = kafka.records
        assert isinstance(sent.change, NameChange)
        assert (sent.change.previous_name, sent.change.new_name) == ("Amira Campbel", "Amira Lewis")
