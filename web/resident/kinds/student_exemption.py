"""Student exemption: from what date everyone has been a full-time student, and each student's certificate."""

from __future__ import annotations

from datetime import date

from schemas.notification import Change, ChangeKind, Student, StudentExemption
from web.resident.answers import JourneyAnswers
from web.resident.change_parts import dated, home
from web.resident.change_summary import change_section, summary_row
from web.resident.kinds.resident_kind import HOME, DateQuestion, Question, ResidentKind, Section


def questions(answers: JourneyAnswers) -> list[Question]:
    return [("/moving/account-number", answers.account_reference_answered),
            ("/moving/date", answers.move_date is not None),
            ("/moving/students", bool(answers.students) and answers.students_done)]


def summary(answers: JourneyAnswers) -> list[Section]:
    rows = [summary_row(student.full_name, f"/moving/students/{number}", f"details of {student.full_name}",
                        text=f"{student.institution}. Certificate {student.certificate_reference}")
            for number, student in enumerate(answers.students, start=1)]
    return [change_section(answers, HOME), {"title": "Students who live there", "rows": rows}]


def build(answers: JourneyAnswers, _today: date) -> Change:
    students = tuple(Student(full_name=s.full_name, institution=s.institution,
                             certificate_reference=s.certificate_reference) for s in answers.students)
    return StudentExemption.model_validate({**home(answers), "effective_date": dated(answers),
                                            "students": students})


JOURNEY = ResidentKind(
    kind=ChangeKind.STUDENT_EXEMPTION, addresses=HOME, questions=questions, summary=summary, build=build,
    date_question=DateQuestion("From what date has everyone been a full-time student?", "date the courses started",
                               "Usually the start of the course or of the tenancy. For example, 27 9 2026"),
    bill_estimate="Your bill with the student exemption.",
)
