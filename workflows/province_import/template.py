"""Write the workbook: the empty template (one example row per sheet) or a filled one.

Headers are Vietnamese and frozen, each carries a note on what to write,
and columns whose values come from a list get an Excel drop-down (fixed
lists inline, agency codes and usernames from the other sheets).  Dates are
real Excel dates shown dd/mm/yyyy; text is written as text, never as a
formula.  The output is deterministic: the same rows give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .cells import display
from .sheets import MAX_ROWS, SHEETS, Column, Kind, Sheet

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
REQUIRED_FILL = PatternFill("solid", fgColor="F6DDCC")
WRAP = Alignment(wrap_text=True, vertical="top")
FIXED_TIME = (2026, 1, 1, 0, 0, 0)

_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")

Rows = Mapping[str, Sequence[Mapping[str, Any]]]


def template_bytes() -> bytes:
    """The empty template: headers, notes, drop-downs and one example row per sheet."""
    return workbook_bytes({sheet.name: [sheet.example] for sheet in SHEETS})


def workbook_bytes(rows: Rows) -> bytes:
    """A workbook of the three sheets holding ``rows`` ({sheet name: [{column key: value}]})."""
    book = Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        _write_sheet(book.create_sheet(sheet.name), sheet, rows.get(sheet.name, ()))
    book.properties.creator = "pilot06"
    book.properties.created = book.properties.modified = dt.datetime(*FIXED_TIME)
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _write_sheet(ws: Any, sheet: Sheet, rows: Sequence[Mapping[str, Any]]) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = WRAP
        note = ("Bắt buộc. " if column.required else "") + column.note
        if note.strip():
            cell.comment = Comment(note.strip(), "pilot06", width=320, height=120)
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 32
    for offset, values in enumerate(rows, start=2):
        for index, column in enumerate(sheet.columns, start=1):
            _write_cell(ws.cell(row=offset, column=index), column, values.get(column.key))
    for index, column in enumerate(sheet.columns, start=1):
        validation = _validation(column)
        if validation is not None:
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            ws.add_data_validation(validation)


def _write_cell(cell: Any, column: Column, value: Any) -> None:
    value = display(column, value)
    if value is None:
        return
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "DD/MM/YYYY"
        return
    if column.kind is Kind.NUMBER and isinstance(value, int):
        cell.value = value
        return
    cell.value = str(value)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    if column.kind in (Kind.TEXT, Kind.DELIVERABLES):
        cell.alignment = WRAP


def _validation(column: Column) -> DataValidation | None:
    if column.choices_from is not None:
        source = next(s for s in SHEETS if s.name == column.choices_from[0])
        index = [c.key for c in source.columns].index(column.choices_from[1]) + 1
        letter = get_column_letter(index)
        formula = f"{quote_sheetname(source.name)}!${letter}$2:${letter}${MAX_ROWS + 1}"
    elif column.choices:
        formula = '"' + ",".join(column.choices) + '"'
    else:
        return None
    several = column.kind in (Kind.ROLES, Kind.CODES)
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=not several,
        errorStyle="stop",
        errorTitle="Giá trị không có trong danh sách",
        error="Chọn một giá trị trong danh sách.",
        showInputMessage=bool(column.note),
        promptTitle=column.header[:32],
        prompt=column.note[:255],
    )
    return validation


def _fixed_zip_times(content: bytes) -> bytes:
    """Rewrite the archive with fixed timestamps, so the same rows always give the same file."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                body = _MODIFIED.sub(rb"\g<1>2026-01-01T00:00:00Z\g<2>", body)
            target.writestr(fixed, body)
    return out.getvalue()
