"""Reading a register that staff send back: bytes of an XLSX workbook or a CSV file in, rows
of typed values out, or one refusal that says in English and Vietnamese what is wrong with
the file.

The order of work: recognise the file from its bytes (the declared media type only breaks a
tie), check a workbook's zip before any XML parser sees it (archive.py), match the header row
to the register's layout (headers.py), then read the data rows one at a time, turning each cell
into its column's value (cells.py). Every cell that cannot be read is reported, with its row
number as the spreadsheet shows it; problems with the file as a whole (not a spreadsheet, a
zip bomb, macros, a bad header, formulas without stored results, too many rows) refuse it.
Nothing here touches a database or the web framework; docs/spreadsheets-reading.md says what
staff may type.
"""

import codecs
import csv
import re
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO, TextIOWrapper
from typing import IO, Any, TypeVar
from xml.etree.ElementTree import Element, ParseError, iterparse

from app.sheets.archive import UnsafeArchive, check_workbook_archive
from app.sheets.cells import CellProblem, parse_cell, shown
from app.sheets.headers import HeaderMatch, match_header
from app.sheets.layout import Column, Entity, columns
from app.sheets.writing import column_letter

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv"
MAX_ROWS = 50_000
# Past this many unreadable cells the file is refused as a whole: it is the wrong file or the
# wrong register, and a list of a hundred thousand errors helps nobody.
MAX_ERRORS = 10_000
# How many cells a refusal lists before it says "and N more".
LISTED = 10
DATA_SHEET = "data"
EXCEL_ROWS = 1_048_576  # the most rows a sheet can have

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_FORMULA_PREFIXES = ("'=", "'+", "'-", "'@")
_SNIFF_BYTES = 8192
# Bytes that never occur in text (C0 controls other than tab, newlines, form feed and escape).
_BINARY_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1B)) | {0x1C, 0x1D}
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEET_DATA, _ROW, _CELL = f"{_NS}sheetData", f"{_NS}row", f"{_NS}c"
_VALUE, _FORMULA, _INLINE, _TEXT, _RUN, _SHARED_ITEM = (
    f"{_NS}{tag}" for tag in ("v", "f", "is", "t", "r", "si")
)
_ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")


_Exception = TypeVar("_Exception", bound=BaseException)


def _settable_in_flight(cls: type[_Exception]) -> type[_Exception]:
    """A frozen dataclass exception, except for the attributes Python sets on an exception
    in flight: contextlib assigns `__traceback__` when one passes through a `with` block,
    which a plain frozen dataclass refuses (FrozenInstanceError instead of the refusal)."""
    frozen = cls.__setattr__

    def __setattr__(self: object, name: str, value: object) -> None:
        if name.startswith("__") and name.endswith("__"):
            object.__setattr__(self, name, value)
        else:
            frozen(self, name, value)

    cls.__setattr__ = __setattr__  # type: ignore[method-assign]
    return cls


@_settable_in_flight
@dataclass(frozen=True)
class Refused(Exception):
    """The file as a whole cannot be read; nothing in it was taken."""

    message: str
    message_vi: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class CellError:
    """One cell that cannot be read: `row` as the spreadsheet numbers it (header = 1),
    `column` the field name, `value` as typed."""

    row: int
    column: str
    value: str | None
    message: str
    message_vi: str


@dataclass(frozen=True)
class Row:
    """One data row: field name -> typed value (None when empty). Cells that could not be read
    are left out (their CellError says why)."""

    number: int
    values: dict[str, object]


@dataclass(frozen=True)
class Sheet:
    """The importable columns the file has (layout order), its non-empty data rows, and every
    cell error."""

    columns: tuple[str, ...]
    rows: list[Row]
    errors: list[CellError]


@dataclass(frozen=True, slots=True)
class _Uncached:
    """A formula cell saved without its result (openpyxl and some converters do that)."""

    reference: str


@dataclass(frozen=True, slots=True)
class _ErrorResult:
    """A formula whose stored result is an error such as #N/A or #DIV/0!."""

    code: str


# A row as read from either format: its number and its cells by position (0-based).
_RawRow = tuple[int, list[object]]


