"""Checking an XLSX archive before a workbook library opens it: sizes, content types and every XML part.

openpyxl builds ``xl/styles.xml`` and ``xl/sharedStrings.xml`` in memory whole, even in read-only mode, and a
few kilobytes of deflated XML can stand for millions of elements. So each part is held to a size a real
tenancy file never needs, and every XML part is streamed once through expat (a kilobyte at a time, nothing
kept) counting its elements, the rows of each sheet and the cells of each row. A document type declaration
(the way to entity expansion and external entities) is refused in any part: a workbook never has one.

The workbook must declare itself a plain workbook in ``[Content_Types].xml``: a macro-enabled workbook
(``.xlsm``), a template, an add-in or a binary workbook is refused, whatever its name, and so is any part
holding macros or ActiveX controls.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

from web.landlords.refusal import UploadRefusedError

KB = 1024
MB = 1024 * KB
MAX_PARTS = 200
MAX_UNPACKED_BYTES = 20 * MB
# Above this size a part must not be packed more tightly than MAX_PACKING_RATIO: real workbooks pack about
# 5 to 30 times; the styles bomb of issue 18 packed 650 times.
RATIO_CHECKED_FROM_BYTES = 256 * KB
MAX_PACKING_RATIO = 100
MAX_CELLS_PER_ROW = 200
MAX_ROW_ELEMENTS = 5_000
MAX_ROW_NUMBER = 10_000
MAX_CELLS_PER_SHEET = 50_000
MAX_SHARED_STRINGS = 20_000
MAX_CELL_FORMATS = 5_000
_CHUNK = 16 * KB
_SNIFF_BYTES = 64
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

PLAIN_WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_OTHER_WORKBOOKS = {
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "a macro-enabled workbook (.xlsm)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "an Excel template (.xltx)",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": "a macro-enabled template (.xltm)",
    "application/vnd.ms-excel.addin.macroEnabled.main+xml": "an Excel add-in (.xlam)",
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main": "a binary workbook (.xlsb)",
}
_ACTIVE_CONTENT = ("vbaproject", "macroenabled", "activex", "vbadata", "ms-office.vba")


@dataclass(frozen=True)
class PartLimit:
    what: str  # the part, in the words of the refusal
    max_bytes: int
    max_elements: int


CONTENT_TYPES = PartLimit("the list of parts ([Content_Types].xml)", 64 * KB, 2_000)
STYLES = PartLimit("the styles (xl/styles.xml)", 1 * MB, 40_000)
SHARED_STRINGS = PartLimit("the shared text (xl/sharedStrings.xml)", 4 * MB, 120_000)
WORKSHEET = PartLimit("a sheet", 4 * MB, 200_000)
OTHER_XML = PartLimit("a part of the workbook", 1 * MB, 20_000)
OTHER_PART = PartLimit("a picture or other part of the workbook", 1 * MB, 0)


def part_limit(name: str) -> PartLimit:
    """What one part of the archive may hold, by its name."""
    if name == "[Content_Types].xml":
        return CONTENT_TYPES
    if name == "xl/styles.xml":
        return STYLES
    if name == "xl/sharedStrings.xml":
        return SHARED_STRINGS
    if name.startswith("xl/worksheets/") and not name.endswith(".rels"):
        return WORKSHEET
    if name.endswith((".xml", ".rels", ".vml")):
        return OTHER_XML
    return OTHER_PART


@dataclass(frozen=True)
class DeclaredTypes:
    """``[Content_Types].xml``: a content type by extension (Default) and by part name (Override)."""

    by_extension: dict[str, str]
    by_part: dict[str, str]

    def of(self, name: str) -> str | None:
        return self.by_part.get("/" + name) or self.by_extension.get(name.rpartition(".")[2].lower())

    def all(self) -> list[str]:
        return [*self.by_extension.values(), *self.by_part.values()]


def is_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, declared: DeclaredTypes) -> bool:
    """A part a workbook reader may parse as XML: declared or named as XML, undeclared, or (whatever its name
    and type say: a reader follows the relationships) starting like XML."""
    content_type = declared.of(info.filename)
    if content_type is None or content_type.endswith("xml") or part_limit(info.filename) is not OTHER_PART:
        return True
    with archive.open(info) as stream:
        start = stream.read(_SNIFF_BYTES)
    return start.startswith(_UTF16_BOMS) or start.removeprefix(_UTF8_BOM).lstrip().startswith(b"<")


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse (UploadRefusedError) an archive a real tenancy workbook would never be; read nothing else."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise UploadRefusedError(f"The workbook has more than {MAX_PARTS} parts. Save only the tenancy changes "
                                 "in a new workbook")
    names = [info.filename for info in parts]
    if len(set(names)) != len(names) or any(_unsafe_name(name) for name in names):
        raise UploadRefusedError("The workbook is damaged: save it again as 'Excel Workbook (.xlsx)'")
    for info in parts:
        _check_size(info)
    if sum(info.file_size for info in parts) > MAX_UNPACKED_BYTES:
        raise UploadRefusedError(f"The workbook is too large once opened (over {MAX_UNPACKED_BYTES // MB} MB). "
                                 "Keep only the tenancy changes")
    if "[Content_Types].xml" not in names:
        raise UploadRefusedError("The file is not an XLSX workbook we can read: save it again as "
                                 "'Excel Workbook (.xlsx)' or as CSV UTF-8")
    declared = _content_types(archive)
    check_content_types(declared.all())
    roles = _roles_by_relationship(archive, declared)
    for info in parts:
        if is_xml(archive, info, declared):
            limit = roles.get(info.filename) or part_limit(info.filename)
            limit = limit if limit is not OTHER_PART else OTHER_XML
            with archive.open(info) as stream:
                scan_xml(stream, limit, _counter_for(limit))


_ROLES = {"worksheet": WORKSHEET, "sharedStrings": SHARED_STRINGS, "styles": STYLES}


def _roles_by_relationship(archive: zipfile.ZipFile, declared: DeclaredTypes) -> dict[str, PartLimit]:
    """The sheets, shared strings and styles as the workbook's relationships name them (a reader follows these,
    whatever the parts are called), so each is held to its own limits and counted."""
    main = next((part for part, content_type in declared.by_part.items() if content_type == PLAIN_WORKBOOK), None)
    if main is None:  # declared by extension only: the names decide
        return {}
    base = posixpath.dirname(main.lstrip("/"))
    rels = posixpath.join(base, "_rels", posixpath.basename(main) + ".rels")
    if rels not in archive.namelist():
        return {}
    roles: dict[str, PartLimit] = {}

    def start(name: str, attributes: dict[str, str]) -> None:
        role = _ROLES.get(attributes.get("Type", "").rpartition("/")[2])
        if name.rpartition("}")[2] == "Relationship" and role is not None:
            target = attributes.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
            roles[posixpath.normpath(path)] = role

    with archive.open(rels) as stream:
        scan_xml(stream, OTHER_XML, start)
    return roles


def _unsafe_name(name: str) -> bool:
    return (name.startswith("/") or "\\" in name or "\x00" in name
            or posixpath.normpath(name).startswith("..") or len(name) > 255)


def _check_size(info: zipfile.ZipInfo) -> None:
    limit = part_limit(info.filename)
    if info.file_size > limit.max_bytes:
        raise UploadRefusedError(f"The workbook is too large: {limit.what} unpacks to more than "
                                 f"{_size(limit.max_bytes)}, more than a file of tenancy changes ever needs")
    if info.file_size > RATIO_CHECKED_FROM_BYTES and info.file_size > MAX_PACKING_RATIO * max(info.compress_size, 1):
        raise UploadRefusedError(f"The workbook is too large: {limit.what} is packed more than "
                                 f"{MAX_PACKING_RATIO} times tighter than a real workbook's")


def _size(count: int) -> str:
    return f"{count // MB} MB" if count >= MB else f"{count // KB} KB"


def _content_types(archive: zipfile.ZipFile) -> DeclaredTypes:
    by_extension: dict[str, str] = {}
    by_part: dict[str, str] = {}

    def start(name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition("}")[2]
        if local == "Default":
            by_extension[attributes.get("Extension", "").lower()] = attributes.get("ContentType", "")
        elif local == "Override":
            by_part[attributes.get("PartName", "")] = attributes.get("ContentType", "")

    with archive.open("[Content_Types].xml") as stream:
        scan_xml(stream, CONTENT_TYPES, start)
    return DeclaredTypes(by_extension, by_part)


def check_content_types(declared: list[str]) -> None:
    """Refuse anything but a plain workbook, and any part holding macros or ActiveX controls."""
    for content_type in declared:
        if content_type in _OTHER_WORKBOOKS:
            raise UploadRefusedError(f"The file is {_OTHER_WORKBOOKS[content_type]}, not a plain workbook. Save it "
                                     "as 'Excel Workbook (.xlsx)' or as CSV UTF-8")
    for content_type in declared:
        if any(word in content_type.lower() for word in _ACTIVE_CONTENT):
            raise UploadRefusedError("The workbook holds macros or controls. Save it as 'Excel Workbook (.xlsx)' "
                                     "without them, or as CSV UTF-8")
    if declared.count(PLAIN_WORKBOOK) != 1:
        raise UploadRefusedError("The file is not an XLSX workbook we can read: save it again as "
                                 "'Excel Workbook (.xlsx)' or as CSV UTF-8")


StartHandler = Callable[[str, dict[str, str]], None]


def scan_xml(stream: IO[bytes], limit: PartLimit, on_start: StartHandler | None = None) -> None:
    """Stream one XML part through expat: refuse a DTD, more than the part's elements, or broken XML."""
    parser = expat.ParserCreate(namespace_separator="}")
    elements = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal elements
        elements += 1
        if elements > limit.max_elements:
            raise UploadRefusedError(f"The workbook is too large: {limit.what} holds more than "
                                     f"{limit.max_elements:,} entries, more than a file of tenancy changes needs")
        if on_start is not None:
            on_start(name, attributes)

    def no_dtd(*_: object) -> None:
        raise UploadRefusedError("The workbook declares its own XML entities, which a real workbook never does. "
                                 "Save it again as 'Excel Workbook (.xlsx)' or as CSV UTF-8")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    parser.ExternalEntityRefHandler = no_dtd  # type: ignore[assignment]
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, ValueError):
        raise UploadRefusedError(f"The workbook is damaged ({limit.what} cannot be read): save it again as "
                                 "'Excel Workbook (.xlsx)' or as CSV UTF-8") from None


