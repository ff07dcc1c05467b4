"""The landlord pages: the template, the upload, and the result of each row. Role: landlord (an admin may
too); a landlord sees only their own uploads."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from markupsafe import escape
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from web.http.csrf import MAX_FORM_BYTES, MAX_FORM_FIELDS, MAX_FORM_FILES
from web.in_thread import in_thread
from web.landlords.file_names import display_name
from web.landlords.parse_process import read_rows_in_child
from web.landlords.refusal import ReadingUnavailableError
from web.landlords.rows import RowProblem, row_request
from web.landlords.sending import wake_sender
from web.landlords.spreadsheet import MAX_FILE_BYTES, MAX_ROWS, SheetRow, UploadRefusedError, read_rows
from web.landlords.template import COLUMNS, csv_template, xlsx_template
from web.staff_accounts.accounts import Role, StaffUser
from web.staff_shell.guard import page_user
from web.staff_shell.pages import render_staff_page
from web.stores.landlord_uploads import LandlordUploadStore, NewRow, Upload, UploadRow

router = APIRouter(prefix="/landlords", include_in_schema=False)
log = logging.getLogger(__name__)
LandlordPageUser = Annotated[StaffUser, Depends(page_user(Role.LANDLORD))]
HOME = "/landlords"
UPLOAD_PATH = "/landlords/upload"
# The file's own limit is checked by the page (with its message); a request up to the size the CSRF check
# reads still reaches the page, so a file a little over the limit is told so there, not by a bare 413.
UPLOAD_BODY_BYTES = MAX_FORM_BYTES


def _uploads(request: Request) -> LandlordUploadStore:
    found: LandlordUploadStore = request.app.state.landlord_uploads
    return found


async def _upload_page(request: Request, user: StaffUser, error: str | None = None,
                       status_code: int = 200) -> Response:
    uploads = await in_thread(_uploads(request).uploads, user.username)
    return render_staff_page(request, "landlords/upload.html", user, HOME, {
        "columns": COLUMNS, "uploads": uploads, "upload_error": error, "max_kb": MAX_FILE_BYTES // 1024,
        "max_rows": MAX_ROWS, "errors": {"file": error} if error else {},
    }, status_code=status_code)


@router.get("")
async def upload_page(request: Request, user: LandlordPageUser) -> Response:
    return await _upload_page(request, user)


@router.get("/template.csv")
async def template_csv(_user: LandlordPageUser) -> Response:
    return Response(csv_template(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="tenancy-changes.csv"'})


@router.get("/template.xlsx")
async def template_xlsx(_user: LandlordPageUser) -> Response:
    return Response(xlsx_template(), headers={"Content-Disposition": 'attachment; filename="tenancy-changes.xlsx"'},
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def stored_rows(sheet_rows: list[SheetRow]) -> list[NewRow]:
    """Each row as it is stored: its request when valid, else the column and reason."""
    rows = []
    for row in sheet_rows:
        found = row_request(row.values)
        if isinstance(found, RowProblem):
            rows.append(NewRow(row.number, column=found.column, reason=found.reason))
        else:
            rows.append(NewRow(row.number, request_json=found.model_dump_json()))
    return rows


def rows_to_store(filename: str, content: bytes) -> list[NewRow]:
    """A file's rows as they are stored, read in this process (for tools and tests; uploads use a child)."""
    return stored_rows(read_rows(filename, content))


async def _received_file(request: Request) -> tuple[str, bytes] | str:
    """The uploaded file's name and (at most one byte over the limit of) its content, or what is wrong."""
    try:
        async with request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS,
                                max_part_size=MAX_FORM_BYTES) as form:
            file = form.get("file")
            if not isinstance(file, UploadFile) or not file.filename:
                return "Select a CSV or XLSX file"
            return display_name(file.filename), await file.read(MAX_FILE_BYTES + 1)
    except HTTPException:
        return "The file could not be read from what your browser sent. Give it a short name and try again"


@router.post(UPLOAD_PATH.removeprefix("/landlords"))
async def upload(request: Request, user: LandlordPageUser) -> Response:
    """Check and store the file, then answer at once: its rows are sent in the background (the page follows)."""
    received = await _received_file(request)
    if isinstance(received, str):
        return await _upload_page(request, user, received, 400)
    filename, content = received
    uploads = _uploads(request)
    file_hash = hashlib.sha256(content).hexdigest()
    upload_id = await in_thread(uploads.find, user.username, file_hash)
    if upload_id is None:
        try:
            sheet_rows = await in_thread(read_rows_in_child, filename, content)
        except ReadingUnavailableError as busy:
            return await _upload_page(request, user, str(busy), 503)
        except UploadRefusedError as refused:
            return await _upload_page(request, user, str(refused), 400)
        rows = await in_thread(stored_rows, sheet_rows)
        upload_id = await in_thread(uploads.store, user.username, file_hash, filename,
                                    datetime.now(UTC), rows)
        log.info("landlord upload stored", extra={"upload_id": upload_id, "rows": len(rows)})
    wake_sender(request.app)
    return RedirectResponse(f"/landlords/uploads/{upload_id}", status_code=303)


def _result_rows(rows: list[UploadRow]) -> list[list[dict[str, Any]]]:
    table: list[list[dict[str, Any]]] = []
    for row in rows:
        if row.status == "sent":
            result: dict[str, Any] = {"html": f'<span class="ctax-reference">{escape(row.reference)}</span>'}
        elif row.status == "pending":
            result = {"text": "Waiting to be sent"}
        else:
            result = {"text": f"Not sent: {row.column.replace('_', ' ') if row.column else 'row'}: {row.reason}"}
        table.append([{"text": str(row.number)}, result])
    return table


async def _own_upload(request: Request, user: StaffUser, upload_id: str) -> tuple[Upload, list[UploadRow]] | None:
    return await in_thread(_uploads(request).upload, user.username, upload_id[:36])


def _progress(upload: Upload, rows: list[UploadRow]) -> dict[str, Any]:
    return {"upload": upload, "rows": _result_rows(rows), "invalid": [r for r in rows if r.status == "invalid"]}


@router.get("/uploads/{upload_id}")
async def upload_result(request: Request, upload_id: str, user: LandlordPageUser) -> Response:
    found = await _own_upload(request, user, upload_id)
    if found is None:
        return render_staff_page(request, "staff/not_found.html", user, HOME,
                                 {"what": "There is no upload of yours with that id."}, 404)
    return render_staff_page(request, "landlords/result.html", user, HOME, _progress(*found))


@router.get("/uploads/{upload_id}/progress")
async def upload_progress(request: Request, upload_id: str, user: LandlordPageUser) -> Response:
    """The counts and the table of each row alone, for the result page to follow the rows being sent."""
    found = await _own_upload(request, user, upload_id)
    if found is None:
        return Response("There is no upload of yours with that id.", status_code=404, media_type="text/plain")
    return render_staff_page(request, "landlords/_progress.html", user, HOME, _progress(*found))


@router.post("/uploads/{upload_id}/send")
async def send_waiting(request: Request, upload_id: str, user: LandlordPageUser) -> Response:
    """The landlord asks for the waiting rows to be tried now: the sender wakes, the page follows."""
    if await in_thread(_uploads(request).landlord_of, upload_id[:36]) != user.username:
        return render_staff_page(request, "staff/not_found.html", user, HOME,
                                 {"what": "There is no upload of yours with that id."}, 404)
    wake_sender(request.app)
    return RedirectResponse(f"/landlords/uploads/{upload_id[:36]}", status_code=303)
