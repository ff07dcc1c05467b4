"""Hostile landlord files, built by code (nothing binary is committed): each is what a landlord's account could
upload to exhaust the web app, smuggle a formula past the rule, or make the reader fail.

:data:`CORPUS` names each file with the words its refusal must contain; :func:`largest_real_workbook` is the
largest honest file the limits allow (500 rows, every cell at the longest a cell may be).
"""

from __future__ import annotations

import io
import random
import re
import string
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from tests.unit.web.landlords.files import END, START, csv_file, xlsx_file
from web.landlords.template import COLUMN_NAMES

Chunks = Callable[[], Iterable[bytes]]
MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_SHEET = "xl/worksheets/sheet1.xml"


@dataclass(frozen=True)
class Hostile:
    name: str  # the file name it is uploaded as
    build: Callable[[], bytes]
    refusal: str  # words the refusal must contain


def good_xlsx() -> bytes:
    return xlsx_file([START.split(","), END.split(",")])


def rezipped(content: bytes, replace: dict[str, bytes | Chunks] | None = None,
             add: dict[str, bytes | Chunks] | None = None) -> bytes:
    """The workbook with some parts replaced or added (a part may be given as chunks, written streaming)."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            _write(target, info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, part in add.items():
            _write(target, name, part)
    return out.getvalue()


def _write(target: zipfile.ZipFile, name: str, part: bytes | Chunks) -> None:
    if isinstance(part, bytes):
        target.writestr(name, part)
        return
    with target.open(name, "w", force_zip64=True) as stream:
        for chunk in part():
            stream.write(chunk)


def _repeated(head: bytes, unit: bytes, times: int, tail: bytes) -> Chunks:
    def chunks() -> Iterator[bytes]:
        yield head
        block = unit * 10_000
        for _ in range(times // 10_000):
            yield block
        yield unit * (times % 10_000)
        yield tail
    return chunks


def styles_bomb(xfs: int = 4_200_000) -> bytes:
    """Issue 18's bomb: a normal workbook whose styles.xml holds millions of empty <xf/> (33 KB deflated)."""
    head = (b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
            b'<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs>')
    return rezipped(good_xlsx(), {"xl/styles.xml": _repeated(head, b"<xf/>", xfs, b"</cellXfs></styleSheet>")})


def shared_strings_bomb(strings: int = 1_000_000) -> bytes:
    """Issue 18's second bomb: a million copies of one name in the shared strings, in about 50 KB."""
    head = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            b'2006/main">')
    return with_shared_strings(_repeated(head, b"<si><t>Sam Taylor</t></si>", strings, b"</sst>"))