def _counter_for(limit: PartLimit) -> StartHandler | None:
    if limit is WORKSHEET:
        return SheetCounter().start
    if limit is SHARED_STRINGS:
        return _ElementCounter("si", MAX_SHARED_STRINGS,
                               f"more than {MAX_SHARED_STRINGS:,} pieces of text in the shared text").start
    if limit is STYLES:
        return _ElementCounter("xf", MAX_CELL_FORMATS, f"more than {MAX_CELL_FORMATS:,} cell formats").start
    return None


class _ElementCounter:
    def __init__(self, local_name: str, most: int, what: str) -> None:
        self._local_name, self._most, self._what, self._seen = local_name, most, what, 0

    def start(self, name: str, _attributes: dict[str, str]) -> None:
        if name.rpartition("}")[2] == self._local_name:
            self._seen += 1
            if self._seen > self._most:
                raise UploadRefusedError(f"The workbook is too large: it has {self._what}, more than a file of "
                                         "tenancy changes needs. Copy the rows into a new workbook")


class SheetCounter:
    """Counts a sheet's rows and cells as expat meets them: refuses a wide row, a sheet of too many cells, or a
    cell placed far outside the rows and columns (a reader pads the gap before it with empty cells)."""

    def __init__(self) -> None:
        self.rows = 0
        self.cells = 0
        self.cells_in_row = 0
        self.row_label = ""

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition("}")[2]
        if local == "row":
            self._row(attributes.get("r", ""))
        elif local == "c":
            self._cell(attributes.get("r", ""))

    def _row(self, reference: str) -> None:
        self.rows += 1
        self.cells_in_row = 0
        self.row_label = reference if reference.isdigit() else str(self.rows)
        if self.rows > MAX_ROW_ELEMENTS:
            raise UploadRefusedError(f"A sheet has more than {MAX_ROW_ELEMENTS:,} rows, formatted or not. "
                                     "Copy the tenancy changes into a new workbook")
        if reference.isdigit() and int(reference) > MAX_ROW_NUMBER:
            raise UploadRefusedError(f"A sheet has something in row {int(reference):,}, far below any tenancy "
                                     "change. Copy the tenancy changes into a new workbook")

    def _cell(self, reference: str) -> None:
        self.cells += 1
        self.cells_in_row += 1
        if self.cells_in_row > MAX_CELLS_PER_ROW or column_number(reference) > MAX_CELLS_PER_ROW:
            raise UploadRefusedError(f"Row {self.row_label} of a sheet has cells beyond column "
                                     f"{MAX_CELLS_PER_ROW}. Keep only the template's columns")
        if self.cells > MAX_CELLS_PER_SHEET:
            raise UploadRefusedError(f"A sheet has more than {MAX_CELLS_PER_SHEET:,} cells, more than a file "
                                     "of tenancy changes needs. Keep only the template's columns")


def column_number(reference: str) -> int:
    """1 for ``A7``, 28 for ``AB7``; 0 when the reference names no column."""
    number = 0
    for letter in reference[:4]:
        if not "A" <= letter <= "Z":
            return number
        number = number * 26 + ord(letter) - ord("A") + 1
    return number if len(reference) < 4 or not "A" <= reference[3] <= "Z" else 26 ** 4  # past Excel's last, XFD
