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
from typing import Literal

from app.sheets.styles import Style, as_date, csv_text, shown_text

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


def column_letter(position: int) -> str:
    """0 -> A, 26 -> AA: the column at this index as a spreadsheet labels it."""
    letters = ""
    number = position + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


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
    """A workbook of these sheets, in order (app.sheets.workbook, which loads openpyxl when a
    workbook is first written, not in every worker at start)."""
    from app.sheets import workbook

    return workbook.xlsx_bytes(sheets)


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