def with_shared_strings(sst: bytes | Chunks) -> bytes:
    """The good workbook with a shared strings part, related and declared as Excel writes it."""
    with zipfile.ZipFile(io.BytesIO(good_xlsx())) as archive:
        types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    types = types.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                      'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="http://'
                        'schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>')
    return rezipped(good_xlsx(), {"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode()},
                    {"xl/sharedStrings.xml": sst})


def _sheet(rows_xml: Chunks | bytes, dimension: str = "A1:N3") -> Chunks:
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><dimension ref="' + dimension.encode() + b'"/><sheetData>')

    def chunks() -> Iterator[bytes]:
        yield head
        if isinstance(rows_xml, bytes):
            yield rows_xml
        else:
            yield from rows_xml()
        yield b"</sheetData></worksheet>"
    return chunks


def _inline_row(number: int, values: Iterable[str]) -> bytes:
    cells = "".join(f'<c r="{_letters(i)}{number}" t="inlineStr"><is><t>{_xml(v)}</t></is></c>'
                    for i, v in enumerate(values, start=1))
    return f'<row r="{number}">{cells}</row>'.encode()


def _xml(text: str) -> str:
    # Character references keep a tab or a carriage return as typed (XML would turn a literal CR into LF).
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("\t", "&#9;").replace("\r", "&#13;")


def xlsx_text_rows(rows: Iterable[Iterable[str]]) -> bytes:
    """A workbook whose cells are text cells holding exactly these values (openpyxl would turn a value
    starting with = into a formula cell; a hostile file keeps it as text)."""
    return xlsx_text_table([list(COLUMN_NAMES), *rows])


def xlsx_text_table(table: Iterable[Iterable[str]]) -> bytes:
    """The same, the first row included (a header of one's own)."""
    body = b"".join(_inline_row(number, row) for number, row in enumerate(table, start=1))
    return rezipped(good_xlsx(), {_SHEET: _sheet(body)})


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _header_xml() -> bytes:
    return _inline_row(1, COLUMN_NAMES)


def wide_row_bomb(cells: int = 250_000) -> bytes:
    """One row of a quarter of a million cells without references (under the size limit of a sheet)."""
    return rezipped(good_xlsx(), {_SHEET: _sheet(_repeated(_header_xml() + b'<row r="2">', b"<c><v>1</v></c>",
                                                          cells, b"</row>"))})


def far_cell(reference: str) -> bytes:
    """A sheet whose only other cell sits far away (a reader pads the gap with empty cells)."""
    row = re.sub(r"\d+", "", reference)
    number = reference[len(row):]
    cell = f'<row r="{number}"><c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    return rezipped(good_xlsx(), {_SHEET: _sheet(_header_xml() + cell)})


def lying_dimension() -> bytes:
    """A small sheet that claims to span every row and column Excel has."""
    rows = _header_xml() + _inline_row(2, START.split(","))
    return rezipped(good_xlsx(), {_SHEET: _sheet(rows, "A1:XFD1048576")})


def deflate_bomb(megabytes: int = 50) -> bytes:
    """A sheet of 50 MB of spaces: a zip bomb, its size declared honestly."""
    return rezipped(good_xlsx(), {_SHEET: _repeated(b"", b" " * 1024, megabytes * 1024, b"")})


def lying_zip_bomb() -> bytes:
    """20 MB of spaces in a part whose headers declare 1 KB: the reader must trust the declaration and stop."""
    honest = rezipped(good_xlsx(), add={"xl/media/padding.xml": b"<a>" + b" " * (20 * 1024 * 1024) + b"</a>"})
    return _declared_size(honest, "xl/media/padding.xml", 1024)


def _declared_size(content: bytes, name: str, size: int) -> bytes:
    data = bytearray(content)
    encoded = name.encode()
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at != -1:
            if data[at + name_offset:at + name_offset + len(encoded)] == encoded:
                if data[at + size_offset:at + size_offset + 4] == b"\xff\xff\xff\xff":
                    raise ValueError("the part was written with zip64 sizes")
                data[at + size_offset:at + size_offset + 4] = struct.pack("<I", size)
            at = data.find(signature, at + 4)
    return bytes(data)


def entity_expansion() -> bytes:
    """Billion laughs in the shared strings."""
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">'
                                              for i in range(1, 10))
    sst = (f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]><sst xmlns="http://schemas.openxmlformats.org/'
           'spreadsheetml/2006/main"><si><t>&a9;</t></si></sst>').encode()
    return with_shared_strings(sst)


def external_entity() -> bytes:
    """XXE: the workbook part pulls in a file of the server's."""
    with zipfile.ZipFile(io.BytesIO(good_xlsx())) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
    doctype = '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    workbook = doctype + workbook.replace('name="Sheet"', 'name="&xxe;"')
    return rezipped(good_xlsx(), {"xl/workbook.xml": workbook.encode()})


def sheet_renamed(sheet: bytes) -> bytes:
    """The sheet moved to ``xl/media/sheet.png`` and declared a picture: a reader follows the relationships."""
    with zipfile.ZipFile(io.BytesIO(good_xlsx())) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace("</Types>", '<Default Extension="png" ContentType="image/png"/></Types>').replace(
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/>', "")
    return rezipped(good_xlsx(), {"xl/_rels/workbook.xml.rels": rels.replace("worksheets/sheet1.xml",
                                                                               "media/sheet.png").encode(),
                                  "[Content_Types].xml": types.encode()}, {"xl/media/sheet.png": sheet})


def sheet_renamed_with_a_dtd() -> bytes:
    doctype = '<!DOCTYPE worksheet [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    return sheet_renamed((doctype + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                          '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData>'
                          '</worksheet>').encode())


def sheet_renamed_with_a_far_cell() -> bytes:
    return sheet_renamed(b"".join(_sheet(_header_xml() + b'<row r="1000000"><c r="A1000000"><v>1</v></c></row>')()))


def macro_workbook() -> bytes:
    """An .xlsm (macro content type and a VBA project) renamed .xlsx."""
    with zipfile.ZipFile(io.BytesIO(good_xlsx())) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace(MAIN, MACRO_MAIN).replace(
        "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    return rezipped(good_xlsx(), {"[Content_Types].xml": types.encode()},
                    {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(512)})