def read_sheet(content: bytes, media_type: str, entity: Entity) -> Sheet:
    """Read `content` as a register of `entity`.

    The bytes decide the format: a zip is an XLSX workbook, anything else is read as CSV
    unless `media_type` claims XLSX. Raises Refused for a file that cannot be read as a whole.
    """
    if not content:
        raise Refused(
            "The file is empty.",
            "Tệp rỗng, không có nội dung.",
        )
    if content.startswith(_OLE_MAGIC):
        raise Refused(
            "This is an old Excel 97-2003 workbook (.xls) or a password-protected workbook. "
            "Remove any password, save it as an Excel Workbook (.xlsx) or as CSV UTF-8, and "
            "send that.",
            "Đây là sổ tính Excel 97-2003 (.xls) hoặc sổ tính có mật khẩu. Hãy gỡ mật khẩu "
            "(nếu có), lưu lại dạng Excel Workbook (.xlsx) hoặc CSV UTF-8 rồi gửi tệp đó.",
        )
    if content.startswith(b"%PDF"):
        raise Refused(
            "This is a PDF document, not a spreadsheet. Send the register as .xlsx or CSV.",
            "Đây là tài liệu PDF, không phải bảng tính. Hãy gửi sổ dạng .xlsx hoặc CSV.",
        )
    if content.startswith(_ZIP_MAGICS):
        with closing(_workbook_rows(content)) as rows:
            return _assemble(rows, entity)
    if media_type.split(";")[0].strip().lower() == XLSX_MEDIA_TYPE:
        raise Refused(
            "The file was sent as an Excel workbook (.xlsx) but is not one. Open it in Excel "
            "or LibreOffice, save it as .xlsx and send it again.",
            "Tệp được gửi dưới dạng sổ tính Excel (.xlsx) nhưng không phải. Hãy mở bằng Excel "
            "hoặc LibreOffice, lưu dạng .xlsx rồi gửi lại.",
        )
    with closing(_csv_rows(content)) as rows:
        return _assemble(rows, entity)


# ---------------------------------------------------------------------------- assembling


def _assemble(rows: Iterator[_RawRow], entity: Entity) -> Sheet:
    """Header, then data rows: the part both formats share."""
    first = next(rows, None)
    if first is None:
        raise Refused(
            "The sheet has no rows: row 1 must hold the column names and the rows below it "
            "the data.",
            "Trang tính không có dòng nào: dòng 1 phải là tên cột, các dòng dưới là dữ liệu.",
        )
    number, header_cells = first
    if number != 1 or all(_blank(cell) for cell in header_cells):
        raise Refused(
            "Row 1 is empty: the column names must be on row 1 (delete any title rows above them).",
            "Dòng 1 trống: tên cột phải nằm ở dòng 1 (hãy xóa các dòng tiêu đề phía trên).",
        )
    uncached = [cell.reference for cell in header_cells if isinstance(cell, _Uncached)]
    if uncached:
        raise _uncached_refusal(uncached, len(uncached))
    match = match_header([_typed(cell) for cell in header_cells], entity)
    if not match.usable:
        raise _header_refusal(match, entity)
    return _data(rows, match, entity, len(header_cells))


def _data(rows: Iterator[_RawRow], match: HeaderMatch, entity: Entity, width: int) -> Sheet:
    layout = {column.name: index for index, column in enumerate(columns(entity))}
    fields = sorted(match.fields.items(), key=lambda item: layout[item[1].name])
    unread = match.blank  # positions with no header; anything typed there would be lost
    found: list[Row] = []
    errors: list[CellError] = []
    uncached: list[str] = []
    uncached_count = 0
    stray: dict[int, int] = {}  # position without a header -> first row with a value there
    for number, cells in rows:
        values: dict[str, object] = {}
        filled = False
        size = len(cells)
        for position, column in fields:
            raw = cells[position] if position < size else None
            if raw is None or (type(raw) is str and not raw.strip()):
                values[column.name] = None
                continue
            filled = True
            if type(raw) is _Uncached:
                uncached_count += 1
                if len(uncached) < LISTED:
                    uncached.append(raw.reference)
                continue
            try:
                values[column.name] = _value(column, raw)
            except CellProblem as problem:
                errors.append(
                    CellError(number, column.name, _typed(raw), problem.message, problem.message_vi)
                )
        if size > width or unread:
            for position in [*unread, *range(width, size)]:
                if position < size and not _blank(cells[position]):
                    stray.setdefault(position, number)
        if not filled:
            continue
        if len(found) == MAX_ROWS:
            raise _too_many_rows()
        if len(errors) > MAX_ERRORS:
            raise _too_many_errors(errors)
        found.append(Row(number, values))
    if uncached:
        raise _uncached_refusal(uncached, uncached_count)
    if stray:
        raise _stray_refusal(stray)
    return Sheet(tuple(column.name for _, column in fields), found, errors)


