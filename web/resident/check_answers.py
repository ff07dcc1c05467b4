"""The check-answers page's summary lists: every answer with a Change link back to its question."""

from __future__ import annotations

from typing import Any

from web.resident.answers import JourneyAnswers
from web.resident.change_summary import summary_row
from web.resident.question_order import resident_kind


def check_answer_sections(answers: JourneyAnswers) -> list[dict[str, Any]]:
    """Sections of rows for ``govukSummaryList``, in the order the questions were asked."""
    assert answers.kind is not None
    sections = resident_kind(answers.kind).summary(answers)
    contact = answers.contact
    if contact is not None:
        sections.append({"title": "Your contact details", "rows": [
            summary_row("Full name", "/moving/contact", "your name", text=contact.full_name),
            summary_row("Email address", "/moving/contact", "your email address", text=contact.email or "Not given"),
            summary_row("Telephone number", "/moving/contact", "your telephone number",
                        text=contact.phone or "Not given"),
        ]})
    return sections