def vba_part_in_plain_workbook() -> bytes:
    with zipfile.ZipFile(io.BytesIO(good_xlsx())) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace("</Types>", '<Override PartName="/xl/vbaProject.bin" '
                                      'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    return rezipped(good_xlsx(), {"[Content_Types].xml": types.encode()},
                    {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(512)})


def template_workbook() -> bytes:
    with zipfile.ZipFile(io.BytesIO(good_xlsx())) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace(MAIN, "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml")
    return rezipped(good_xlsx(), {"[Content_Types].xml": types.encode()})


def hidden_first_sheet() -> bytes:
    """A hidden first sheet of rows the landlord never saw, then the visible sheet they filled in."""
    book = Workbook()
    hidden = book.active
    assert hidden is not None
    hidden.title = "Old"
    hidden.sheet_state = "hidden"
    hidden.append(list(COLUMN_NAMES))
    hidden.append(START.replace("Sam Taylor", "Hidden Person").split(","))
    shown = book.create_sheet("Sheet2")
    shown.append(list(COLUMN_NAMES))
    shown.append(END.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def chart_only() -> bytes:
    """A workbook whose only visible sheet is a chart (its data on a very hidden sheet)."""
    book = Workbook()
    data = book.active
    assert data is not None
    data.append([1])
    data.append([2])
    chart = BarChart()
    chart.add_data(Reference(data, min_col=1, min_row=1, max_row=2))
    book.create_chartsheet("Chart").add_chart(chart)
    data.sheet_state = "veryHidden"
    book.active = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def number_cell_holding_text() -> bytes:
    rows = _header_xml() + b'<row r="2"><c r="A2" t="n"><v>start</v></c></row>'
    return rezipped(good_xlsx(), {_SHEET: _sheet(rows)})


def damaged_sheet_xml() -> bytes:
    return rezipped(good_xlsx(), {_SHEET: b"<worksheet><sheetData><row><c>"})


def largest_real_workbook(cell_length: int = 260) -> bytes:
    """500 rows, eleven columns of every row filled with random words to ``cell_length`` characters: about the
    most text a workbook under the 512 KB file limit can carry (random words pack about as badly as text can;
    at the 300-character cell limit the file is 556 KB, over the file limit)."""
    rng = random.Random(18)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(400)]

    def cell() -> str:
        text = ""
        while len(text) < cell_length:
            text += rng.choice(words).capitalize() + " "
        return text[:cell_length].strip()

    return xlsx_file([["start", "2026-05-01", "100090000001", *[cell() for _ in range(11)]] for _ in range(500)])


def csv_bombs() -> list[Hostile]:
    return [
        Hostile("wide.csv", lambda: csv_file("," * 300_000), "cells"),
        Hostile("lines.csv", lambda: csv_file(*[""] * 200_000), "lines"),
    ]


CORPUS: list[Hostile] = [
    Hostile("styles-bomb.xlsx", styles_bomb, "styles"),
    Hostile("shared-strings-bomb.xlsx", shared_strings_bomb, "shared text"),
    Hostile("wide-row.xlsx", wide_row_bomb, "packed more than 100 times"),
    Hostile("wide-row-short.xlsx", lambda: wide_row_bomb(2_000), "beyond column 200"),
    Hostile("far-row.xlsx", lambda: far_cell("A1048576"), "row 1,048,576"),
    Hostile("far-column.xlsx", lambda: far_cell("XFD2"), "beyond column"),
    Hostile("zip-bomb.xlsx", deflate_bomb, "a sheet unpacks to more than"),
    Hostile("lying-zip-bomb.xlsx", lying_zip_bomb, "damaged"),
    Hostile("billion-laughs.xlsx", entity_expansion, "entities"),
    Hostile("xxe.xlsx", external_entity, "entities"),
    Hostile("macros.xlsx", macro_workbook, "macro-enabled workbook"),
    Hostile("vba.xlsx", vba_part_in_plain_workbook, "macros"),
    Hostile("template.xlsx", template_workbook, "Excel template"),
    Hostile("chart-only.xlsx", chart_only, "no visible sheet"),
    Hostile("number-text.xlsx", number_cell_holding_text, "cannot read"),
    Hostile("broken.xlsx", damaged_sheet_xml, "damaged"),
    *csv_bombs(),
]
