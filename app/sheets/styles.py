"""How a spreadsheet column shows its values: the number format of its cells in XLSX, and the
text of a value in CSV. Pure: no I/O, so every rule is tested without writing a file.

Number formats are Excel's own codes. Spreadsheet programs show them with the reader's locale:
`#,##0.00` reads `1.491,14` on a machine set to Vietnamese and `1,491.14` in English, so one
file serves both. Dates are real date cells shown `dd/mm/yyyy`, the way Vietnamese documents
write them (the dashboard and the Vietnamese alert messages too); being dates, not text, they
sort and filter as dates and a reader may switch the format in a click.
"""

from datetime import date
from decimal import Decimal
from enum import StrEnum


class Style(StrEnum):
    """What a column holds, for showing it."""

    TEXT = "text"
    AREA = "area"  # hectares, up to 4 decimal places (1 m²)
    RATE = "rate"  # a fraction shown as a percentage: 0.4677 is 46.77 %
    MONEY = "money"  # whole đồng
    MONEY_CENTS = "money_cents"  # USD, or capital in either currency: 2 decimal places
    COUNT = "count"  # zones, projects, households, employees
    ID = "id"  # a number that names a record: no thousands separator
    COORDINATE = "coordinate"
    DATE = "date"
    NUMBER = "number"  # anything else numeric: as the spreadsheet program shows it


DATE_FORMAT = "dd/mm/yyyy"

NUMBER_FORMATS: dict[Style, str] = {
    # Text cells: what is typed into them stays text (a project code 0123 keeps its zero).
    Style.TEXT: "@",
    # At least 2 decimals, up to the 4 an area may have: 12.50, 0.0001.
    Style.AREA: "#,##0.00##",
    Style.RATE: "0.00%",
    Style.MONEY: "#,##0",
    Style.MONEY_CENTS: "#,##0.00",
    Style.COUNT: "#,##0",
    Style.ID: "0",
    Style.COORDINATE: "General",
    Style.DATE: DATE_FORMAT,
    Style.NUMBER: "General",
}

# The characters that make a spreadsheet program read a cell's text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def number_format(style: Style, value: object) -> str:
    """The number format of one cell: whole numbers in a plain numeric column are counts."""
    if style is Style.NUMBER and isinstance(value, int) and not isinstance(value, bool):
        return NUMBER_FORMATS[Style.COUNT]
    return NUMBER_FORMATS[style]


def as_date(value: object) -> object:
    """A date column's value as a date when it is an ISO date (report documents hold dates as
    JSON text); anything else as it is."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def plain_number(value: int | float | Decimal) -> str:
    """A number as plain digits, never in exponent form, without trailing zeros: 52.5000 is
    52.5, 1e-05 is 0.00001."""
    if isinstance(value, int):
        return str(value)
    text = repr(value) if isinstance(value, float) else str(value)
    if "e" in text.lower():
        text = format(Decimal(text), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def csv_text(value: object, *, decimal_comma: bool = False) -> str:
    """A value as CSV text: empty for null, `true`/`false`, ISO dates, plain numbers (with a
    decimal comma on request), and text that a spreadsheet would run as a formula made inert
    with a leading apostrophe (the importer reads `'=` back as `=`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        text = plain_number(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def shown_text(value: object, style: Style) -> str:
    """About what a spreadsheet program shows for a cell (English separators), to size its
    column: the widths only need the right length."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "FALSE" if not value else "TRUE"
    if isinstance(value, date):
        return "00/00/0000"
    if isinstance(value, int | float | Decimal):
        number = float(value)
        if style is Style.RATE:
            return f"{number * 100:,.2f}%"
        if style in (Style.AREA, Style.MONEY_CENTS):
            shown = f"{number:,.4f}".rstrip("0")
            whole, _, decimals = shown.partition(".")
            return f"{whole}.{decimals.ljust(2, '0')}"
        if style in (Style.MONEY, Style.COUNT) or (
            style is Style.NUMBER and isinstance(value, int)
        ):
            return f"{number:,.0f}"
        return plain_number(value)
    return str(value)
