"""Student exemption (class N): every adult who lives there, each with a university or college and the
reference on their exemption certificate. Listed like the adults on a move: add, change, remove."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from schemas.notification import MAX_RESIDENTS
from web.http.page_templates import render_page
from web.resident.change_answers import StudentAnswers
from web.resident.forms import FormErrors, echo, form_fields, parse_choice, parse_name, parse_text
from web.resident.page_flow import answering, previous_page, status_for
from web.resident.question_order import asks
from web.resident.session import Journey, back_to_start, save_and_continue

router = APIRouter(prefix="/moving/students", include_in_schema=False)
# The contract's shape of a certificate reference; whether it is in the verifiable format is the pipeline's call.
CERTIFICATE = r"[A-Za-z0-9/ -]{1,30}"


async def _student_journey(request: Request) -> Journey | None:
    journey = await answering(request)
    return journey if journey is not None and asks(journey.answers, "/moving/students") else None


def _in_range(journey: Journey, number: int) -> bool:
    return 1 <= number <= len(journey.answers.students)


def _list_form(request: Request, journey: Journey, errors: FormErrors) -> Response:
    rows = [{
        "key": {"text": student.full_name},
        "value": {"text": f"{student.institution}, certificate {student.certificate_reference}"},
        "actions": {"items": [
            {"href": f"/moving/students/{number}", "text": "Change", "visuallyHiddenText": student.full_name},
            {"href": f"/moving/students/{number}/remove", "text": "Remove", "visuallyHiddenText": student.full_name},
        ]},
    } for number, student in enumerate(journey.answers.students, start=1)]
    count = len(journey.answers.students)
    return render_page(request, "resident/people.html", {
        "errors": errors, "rows": rows, "page_title": f"You have told us about {count} student{'s' * (count != 1)}",
        "another_question": "Does another adult live there?", "back": previous_page(journey, "/moving/students"),
    }, status_code=status_for(errors))


@router.get("")
async def students_page(request: Request) -> Response:
    journey = await _student_journey(request)
    if journey is None:
        return back_to_start()
    if not journey.answers.students:
        return RedirectResponse("/moving/students/add", status_code=303)
    return _list_form(request, journey, FormErrors())


@router.post("")
async def students_answer(request: Request) -> Response:
    journey = await _student_journey(request)
    if journey is None or not journey.answers.students:
        return back_to_start()
    errors = FormErrors()
    answer = parse_choice(await form_fields(request), errors, "add-another", {"yes", "no"},
                          "Select yes if another adult lives there")
    if answer is None:
        return _list_form(request, journey, errors)
    if answer == "yes":
        if len(journey.answers.students) >= MAX_RESIDENTS:
            errors.add("add-another", f"You can tell us about up to {MAX_RESIDENTS} students. Contact us if more "
                                      "live there")
            return _list_form(request, journey, errors)
        return RedirectResponse("/moving/students/add", status_code=303)
    journey.answers.students_done = True
    return await save_and_continue(request, journey)


def _student_form(request: Request, journey: Journey, values: dict[str, str], errors: FormErrors,
                  number: int) -> Response:
    return render_page(request, "resident/student.html", {
        "errors": errors, "values": values,
        "page_title": "Tell us about a student who lives there" if number == 1 else "Tell us about another student",
        "back": "/moving/students" if journey.answers.students else previous_page(journey, "/moving/students"),
    }, status_code=status_for(errors))


def _values(student: StudentAnswers) -> dict[str, str]:
    return {"full-name": student.full_name, "institution": student.institution,
            "certificate-reference": student.certificate_reference}


def parse_student(form: dict[str, str], errors: FormErrors) -> StudentAnswers | None:
    """A student's name, university or college, and certificate reference."""
    name = parse_name(form, errors, "full-name")
    institution = parse_text(form, errors, "institution", what="the university or college", max_length=100)
    certificate = parse_text(form, errors, "certificate-reference", what="the certificate reference",
                             max_length=30, pattern=CERTIFICATE, example="UOE/20251234")
    if name is None or institution is None or certificate is None:
        return None
    return StudentAnswers(full_name=name, institution=institution, certificate_reference=certificate.upper())


@router.get("/add")
async def add_page(request: Request) -> Response:
    journey = await _student_journey(request)
    if journey is None:
        return back_to_start()
    return _student_form(request, journey, {}, FormErrors(), len(journey.answers.students) + 1)


@router.post("/add")
async def add_answer(request: Request) -> Response:
    return await _student_answer(request, None)


@router.get("/{number}")
async def change_page(request: Request, number: int) -> Response:
    journey = await _student_journey(request)
    if journey is None or not _in_range(journey, number):
        return back_to_start()
    return _student_form(request, journey, _values(journey.answers.students[number - 1]), FormErrors(), number)


@router.post("/{number}")
async def change_answer(request: Request, number: int) -> Response:
    return await _student_answer(request, number)


async def _student_answer(request: Request, number: int | None) -> Response:
    journey = await _student_journey(request)
    if journey is None or (number is not None and not _in_range(journey, number)):
        return back_to_start()
    if number is None and len(journey.answers.students) >= MAX_RESIDENTS:
        return RedirectResponse("/moving/students", status_code=303)
    form = await form_fields(request)
    errors = FormErrors()
    student = parse_student(form, errors)
    if student is None:
        return _student_form(request, journey, echo(form), errors, number or len(journey.answers.students) + 1)
    if number is None:
        journey.answers.students.append(student)
    else:
        journey.answers.students[number - 1] = student
    journey.answers.students_done = False
    return await save_and_continue(request, journey, "/moving/students")


def _remove_form(request: Request, student: StudentAnswers, errors: FormErrors) -> Response:
    return render_page(request, "resident/remove_person.html", {
        "errors": errors, "page_title": f"Are you sure you want to remove {student.full_name}?",
        "back": "/moving/students",
    }, status_code=status_for(errors))


@router.get("/{number}/remove")
async def remove_page(request: Request, number: int) -> Response:
    journey = await _student_journey(request)
    if journey is None or not _in_range(journey, number):
        return back_to_start()
    return _remove_form(request, journey.answers.students[number - 1], FormErrors())


@router.post("/{number}/remove")
async def remove_answer(request: Request, number: int) -> Response:
    journey = await _student_journey(request)
    if journey is None or not _in_range(journey, number):
        return back_to_start()
    errors = FormErrors()
    answer = parse_choice(await form_fields(request), errors, "confirm", {"yes", "no"},
                          "Select yes if you want to remove them")
    if answer is None:
        return _remove_form(request, journey.answers.students[number - 1], errors)
    if answer == "yes":
        del journey.answers.students[number - 1]
        journey.answers.students_done = False
    return await save_and_continue(request, journey, "/moving/students")


