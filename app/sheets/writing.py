"""Writing rows as CSV and XLSX for people: the one place that knows the two file formats.

CSV is UTF-8 with a byte-order mark (so spreadsheet programs read Vietnamese as UTF-8), comma
separated with decimal points, or, for spreadsheet programs set to a Vietnamese locale,
semicolon separated with decimal commas (`sep=;`). XLSX sheets have their header rows frozen
and filtered, columns as wide as what they hold, real date cells and number formats by what
a column holds (app.sheets.styles).

Text that a spreadsheet program would run as a formula (`=`, `+`, `-`, `@` first) is never
run: CSV writes it after an apostrophe, which the importer takes off again; XLSX writes it as
a string cell, which no program evaluates.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from app.sheets.styles import (
    DATE_FORMAT,
    NUMBER_FORMATS,
    Style,
    as_date,
    csv_text,
    number_format,
    shown_text,
)

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"

Separator = Literal[",", ";"]

# Column widths, in characters: room for the longest cell, within bounds.
MIN_WIDTH = 6
MAX_WIDTH = 60
# A header label longer than this wraps onto a second line instead of widening its column.
HEADER_WIDTH = 24
PADDING = 2

HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
WRAPPED = Alignment(wrap_text=True, vertical="top")


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, sep: Separator = ","
) -> bytes:
    """One table as CSV: the header line, then a line per row (app.sheets.styles.csv_text)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    decimal_comma = sep == ";"
    for row in rows:
        writer.writerow([csv_text(value, decimal_comma=decimal_comma) for value in row])
    return (BOM + out.getvalue()).encode("utf-8")


@dataclass(frozen=True, slots=True)
class SheetColumn:
    name: str
    style: Style
    # The column's text in each header row, top to bottom.
    headers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DropDown:
    """A list to pick a column's cells from: a range of another sheet, `lists!$A$2:$A$6`."""

    column: int  # index in the sheet's columns
    source: str
    message: str = ""


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[SheetColumn]
    rows: Sequence[Sequence[object]]
    # For some rows, the style of some of their cells by column index, where the row says
    # what they hold (an indicator table's value is a rate on a rate's row).
    cell_styles: Mapping[int, Mapping[int, Style]] = field(default_factory=dict)
    # A table: its header rows frozen and an autofilter over the last header row and the data.
    table: bool = True
    hidden: bool = False
    drop_downs: Sequence[DropDown] = ()
    # Empty rows below the data that the drop-downs cover, for rows people add.
    blank_rows: int = 0
    # Long text wraps within the column (explanations) instead of running on.
    wrap: bool = False
    max_width: int = MAX_WIDTH

    @property
    def header_rows(self) -> int:
        return max((len(column.headers) for column in self.columns), default=0)

    def style_of(self, row: int, column: int) -> Style:
        return self.cell_styles.get(row, {}).get(column, self.columns[column].style)


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


def column_widths(sheet: Sheet) -> list[int]:
    """Each column as wide as its longest cell as shown, within MIN_WIDTH and the sheet's
    maximum; a long header label wraps rather than widening the column past HEADER_WIDTH."""
    widths = []
    for index, column in enumerate(sheet.columns):
        # A header needs its longest word on one line; longer labels wrap.
        longest = max(
            (
                max([min(len(text), HEADER_WIDTH), *map(len, text.split())])
                for text in column.headers
            ),
            default=0,
        )
        for number, row in enumerate(sheet.rows):
            style = sheet.style_of(number, index)
            value = as_date(row[index]) if style is Style.DATE else row[index]
            longest = max(longest, len(shown_text(value, style)))
        widths.append(max(MIN_WIDTH, min(sheet.max_width, longest + PADDING)))
    return widths


def _write_sheet(worksheet: Worksheet, sheet: Sheet) -> None:
    header_rows = sheet.header_rows
    last_row = header_rows + len(sheet.rows)
    last_letter = get_column_letter(max(len(sheet.columns), 1))
    for index, width in enumerate(column_widths(sheet), start=1):
        dimension = worksheet.column_dimensions[get_column_letter(index)]
        dimension.width = width
        # Cells people add below the data take the column's format too.
        dimension.number_format = NUMBER_FORMATS[sheet.columns[index - 1].style]
    if sheet.table and header_rows:
        worksheet.freeze_panes = f"A{header_rows + 1}"
        worksheet.auto_filter.ref = f"A{header_rows}:{last_letter}{max(last_row, header_rows)}"
    for drop_down in sheet.drop_downs:
        letter = get_column_letter(drop_down.column + 1)
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
