"""XLSX workbooks written with openpyxl (app.sheets.writing lays out the sheets and loads
this module when a workbook is first written: openpyxl weighs about 6 MB in a worker)."""

import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from app.sheets.styles import DATE_FORMAT, NUMBER_FORMATS, Style, as_date, number_format
from app.sheets.writing import Sheet, column_letter, column_widths

HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
WRAPPED = Alignment(wrap_text=True, vertical="top")


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """A workbook of these sheets, in order (written in openpyxl's streaming mode: a report
    of thousands of rows is written in one pass, a row at a time; its sheets are typed as
    Worksheet, whose layout attributes the streaming sheet has too)."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook.create_sheet(title=sheet.title[:31]), sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_sheet(worksheet: Worksheet, sheet: Sheet) -> None:
    header_rows = sheet.header_rows
    last_row = header_rows + len(sheet.rows)
    last_letter = column_letter(max(len(sheet.columns), 1) - 1)
    for position, width in enumerate(column_widths(sheet)):
        dimension = worksheet.column_dimensions[column_letter(position)]
        dimension.width = width
        # Cells people add below the data take the column's format too.
        dimension.number_format = NUMBER_FORMATS[sheet.columns[position].style]
    if sheet.table and header_rows:
        worksheet.freeze_panes = f"A{header_rows + 1}"
        worksheet.auto_filter.ref = f"A{header_rows}:{last_letter}{max(last_row, header_rows)}"
    for drop_down in sheet.drop_downs:
        letter = column_letter(drop_down.column)
        validation = DataValidation(
            type="list",
            formula1=drop_down.source,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Giá trị không hợp lệ / Invalid value",
            error=drop_down.message or None,
        )
        validation.add(f"{letter}{header_rows + 1}:{letter}{last_row + sheet.blank_rows}")
        worksheet.data_validations.append(validation)
    if sheet.hidden:
        worksheet.sheet_state = "hidden"
    for level in range(header_rows):
        worksheet.append(
            [_header_cell(worksheet, column.headers, level) for column in sheet.columns]
        )
    for number, row in enumerate(sheet.rows):
        worksheet.append(
            [
                _cell(worksheet, value, sheet.style_of(number, index), wrap=sheet.wrap)
                for index, value in enumerate(row)
            ]
        )


def _header_cell(worksheet: Worksheet, headers: tuple[str, ...], level: int) -> Cell:
    cell = WriteOnlyCell(worksheet, value=headers[level] if level < len(headers) else None)
    cell.data_type = "s"
    cell.font = HEADER_FONT
    cell.alignment = HEADER_ALIGNMENT
    return cell


def _cell(worksheet: Worksheet, value: object, style: Style, *, wrap: bool) -> Cell:
    # openpyxl writes dates, decimals and booleans too (its stubs name fewer types).
    raw: Any = as_date(value) if style is Style.DATE else value
    cell = WriteOnlyCell(worksheet, value=raw)
    value = raw
    if isinstance(value, str):
        # A string cell, whatever it starts with: openpyxl would make `=…` a formula.
        cell.data_type = "s"
        if wrap:
            cell.alignment = WRAPPED
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        cell.number_format = number_format(style, value)
    return cell