def _value(column: Column, raw: object) -> object:
    if type(raw) is str:
        if raw.startswith(_FORMULA_PREFIXES):
            # Exports write text that starts like a formula with an apostrophe before it, so
            # that no spreadsheet runs it; reading it back drops the apostrophe.
            raw = raw[1:]
    elif isinstance(raw, _ErrorResult):
        raise CellProblem(
            f"The formula in this cell gives the error {raw.code}; correct it or type the value.",
            f"Công thức trong ô này cho lỗi {raw.code}; hãy sửa công thức hoặc nhập giá trị.",
        )
    return parse_cell(column, raw)


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _typed(cell: object) -> str | None:
    """The cell as staff see it: `#N/A` for a formula's error result."""
    if isinstance(cell, _ErrorResult):
        return cell.code
    return shown(cell)


# ------------------------------------------------------------------------------ refusals


def _header_refusal(match: HeaderMatch, entity: Entity) -> Refused:
    parts: list[str] = []
    parts_vi: list[str] = []
    if match.missing:
        listed = "; ".join(f"{c.name} ({c.label_vi} / {c.label_en})" for c in match.missing)
        parts.append(f"required columns missing: {listed}")
        parts_vi.append(f"thiếu cột bắt buộc: {listed}")
    if match.duplicated:
        listed = "; ".join(match.duplicated)
        parts.append(f"columns given twice: {listed}")
        parts_vi.append(f"cột bị lặp: {listed}")
    if match.unknown:
        listed = "; ".join(repr(name) for name in match.unknown)
        parts.append(f"unknown columns: {listed}")
        parts_vi.append(f"cột không nhận ra: {listed}")
    return Refused(
        f"The header row (row 1) does not fit the {entity.value} register: "
        + "; and ".join(parts)
        + ". Use the column names of the import template (field names, or the Vietnamese or "
        "English labels).",
        f"Dòng tên cột (dòng 1) không khớp với sổ {entity.value}: "
        + "; và ".join(parts_vi)
        + ". Hãy dùng tên cột của mẫu nhập liệu (tên trường, hoặc nhãn tiếng Việt hay tiếng "
        "Anh).",
    )


def _uncached_refusal(references: list[str], count: int) -> Refused:
    listed = ", ".join(references)
    if count > len(references):
        listed += f" and {count - len(references):,} more"
    listed_vi = ", ".join(references)
    if count > len(references):
        listed_vi += f" và {_vi(count - len(references))} ô khác"
    return Refused(
        f"Formulas without stored results in {listed}: the file was saved by a program that "
        "does not calculate them. Open it in Excel or LibreOffice and save it so the results "
        "are stored, or paste the values in place of the formulas.",
        f"Có công thức chưa lưu kết quả ở {listed_vi}: tệp được lưu bởi chương trình không tính "
        "công thức. Hãy mở bằng Excel hoặc LibreOffice rồi lưu lại để kết quả được lưu, hoặc "
        "dán giá trị (Paste Values) thay cho công thức.",
    )


def _stray_refusal(stray: dict[int, int]) -> Refused:
    listed = ", ".join(
        f"column {column_letter(position)} (row {row})" for position, row in sorted(stray.items())
    )
    listed_vi = ", ".join(
        f"cột {column_letter(position)} (dòng {row})" for position, row in sorted(stray.items())
    )
    return Refused(
        f"Values in columns without a name in row 1: {listed}. Give the column its name from "
        "the template, or delete it.",
        f"Có giá trị ở cột không có tên tại dòng 1: {listed_vi}. Hãy đặt tên cột theo mẫu, "
        "hoặc xóa cột đó.",
    )


def _too_many_rows() -> Refused:
    return Refused(
        f"The file has more than {MAX_ROWS:,} data rows. Split it into files of at most "
        f"{MAX_ROWS:,} rows.",
        f"Tệp có hơn {_vi(MAX_ROWS)} dòng dữ liệu. Hãy chia thành các tệp, mỗi tệp tối đa "
        f"{_vi(MAX_ROWS)} dòng.",
    )


