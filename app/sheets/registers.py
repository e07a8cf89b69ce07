"""The registers (zones, projects, clearance records) as files people edit and send back: the
list exports and the import template, both in the layout of app.sheets.layout.

Sheet `data` has one header row of field names and the data from row 2, which is what the
importer reads; an export has every column of the layout, the template all but the read-only
ones and one example row. Both carry sheet `instructions` (each column explained in Vietnamese
and English) and a hidden sheet `lists` that the drop-downs of the enumerated columns read
(the 249 country codes are too long for a list written into the validation itself).
"""

from collections.abc import Iterable, Mapping, Sequence
from enum import Enum

from app.sheets.layout import NATURAL_KEYS, Column, Entity, Kind, columns
from app.sheets.styles import Style
from app.sheets.writing import (
    DropDown,
    Separator,
    Sheet,
    SheetColumn,
    column_letter,
    csv_bytes,
    xlsx_bytes,
)

DATA_SHEET = "data"
INSTRUCTIONS_SHEET = "instructions"
LISTS_SHEET = "lists"
# Empty rows below the data that keep the drop-downs, for rows people add.
BLANK_ROWS = 1000
# A list of choices this long or shorter is spelled out in the instructions.
SPELLED_OUT = 12

KIND_STYLES: dict[Kind, Style] = {
    Kind.TEXT: Style.TEXT,
    Kind.NOTE: Style.TEXT,
    Kind.CODE: Style.TEXT,
    Kind.CHOICE: Style.TEXT,
    Kind.AREA: Style.AREA,
    Kind.DECIMAL: Style.MONEY_CENTS,
    Kind.INTEGER: Style.COUNT,
    Kind.COORDINATE: Style.COORDINATE,
    Kind.DATE: Style.DATE,
}

Record = Mapping[str, object]


def column_style(column: Column) -> Style:
    """A record's id is a name, not a quantity: no thousands separator."""
    return Style.ID if column.name == "id" else KIND_STYLES[column.kind]


def export_columns(entity: Entity) -> tuple[Column, ...]:
    return columns(entity)


def template_columns(entity: Entity) -> tuple[Column, ...]:
    """What the importer takes: the read-only columns are the API's to set."""
    return tuple(column for column in columns(entity) if not column.read_only)


def values(layout: Sequence[Column], record: Record) -> list[object]:
    """A record's cells in layout order; enumerations as their values."""
    cells = []
    for column in layout:
        value = record.get(column.name)
        cells.append(value.value if isinstance(value, Enum) else value)
    return cells


def export_csv(entity: Entity, records: Iterable[Record], *, sep: Separator = ",") -> bytes:
    layout = export_columns(entity)
    return csv_bytes(
        [column.name for column in layout], (values(layout, r) for r in records), sep=sep
    )


def export_xlsx(entity: Entity, records: Iterable[Record]) -> bytes:
    layout = export_columns(entity)
    return _workbook(entity, layout, [values(layout, r) for r in records])


def template_xlsx(entity: Entity) -> bytes:
    layout = template_columns(entity)
    return _workbook(entity, layout, [[column.example for column in layout]])


def _workbook(entity: Entity, layout: Sequence[Column], rows: list[list[object]]) -> bytes:
    choices = [(index, column) for index, column in enumerate(layout) if column.choices]
    drop_downs = [
        DropDown(
            column=index,
            source=_list_range(position, len(column.choices)),
            message=f"Chọn trong danh sách của cột {column.name} / "
            f"Pick one of the list of {column.name}",
        )
        for position, (index, column) in enumerate(choices)
    ]
    data = Sheet(
        DATA_SHEET,
        [SheetColumn(column.name, column_style(column), (column.name,)) for column in layout],
        rows,
        drop_downs=drop_downs,
        blank_rows=BLANK_ROWS,
    )
    longest = max((len(column.choices) for _, column in choices), default=0)
    lists = Sheet(
        LISTS_SHEET,
        [SheetColumn(column.name, Style.TEXT, (column.name,)) for _, column in choices],
        [
            [column.choices[n] if n < len(column.choices) else None for _, column in choices]
            for n in range(longest)
        ],
        table=False,
        hidden=True,
    )
    # The drop-downs' lists, when the register has enumerated columns (clearance has none).
    return xlsx_bytes([data, instructions(entity, layout), *([lists] if choices else [])])


