"""The review-content follower keeps each batch's content, and removes settled cases' content every few seconds
(not for every batch: finding them reads every notification's progress)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from schemas.codec import shared_codec
from tests.builders import move_in, notification
from tests.unit.web.staff_shell.fixtures import VACANT, office_of, running, staff_shell_app
from web.staff_shell import services
from web.stores.database import create_store_engine
from web.stores.progress import ProgressStore

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


async def test_settled_content_goes_at_the_next_look_and_looks_are_spaced(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    progress = ProgressStore(create_store_engine(f"sqlite:///{tmp_path}/web.db"))
    cases = [notification(move_in(uprn=VACANT), submitted_at=AT) for _ in range(3)]
    encoded = [(case.notification_id, shared_codec().encode(case)) for case in cases]
    async with running(app):
        office = office_of(app)
        office._keep_content(encoded[:1])  # the first batch looks at once: nothing settled yet
        assert office.reviews.content(cases[0].notification_id) is not None
        progress.record_status(cases[0].notification_id, cases[0].reference, "move_in", "applied", AT, AT, AT, AT,
                               [], [])
        office._keep_content(encoded[1:2])  # within the interval: no look
        assert office.reviews.content(cases[0].notification_id) is not None
        office._forgot_at -= services.FORGET_SETTLED_EVERY_SECONDS  # the interval has passed
        office._keep_content(encoded[2:])
        assert office.reviews.content(cases[0].notification_id) is None  # settled: gone
        assert office.reviews.content(cases[1].notification_id) is not None  # still received: kept
        assert office.reviews.content(cases[2].notification_id) is not None