def _too_many_errors(errors: list[CellError]) -> Refused:
    first = errors[0]
    return Refused(
        f"More than {MAX_ERRORS:,} cells cannot be read: is this the right file for this "
        f"register? The first, row {first.row} column {first.column}: {first.message}",
        f"Hơn {_vi(MAX_ERRORS)} ô không đọc được: tệp có đúng cho sổ này không? Ô đầu tiên, "
        f"dòng {first.row} cột {first.column}: {first.message_vi}",
    )


def _vi(number: int) -> str:
    """50.000: Vietnamese groups thousands with dots."""
    return f"{number:,}".replace(",", ".")


def _damaged_workbook() -> Refused:
    return Refused(
        "This .xlsx workbook cannot be read: it is damaged or was not saved by a spreadsheet "
        "program. Open it in Excel or LibreOffice, save it again as .xlsx and send the new "
        "file.",
        "Không đọc được sổ tính .xlsx này: tệp bị hỏng hoặc không được lưu bởi chương trình "
        "bảng tính. Hãy mở bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi gửi tệp mới.",
    )


# ------------------------------------------------------------------------------ workbooks


def _workbook_rows(content: bytes) -> Generator[_RawRow, None, None]:
    """The rows of sheet `data` (or the first worksheet), straight from its XML, one at a time.

    openpyxl reads the workbook's parts (sheet list, styles, shared strings) but not the
    worksheets: its read-only worksheets parse a sheet once just to find its size when the
    sheet declares none, and then trust that size even when it is wrong. The sheet is parsed
    here instead, once, so that formulas without a stored result are told apart from empty
    cells and the row numbers are the ones in the file, whatever dimension the sheet declares.

    openpyxl (about 6 MB) is loaded with the first workbook read, not in every worker at start.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.xml.constants import SHARED_STRINGS

    try:
        check_workbook_archive(content)
    except UnsafeArchive as unsafe:
        raise Refused(unsafe.message, unsafe.message_vi) from None
    try:
        reader = ExcelReader(BytesIO(content), read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises anything from KeyError to TypeError on bad parts
        raise _damaged_workbook() from None
    with reader.archive:
        try:
            reader.read_manifest()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            sheets = [
                (sheet.name, rel.target)
                for sheet, rel in reader.parser.find_sheets()
                if "worksheet" in rel.Type and rel.target in reader.valid_files
            ]
            if not sheets:
                raise Refused(
                    "The workbook has no worksheet.",
                    "Sổ tính không có trang tính nào.",
                )
            path = next((p for n, p in sheets if n.strip().lower() == DATA_SHEET), sheets[0][1])
            # apply_stylesheet leaves the date styles on the workbook (openpyxl 3.1, pinned;
            # tests/test_sheet_reading.py reads date cells and fails if that changes).
            state: dict[str, Any] = vars(reader.wb)
            strings: list[str] = []
            for part in reader.package.findall(SHARED_STRINGS):
                with reader.archive.open(str(part.PartName).lstrip("/")) as source:
                    strings = _shared_strings(source)
            with reader.archive.open(path) as source:
                yield from _sheet_xml_rows(
                    source,
                    strings,
                    frozenset(state["_date_formats"]),
                    frozenset(state["_timedelta_formats"]),
                    reader.wb.epoch,
                )
        except Refused:
            raise
        except Exception:
            raise _damaged_workbook() from None


def _shared_strings(source: IO[bytes]) -> list[str]:
    """The workbook's shared strings: plain text of each item, formatting runs joined,
    phonetic guides left out."""
    strings: list[str] = []
    for _, element in iterparse(source, events=("end",)):
        if element.tag == _SHARED_ITEM:
            strings.append(_plain_text(element))
            element.clear()
    return strings


def _plain_text(item: Element) -> str:
    """The text of a string item (`<si>` or `<is>`): its `<t>`, or its runs' `<t>`s."""
    plain = item.find(_TEXT)
    if plain is not None:
        text = plain.text or ""
    else:
        text = "".join(t.text or "" for t in item.iterfind(f"{_RUN}/{_TEXT}"))
    return _unescaped(text)


def _unescaped(text: str) -> str:
    """OOXML writes characters XML cannot hold as _xHHHH_ (and a literal `_x` as _x005F_x)."""
    if "_x" in text:
        return _ESCAPED.sub(lambda match: chr(int(match[1], 16)), text)
    return text