def _list_range(position: int, length: int) -> str:
    letter = column_letter(position)
    return f"{LISTS_SHEET}!${letter}$2:${letter}${length + 1}"


INSTRUCTION_COLUMNS = (
    ("field", "Cột", "Column"),
    ("label_vi", "Tên (tiếng Việt)", "Label (Vietnamese)"),
    ("label_en", "Tên (tiếng Anh)", "Label (English)"),
    ("required", "Bắt buộc", "Required"),
    ("allowed", "Giá trị cho phép", "Allowed values"),
    ("help_vi", "Hướng dẫn", "Help (Vietnamese)"),
    ("help_en", "Hướng dẫn (tiếng Anh)", "Help (English)"),
)
HELP_WIDTH = 70


def _required(column: Column) -> str:
    if column.read_only:
        return "chỉ đọc / read-only"
    return "có / yes" if column.required else "không / no"


def _allowed(column: Column) -> str:
    if not column.choices:
        return ""
    if len(column.choices) <= SPELLED_OUT:
        return ", ".join(column.choices)
    count = len(column.choices)
    return (
        f"{column.choices[0]} … {column.choices[-1]}: {count} giá trị, chọn trong danh sách "
        f"thả xuống / {count} values, pick from the drop-down"
    )


def guidance(entity: Entity) -> list[tuple[str, str, str]]:
    """General rules of the file, as (topic, Vietnamese, English)."""
    keys = NATURAL_KEYS[entity]
    key_vi = " hoặc ".join(keys)
    key_en = " or ".join(keys)
    return [
        (
            "data",
            "Nhập dữ liệu vào sheet data: dòng 1 là tên cột (giữ nguyên), mỗi dòng từ dòng 2 "
            "là một bản ghi. Cột được nhận ra theo tên, không theo thứ tự.",
            "Enter the data on sheet data: row 1 holds the column names (keep them), each row "
            "from row 2 is one record. Columns are found by their names, not their order.",
        ),
        (
            "số / numbers",
            "Số viết 12,5 hoặc 12.5; diện tích tính bằng ha, tối đa 4 chữ số thập phân.",
            "Numbers as 12,5 or 12.5; areas in hectares, up to 4 decimal places.",
        ),
        (
            "ngày / dates",
            "Ngày là ô kiểu ngày, hoặc viết DD/MM/YYYY (hoặc YYYY-MM-DD).",
            "Dates as date cells, or written DD/MM/YYYY (or YYYY-MM-DD).",
        ),
        (
            "ô trống / empty",
            "Ô để trống nghĩa là không có giá trị (null), hoặc giá trị mặc định nêu trong "
            "hướng dẫn của cột.",
            "An empty cell means no value (null), or the default its column's help names.",
        ),
        (
            "khớp dòng / matching",
            f"Dòng được nhận ra theo {key_vi}: dòng đã có thì được cập nhật, dòng chưa có "
            "thì được thêm mới.",
            f"Rows are matched to stored records by {key_en}: a stored one is updated, a new "
            "one is added.",
        ),
    ]


def instructions(entity: Entity, layout: Sequence[Column]) -> Sheet:
    rows: list[list[object]] = [
        [
            column.name,
            column.label_vi,
            column.label_en,
            _required(column),
            _allowed(column),
            column.help_vi,
            column.help_en,
        ]
        for column in layout
    ]
    rows.append([None] * len(INSTRUCTION_COLUMNS))
    rows += [[topic, None, None, None, None, vi, en] for topic, vi, en in guidance(entity)]
    return Sheet(
        INSTRUCTIONS_SHEET,
        [SheetColumn(name, Style.TEXT, (f"{vi} / {en}",)) for name, vi, en in INSTRUCTION_COLUMNS],
        rows,
        table=False,
        wrap=True,
        max_width=HELP_WIDTH,
    )