def _sheet_xml_rows(
    source: IO[bytes],
    strings: list[str],
    date_styles: frozenset[int],
    duration_styles: frozenset[int],
    epoch: datetime,
) -> Generator[_RawRow, None, None]:
    """Rows as (number, cells). Only end events are asked for (half the work of start and
    end); each row is cleared once read, so what stays behind is one empty element per row.
    Shared strings and plain numbers, nearly every cell, take the short way."""
    reader = _CellReader(strings, date_styles, duration_styles, epoch)
    positions: dict[str, int] = {}
    number = 0
    try:
        for _, element in iterparse(source, events=("end",)):
            tag = element.tag
            if tag != _ROW:
                if tag == _SHEET_DATA:
                    return  # what follows the data (merges, validations, ...) is not needed
                continue
            given = int(element.get("r") or number + 1)
            if not number < given <= EXCEL_ROWS:
                # Rows come in order and within Excel's sheet: anything else is not a sheet a
                # spreadsheet program saved (and would let empty rows go on without end).
                raise _damaged_workbook()
            number = given
            cells: list[object] = []
            position = -1
            for cell in element:
                if cell.tag != _CELL:
                    continue
                reference = cell.get("r")
                if reference:
                    letters = reference.rstrip(_ROW_DIGITS)
                    found = positions.get(letters)
                    if found is None:
                        found = positions[letters] = _position(letters)
                    position = found
                else:
                    position += 1
                kind = cell.get("t")
                value: object
                if kind == "inlineStr":  # what openpyxl writes, so this service's exports
                    inline = cell.find(_INLINE)
                    plain = None if inline is None else inline.find(_TEXT)
                    value = _unescaped(plain.text or "") if plain is not None else None
                    if value is None:
                        value = reader.value(cell, kind, None)
                        if value is None:
                            continue
                    if position >= len(cells):
                        cells.extend([None] * (position + 1 - len(cells)))
                    cells[position] = value
                    continue
                text = cell.findtext(_VALUE)
                if text and kind == "s":
                    value = strings[int(text)]
                elif text and kind is None and cell.get("s") is None:
                    is_float = "." in text or "E" in text or "e" in text
                    value = float(text) if is_float else int(text)
                else:
                    value = reader.value(cell, kind or "n", text)
                    if value is None:
                        continue
                    if type(value) is _Uncached:
                        value = _Uncached(f"{column_letter(position)}{number}")
                if position >= len(cells):
                    cells.extend([None] * (position + 1 - len(cells)))
                cells[position] = value
            element.clear()
            yield number, cells
    except (ParseError, ValueError, IndexError):
        raise _damaged_workbook() from None


_ROW_DIGITS = "0123456789"


def _position(letters: str) -> int:
    """`AB` -> 27 (0-based column)."""
    number = 0
    for char in letters.upper():
        if not "A" <= char <= "Z":
            raise ValueError(letters)
        number = number * 26 + ord(char) - 64
    return number - 1


class _CellReader:
    """Every kind of cell the short ways in _sheet_xml_rows do not take."""

    def __init__(
        self,
        strings: list[str],
        date_styles: frozenset[int],
        duration_styles: frozenset[int],
        epoch: datetime,
    ) -> None:
        from openpyxl.utils.datetime import from_excel

        self.from_excel = from_excel
        self.strings = strings
        self.date_styles = frozenset(str(style) for style in date_styles)
        self.duration_styles = frozenset(str(style) for style in duration_styles)
        self.epoch = epoch

    def value(self, cell: Element, kind: str, text: str | None) -> object:
        if kind == "inlineStr":
            inline = cell.find(_INLINE)
            return None if inline is None else _plain_text(inline)
        if text is None or (not text and kind == "n"):
            # No stored result: `<v/>` is what openpyxl writes under a formula; a formula
            # whose text result is empty is stored as t="str" with an empty <v>: empty.
            return None if cell.find(_FORMULA) is None else _Uncached("")
        if kind == "s":
            return self.strings[int(text)]
        if kind == "str":
            return text
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "e":
            return _ErrorResult(text)
        if kind == "d":
            try:
                return datetime.fromisoformat(text)
            except ValueError:
                return text
        number = float(text) if "." in text or "E" in text or "e" in text else int(text)
        style = cell.get("s")
        if style in self.date_styles:
            try:
                duration = style in self.duration_styles
                return self.from_excel(number, self.epoch, timedelta=duration)
            except (OverflowError, ValueError):
                return number
        return number


# ---------------------------------------------------------------------------------- CSV


def _csv_rows(content: bytes) -> Generator[_RawRow, None, None]:
    """The records of a UTF-8 CSV file, delimited by `,` or `;` (sniffed from the header),
    numbered as a spreadsheet shows them (a quoted line break does not start a row)."""
    head = content[:_SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Refused(
            "This file is UTF-16 text (Excel's 'Unicode Text'). Save it with File > Save As > "
            "'CSV UTF-8 (Comma delimited)' and send that.",
            "Tệp này là văn bản UTF-16 ('Unicode Text' của Excel). Hãy lưu bằng File > Save As "
            "> 'CSV UTF-8 (Comma delimited)' rồi gửi tệp đó.",
        )
    if sum(byte in _BINARY_BYTES for byte in head) > len(head) // 200:
        raise Refused(
            "This file is neither an Excel workbook (.xlsx) nor a CSV text file. Send the "
            "register as .xlsx or as CSV UTF-8.",
            "Tệp này không phải sổ tính Excel (.xlsx) cũng không phải tệp văn bản CSV. Hãy gửi "
            "sổ dạng .xlsx hoặc CSV UTF-8.",
        )
    stream = TextIOWrapper(BytesIO(content), encoding="utf-8-sig", newline="")
    try:
        first_line = stream.readline()
        delimiter = _excel_separator(first_line)
        if delimiter is None:
            delimiter = _delimiter(first_line)
            stream.seek(0)
        reader = csv.reader(stream, delimiter=delimiter, strict=False)
        for number, record in enumerate(reader, start=1):
            yield number, list(record)
    except UnicodeDecodeError as error:
        raise _not_utf8(content, error) from None
    except csv.Error as error:
        raise Refused(
            f"The CSV file cannot be read near line {reader.line_num}: {error}.",
            f"Không đọc được tệp CSV ở khoảng dòng {reader.line_num}: {error}.",
        ) from None


def _excel_separator(line: str) -> str | None:
    """Excel honours a first line `sep=;`; so do we, and it is not a row."""
    text = line.strip().strip('"')
    if text.lower().startswith("sep=") and len(text) == 5:
        if text[4] in ",;":
            return text[4]
        raise _bad_delimiter(text[4])
    return None


def _delimiter(header: str) -> str:
    """`,` or `;`, whichever the header line uses outside quotes; tabs or `|` are refused."""
    counts: dict[str, int] = {",": 0, ";": 0, "\t": 0, "|": 0}
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda char: (counts[char], char in ",;", char == ","))
    if counts[best] and best not in ",;":
        raise _bad_delimiter(best)
    return best if counts[best] else ","


def _bad_delimiter(char: str) -> Refused:
    name, name_vi = {"\t": ("tabs", "dấu tab"), "|": ("'|'", "dấu '|'")}.get(
        char, (repr(char), repr(char))
    )
    return Refused(
        f"The CSV file separates columns with {name}; use commas or semicolons (Excel: File > "
        "Save As > 'CSV UTF-8 (Comma delimited)').",
        f"Tệp CSV phân cách cột bằng {name_vi}; hãy dùng dấu phẩy hoặc chấm phẩy (Excel: File "
        "> Save As > 'CSV UTF-8 (Comma delimited)').",
    )


def _not_utf8(content: bytes, error: UnicodeDecodeError) -> Refused:
    try:
        content.decode("utf-8-sig")
        line = None
    except UnicodeDecodeError as exact:
        line = content.count(b"\n", 0, exact.start) + 1
    where = f" (line {line})" if line else ""
    where_vi = f" (dòng {line})" if line else ""
    return Refused(
        f"The CSV file is not UTF-8{where}: it was probably saved as Windows-1258 or "
        "Windows-1252, which garbles Vietnamese letters. In Excel choose File > Save As > "
        "'CSV UTF-8 (Comma delimited)' and send that file.",
        f"Tệp CSV không phải mã UTF-8{where_vi}: có lẽ được lưu theo Windows-1258 hoặc "
        "Windows-1252, làm hỏng chữ tiếng Việt. Trong Excel hãy chọn File > Save As > "
        "'CSV UTF-8 (Comma delimited)' rồi gửi tệp đó.",
    )
