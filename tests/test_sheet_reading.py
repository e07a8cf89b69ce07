"""Reading whole files (app/sheets/reading.py): real workbooks built with openpyxl or by hand
(shared strings, cached formula results, lying dimensions), CSV in the encodings and
delimiters staff produce, and every kind of file that must be refused with a clear message
instead of an exception. No database."""

import io
import struct
import tracemalloc
import zipfile
from contextlib import contextmanager
from dataclasses import FrozenInstanceError
from datetime import date, datetime
from decimal import Decimal as D
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook

from app.sheets import archive, reading
from app.sheets.archive import MAX_MEMBERS, MAX_RATIO
from app.sheets.headers import ROW_NUMBER_HEADERS, names
from app.sheets.layout import Entity, columns
from app.sheets.reading import (
    CSV_MEDIA_TYPE,
    MAX_ROWS,
    XLSX_MEDIA_TYPE,
    CellError,
    Refused,
    Row,
    read_sheet,
)

OCTET = "application/octet-stream"
CLEARANCE = Entity.CLEARANCE
PROJECTS = Entity.PROJECTS
HEADER = ["zone_code", "recorded_on", "cleared_ha", "households_total", "note"]


def workbook(*rows: list[object], title: str = "data", before: tuple[str, ...] = ()) -> bytes:
    """An XLSX file as openpyxl writes it (inline strings, formulas without results)."""
    book = Workbook()
    first = book.active
    assert first is not None
    for name in before:
        other = book.create_sheet(name, 0)
        other.append(["nothing", "to", "see"])
    first.title = title
    for row in rows:
        first.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(parts: dict[str, bytes], level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def patched(content: bytes, name: str, old: bytes, new: bytes) -> bytes:
    parts = members(content)
    assert old in parts[name], parts[name]
    parts[name] = parts[name].replace(old, new)
    return rezip(parts)


def refusal(content: bytes, media_type: str = XLSX_MEDIA_TYPE, entity: Entity = CLEARANCE):
    with pytest.raises(Refused) as caught:
        read_sheet(content, media_type, entity)
    refused = caught.value
    assert refused.message and refused.message_vi and refused.message != refused.message_vi
    assert str(refused) == refused.message
    return refused


# ---------------------------------------------------------------- hand-made Excel-like files

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def excel_like(
    sheet_data: str,
    strings: list[str],
    *,
    dimension: str = "",
    name: str = "data",
    shared: str | None = None,
    properties: str = "",
) -> bytes:
    """A workbook as Excel saves it: shared strings (or the `<si>` items given as XML), style 1
    a date format (numFmtId 14), a sheet whose <sheetData> is given."""
    if shared is None:
        shared = "".join(f"<si><t xml:space='preserve'>{escape(s)}</t></si>" for s in strings)
    return rezip(
        {
            "[Content_Types].xml": (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
                '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
                f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
                f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>'
                f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
                "</Types>"
            ).encode(),
            "_rels/.rels": (
                f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ).encode(),
            "xl/workbook.xml": (
                f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}">{properties}<sheets>'
                f'<sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ).encode(),
            "xl/_rels/workbook.xml.rels": (
                f'<Relationships xmlns="{RELS}">'
                f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
                f'<Relationship Id="rId2" Type="{DOC}/styles" Target="styles.xml"/>'
                f'<Relationship Id="rId3" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
                "</Relationships>"
            ).encode(),
            "xl/styles.xml": (
                f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts>'
                '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
                '<cellXfs count="2"><xf numFmtId="0" xfId="0"/>'
                '<xf numFmtId="14" xfId="0" applyNumberFormat="1"/></cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
                "</cellStyles></styleSheet>"
            ).encode(),
            "xl/sharedStrings.xml": (
                f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
                f"{shared}</sst>"
            ).encode(),
            "xl/worksheets/sheet1.xml": (
                f'<worksheet xmlns="{MAIN}">{dimension}<sheetData>{sheet_data}</sheetData>'
                "</worksheet>"
            ).encode(),
        }
    )


class Cells:
    """Writes rows of cells as Excel does, collecting the shared strings."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.index: dict[str, int] = {}

    def cell(self, ref: str, value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, str) and value.startswith("<"):
            return f'<c r="{ref}" {value[1:]}'  # raw XML after the reference: '<t="e"><v>..'
        if isinstance(value, str):
            if value not in self.index:
                self.index[value] = len(self.strings)
                self.strings.append(value)
            return f'<c r="{ref}" t="s"><v>{self.index[value]}</v></c>'
        if isinstance(value, date):
            serial = (value - date(1899, 12, 30)).days
            return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
        return f'<c r="{ref}"><v>{value}</v></c>'

    def row(self, number: int, values: list[object]) -> str:
        cells = "".join(
            self.cell(f"{chr(ord('A') + position)}{number}", value)
            for position, value in enumerate(values)
        )
        return f'<row r="{number}">{cells}</row>'


def excel(rows: dict[int, list[object]], dimension: str = "") -> bytes:
    writer = Cells()
    data = "".join(writer.row(number, values) for number, values in sorted(rows.items()))
    return excel_like(data, writer.strings, dimension=dimension)


# ------------------------------------------------------------------------------ workbooks


def test_a_workbook_reads_into_typed_rows_with_spreadsheet_row_numbers():
    content = workbook(
        HEADER,
        ["ccn-dong-tam", date(2024, 6, 14), 52.3, 120, "đợt 2\nchi trả"],
        [None, None, None, None, None],  # an empty row: skipped, but it keeps its number
        ["KCN-A", "14/06/2024", "1.234,5", "1.000", None],
        ["KCN-B", datetime(2024, 6, 14), 7, 12.0, "  "],
    )
    sheet = read_sheet(content, XLSX_MEDIA_TYPE, CLEARANCE)
    assert sheet.columns == tuple(HEADER)
    assert sheet.errors == []
    assert sheet.rows == [
        Row(
            2,
            {
                "zone_code": "CCN-DONG-TAM",
                "recorded_on": date(2024, 6, 14),
                "cleared_ha": D("52.3"),
                "households_total": 120,
                "note": "đợt 2\nchi trả",
            },
        ),
        Row(
            4,
            {
                "zone_code": "KCN-A",
                "recorded_on": date(2024, 6, 14),
                "cleared_ha": D("1234.5"),
                "households_total": 1000,
                "note": None,
            },
        ),
        Row(
            5,
            {
                "zone_code": "KCN-B",
                "recorded_on": date(2024, 6, 14),
                "cleared_ha": D("7"),
                "households_total": 12,
                "note": None,
            },
        ),
    ]
    assert str(sheet.rows[0].values["cleared_ha"]) == "52.3"


def test_every_cell_error_is_reported_and_the_row_keeps_its_other_values():
    content = workbook(
        HEADER,
        ["KCN-A", "31/02/2024", "0,1,5", "abc", None],
        ["KCN-B", "2024-13-01", "12 ha", 12.5, None],
        ["KCN-C", 45352, date(2024, 5, 12), "1.5", None],
    )
    sheet = read_sheet(content, XLSX_MEDIA_TYPE, CLEARANCE)
    found = [(e.row, e.column, e.value) for e in sheet.errors]
    assert found == [
        (2, "recorded_on", "31/02/2024"),
        (2, "cleared_ha", "0,1,5"),
        (2, "households_total", "abc"),
        (3, "recorded_on", "2024-13-01"),
        (3, "cleared_ha", "12 ha"),
        (3, "households_total", "12.5"),
        (4, "recorded_on", "45352"),
        (4, "cleared_ha", "2024-05-12"),
        (4, "households_total", "1.5"),
    ]
    messages = {(e.row, e.column): e.message for e in sheet.errors}
    assert "February 2024 has 29 days" in messages[(2, "recorded_on")]
    assert "more than one decimal comma" in messages[(2, "cleared_ha")]
    assert "no month 13" in messages[(3, "recorded_on")]
    assert "unit" in messages[(3, "cleared_ha")]
    assert "number where a date belongs" in messages[(4, "recorded_on")]
    assert "date cell where a number belongs" in messages[(4, "cleared_ha")]
    assert all(e.message_vi and e.message_vi != e.message for e in sheet.errors)
    # Rows with errors are still listed, without the bad cells.
    assert [row.number for row in sheet.rows] == [2, 3, 4]
    assert sheet.rows[0].values == {"zone_code": "KCN-A", "note": None}


def test_the_data_sheet_is_read_even_when_it_is_not_the_first():
    content = workbook(HEADER, ["KCN-A", "2024-06-14", 1, None, None], before=("Hướng dẫn",))
    sheet = read_sheet(content, XLSX_MEDIA_TYPE, CLEARANCE)
    assert [row.values["zone_code"] for row in sheet.rows] == ["KCN-A"]


def test_without_a_data_sheet_the_first_sheet_is_read():
    content = workbook(HEADER, ["KCN-A", "2024-06-14", 1, None, None], title="Sheet1")
    assert read_sheet(content, XLSX_MEDIA_TYPE, CLEARANCE).rows[0].number == 2
    content = workbook(HEADER, title="Sheet1", before=("Khác",))
    assert "unknown columns" in refusal(content).message  # the first sheet, not Sheet1


def test_an_excel_saved_workbook_with_shared_strings_and_date_styles():
    content = excel(
        {
            1: ["Mã khu/cụm", "Ngày số liệu", "Đã GPMB lũy kế (ha)", "Tổng số hộ"],
            2: ["ccn-a", date(2024, 6, 14), 40.25, 120],
            3: ["CCN-B", date(2024, 1, 31), "0,5", None],
        }
    )
    sheet = read_sheet(content, XLSX_MEDIA_TYPE, CLEARANCE)
    assert sheet.columns == ("zone_code", "recorded_on", "cleared_ha", "households_total")
    assert sheet.rows == [
        Row(
            2,
            {
                "zone_code": "CCN-A",
                "recorded_on": date(2024, 6, 14),
                "cleared_ha": D("40.25"),
                "households_total": 120,
            },
        ),
        Row(
            3,
            {
                "zone_code": "CCN-B",
                "recorded_on": date(2024, 1, 31),
                "cleared_ha": D("0.5"),
                "households_total": None,
            },
        ),
    ]


def test_shared_strings_with_formatting_runs_phonetics_and_escapes():
    shared = (
        "<si><t>zone_code</t></si><si><t>recorded_on</t></si><si><t>cleared_ha</t></si>"
        "<si><t>note</t></si>"
        "<si><r><rPr><b/></rPr><t>KCN-</t></r><r><t>A</t></r><rPh sb='0' eb='1'><t>x</t></rPh></si>"
        "<si><t>dòng 1_x000D_\ndòng 2 _x005F_x0041_</t></si>"
    )
    data = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" s="1"><v>45457</v></c>'
        '<c r="C2"><v>1</v></c><c r="D2" t="s"><v>5</v></c></row>'
    )
    sheet = read_sheet(excel_like(data, [], shared=shared), XLSX_MEDIA_TYPE, CLEARANCE)
    assert sheet.rows == [
        Row(
            2,
            {
                "zone_code": "KCN-A",
                "recorded_on": date(2024, 6, 14),
                "cleared_ha": D(1),
                "note": "dòng 1\r\ndòng 2 _x0041_",
            },
        )
    ]


def test_dates_of_a_workbook_counting_from_1904():
    """Excel for Mac's old default: serial 0 is 1904-01-01, so 43995 (45457 in the 1900 system) is 2024-06-14."""
    writer = Cells()
    data = writer.row(1, HEADER[:3]) + '<row r="2">' + writer.cell("A2", "KCN-A")
    data += '<c r="B2" s="1"><v>43995</v></c><c r="C2"><v>1</v></c></row>'
    content = excel_like(data, writer.strings, properties='<workbookPr date1904="1"/>')
    sheet = read_sheet(content, XLSX_MEDIA_TYPE, CLEARANCE)
    assert sheet.rows[0].values["recorded_on"] == date(2024, 6, 14)


def test_formulas_with_cached_results_read_their_results():
    content = excel(
        {
            1: HEADER,
            2: [
                "KCN-A",
                "<><f>DATE(2024,6,14)</f><v>45457</v></c>",
                "<><f>B5*2</f><v>52.3</v></c>",
            ],
            3: ["KCN-B", "2024-06-14", 1, "<><f>A1</f><v>7</v></c>"],
            4: ['<t="str"><f>UPPER("kcn-c")</f><v>KCN-C</v></c>', "2024-06-14", 2],
            5: ["KCN-D", "2024-06-14", 3, None, '<t="str"><f>IF(1,"","x")</f><v></v></c>'],
        }
    )
    # Cell B2's result is a plain number without a date style: Excel would show 45457.
    sheet = read_sheet(content, XLSX_MEDIA_TYPE, CLEARANCE)
    assert [(e.row, e.column) for e in sheet.errors] == [(2, "recorded_on")]
    assert sheet.rows[0].values["cleared_ha"] == D("52.3")
    assert sheet.rows[1].values["households_total"] == 7
    assert sheet.rows[2].values["zone_code"] == "KCN-C"
    assert sheet.rows[3].values["note"] is None  # a formula whose result is empty text


def test_formulas_with_cached_results_in_an_openpyxl_file_patched_to_store_them():
    content = workbook(HEADER, ["KCN-A", "2024-06-14", "=1+2", None, None])
    content = patched(
        content, "xl/worksheets/sheet1.xml", b"<f>1+2</f><v />", b"<f>1+2</f><v>3</v>"
    )
    assert read_sheet(content, XLSX_MEDIA_TYPE, CLEARANCE).rows[0].values["cleared_ha"] == D(3)


def test_formulas_without_stored_results_refuse_the_file_listing_the_cells():
    content = workbook(
        ["STT", *HEADER],
        ["=ROW()-1", "KCN-A", "2024-06-14", "=1+2", None, None],
        ["=ROW()-1", "KCN-B", "2024-06-14", 4, "=D3*10", None],
    )
    refused = refusal(content)
    # The row-number column is ignored, formulas and all; the others are listed.
    assert "D2, E3" in refused.message and "D2, E3" in refused.message_vi
    assert "A2" not in refused.message
    assert "save it so the results are stored" in refused.message
    assert "paste the values" in refused.message


def test_many_formulas_without_results_are_counted_not_all_listed():
    content = workbook(HEADER, *[["KCN-A", "2024-06-14", f"={n}+1", None, None] for n in range(25)])
    refused = refusal(content)
    assert "C2, C3" in refused.message and "and 15 more" in refused.message
    assert "C12" not in refused.message


def test_a_formula_error_result_is_a_cell_error():
    content = excel({1: HEADER, 2: ["KCN-A", "2024-06-14", '<t="e"><f>1/0</f><v>#DIV/0!</v></c>']})
    sheet = read_sheet(content, XLSX_MEDIA_TYPE, CLEARANCE)
    assert [(e.row, e.column, e.value) for e in sheet.errors] == [(2, "cleared_ha", "#DIV/0!")]
    assert "#DIV/0!" in sheet.errors[0].message and "#DIV/0!" in sheet.errors[0].message_vi


def test_a_sheet_whose_declared_dimension_is_wrong_is_read_whole():
    rows = {1: HEADER, **{n: [f"KCN-{n}", "2024-06-14", n] for n in range(2, 30)}}
    content = excel(rows, dimension='<dimension ref="A1:B2"/>')
    sheet = read_sheet(content, XLSX_MEDIA_TYPE, CLEARANCE)
    assert [row.number for row in sheet.rows] == list(range(2, 30))
    assert all(row.values["cleared_ha"] == row.number for row in sheet.rows)


def test_an_openpyxl_file_whose_dimension_lies_is_read_whole():
    content = workbook(HEADER, *[[f"KCN-{n}", "2024-06-14", n, None, None] for n in range(10)])
    content = patched(
        content, "xl/worksheets/sheet1.xml", b'<dimension ref="A1:E11"', b'<dimension ref="A1"'
    )
    assert len(read_sheet(content, XLSX_MEDIA_TYPE, CLEARANCE).rows) == 10


INLINE_HEADER = "".join(
    f'<c r="{letter}1" t="inlineStr"><is><t>{name}</t></is></c>'
    for letter, name in zip("ABC", HEADER, strict=False)
)


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="2"><c r="A2"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>',
        '<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>',
        '<row r="1048577"><c r="A1048577"><v>1</v></c></row>',
        '<row r="x"><c r="A2"><v>1</v></c></row>',
    ],
)
def test_rows_out_of_order_or_beyond_excel_are_refused(rows):
    content = excel_like(f'<row r="1">{INLINE_HEADER}</row>{rows}', [])
    assert "damaged" in refusal(content).message


def test_cells_without_references_are_placed_by_order():
    data = (
        '<row><c t="inlineStr"><is><t>zone_code</t></is></c><c t="inlineStr"><is><t>recorded_on'
        '</t></is></c><c t="inlineStr"><is><t>cleared_ha</t></is></c></row>'
        '<row><c t="inlineStr"><is><t>KCN-A</t></is></c><c t="inlineStr"><is><r><t>2024-</t></r>'
        "<r><t>06-14</t></r></is></c><c><v>2.5</v></c></row>"
    )
    sheet = read_sheet(excel_like(data, []), XLSX_MEDIA_TYPE, CLEARANCE)
    assert sheet.rows == [
        Row(2, {"zone_code": "KCN-A", "recorded_on": date(2024, 6, 14), "cleared_ha": D("2.5")})
    ]


def test_a_sheet_with_no_rows_is_refused():
    refused = refusal(workbook())
    assert "no rows" in refused.message


def test_a_header_below_row_1_is_refused():
    content = excel({3: HEADER, 4: ["KCN-A", "2024-06-14", 1]})
    assert "Row 1 is empty" in refusal(content).message
    content = workbook([None, None], HEADER)
    assert "Row 1 is empty" in refusal(content).message


def test_a_header_alone_gives_no_rows():
    sheet = read_sheet(workbook(HEADER), XLSX_MEDIA_TYPE, CLEARANCE)
    assert sheet.rows == [] and sheet.errors == [] and sheet.columns == tuple(HEADER)


def test_rows_with_only_the_row_number_filled_in_are_empty():
    content = workbook(["STT", *HEADER], [1, "KCN-A", "2024-06-14", 1], [2], [3, None, " "])
    assert [row.number for row in read_sheet(content, XLSX_MEDIA_TYPE, CLEARANCE).rows] == [2]


# -------------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    "header",
    [
        ["zone_code", "recorded_on", "cleared_ha"],
        ["Mã khu/cụm", "Ngày số liệu", "Đã GPMB lũy kế (ha)"],
        ["MÃ KHU/CỤM", "ngày số liệu", "đã gpmb lũy kế (HA)"],
        ["Ma khu/cum", "Ngay so lieu", "Da GPMB luy ke (ha)"],  # typed without accents
        ["Zone code", "Recorded on", "Cleared (ha)"],
        ["ZONE CODE *", " recorded  on ", "Cleared (ha)*"],
        ["zone code", "Recorded_On", "cleared ha"],
        ["STT", "zone_code", "recorded_on", "cleared_ha"],
        ["TT", "zone_code", "recorded_on", "cleared_ha"],
        ["No.", "zone_code", "recorded_on", "cleared_ha"],
        ["Số TT", "zone_code", "recorded_on", "cleared_ha"],
    ],
)
def test_header_variants(header):
    offset = len(header) - 3
    row = [7] * offset + ["KCN-A", "2024-06-14", "2,5"]
    sheet = read_sheet(workbook(header, row), XLSX_MEDIA_TYPE, CLEARANCE)
    assert sheet.columns == ("zone_code", "recorded_on", "cleared_ha")
    assert sheet.rows == [
        Row(2, {"zone_code": "KCN-A", "recorded_on": date(2024, 6, 14), "cleared_ha": D("2.5")})
    ]


@pytest.mark.parametrize("entity", list(Entity))
def test_every_spelling_names_one_column_only(entity):
    """A label shared by two columns of one register (or with the row-number column) would
    make headers ambiguous; this fails when layout.py gains such a label."""
    owners: dict[str, str] = {}
    for column in columns(entity):
        for spelling in names(column):
            assert owners.setdefault(spelling, column.name) == column.name, spelling
    assert not set(owners) & ROW_NUMBER_HEADERS


def test_columns_come_back_in_layout_order_whatever_the_file_order():
    content = workbook(["cleared_ha", "zone_code", "recorded_on"], ["1", "KCN-A", "2024-06-14"])
    sheet = read_sheet(content, XLSX_MEDIA_TYPE, CLEARANCE)
    assert sheet.columns == ("zone_code", "recorded_on", "cleared_ha")
    assert list(sheet.rows[0].values) == ["zone_code", "recorded_on", "cleared_ha"]


def test_read_only_columns_are_accepted_and_ignored():
    header = ["zone_code", "name", "investor", "investor_country", "leased_ha", "lease_start"]
    content = workbook(
        [*header, "terminated_on"], ["KCN-A", "X", "Y", "vn", 1, "2024-01-01", "not even a date"]
    )
    sheet = read_sheet(content, XLSX_MEDIA_TYPE, PROJECTS)
    assert sheet.columns == tuple(header)
    assert "terminated_on" not in sheet.rows[0].values
    assert sheet.errors == []


def test_missing_duplicated_and_unknown_columns_are_all_named_at_once():
    content = workbook(["zone_code", "Mã khu/cụm", "Ghi chú", "Diện tích", "STT"])
    refused = refusal(content)
    message, message_vi = refused.message, refused.message_vi
    assert "required columns missing" in message
    assert "recorded_on (Ngày số liệu / Recorded on)" in message
    assert "cleared_ha (Đã GPMB lũy kế (ha) / Cleared (ha))" in message
    assert "columns given twice: zone_code (zone_code / Mã khu/cụm)" in message
    assert "unknown columns: 'Diện tích'; 'STT'" in message  # STT only counts first
    assert "thiếu cột bắt buộc" in message_vi and "cột bị lặp" in message_vi
    assert "cột không nhận ra" in message_vi


def test_a_wrong_register_is_refused_by_its_header():
    projects_header = [c.name for c in columns(PROJECTS) if not c.read_only]
    refused = refusal(workbook(projects_header), entity=CLEARANCE)
    assert "does not fit the clearance register" in refused.message


def test_values_under_a_column_without_a_name_refuse_the_file():
    content = workbook(
        [*HEADER[:3], None, "note"], ["KCN-A", "2024-06-14", 1, "lost?", None, None, "x"]
    )
    refused = refusal(content)
    assert "column D (row 2)" in refused.message and "column G (row 2)" in refused.message
    assert "cột D (dòng 2)" in refused.message_vi


# ------------------------------------------------------------------ files that are refused


def test_a_refusal_passes_through_with_blocks_and_stays_frozen():
    """contextlib sets __traceback__ on an exception leaving a generator-based with block (as
    FastAPI's dependencies with yield are): the refusal must arrive, not FrozenInstanceError."""

    @contextmanager
    def unit_of_work():
        yield

    with pytest.raises(Refused) as caught, unit_of_work():
        read_sheet(b"%PDF-1.4", OCTET, CLEARANCE)
    assert "PDF" in caught.value.message
    with pytest.raises(FrozenInstanceError):
        caught.value.message = "changed"  # type: ignore[misc]


def test_an_empty_body_is_refused():
    assert "empty" in refusal(b"", OCTET).message


def test_random_bytes_are_refused_whatever_they_claim():
    noise = bytes((n * 7919 + 13) % 256 for n in range(5000))
    for media_type in (XLSX_MEDIA_TYPE, CSV_MEDIA_TYPE, OCTET):
        refused = refusal(noise, media_type)
        assert "xlsx" in refused.message.lower()


def test_text_claimed_as_a_workbook_is_refused():
    assert "is not one" in refusal(b"zone_code,recorded_on\n", XLSX_MEDIA_TYPE).message


def test_a_pdf_is_refused():
    assert "PDF" in refusal(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", OCTET).message


def test_an_old_xls_or_an_encrypted_workbook_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    refused = refusal(ole, "application/vnd.ms-excel")
    assert ".xls" in refused.message and "password" in refused.message
    assert "mật khẩu" in refused.message_vi


def test_a_zip_that_is_not_a_workbook_is_refused():
    assert "not an Excel workbook" in refusal(rezip({"a.txt": b"hello"}), OCTET).message


def test_a_truncated_workbook_is_refused():
    content = workbook(HEADER, ["KCN-A", "2024-06-14", 1, None, None])
    assert "damaged" in refusal(content[: len(content) // 2]).message


def test_a_workbook_with_broken_xml_is_refused():
    content = workbook(HEADER, ["KCN-A", "2024-06-14", 1, None, None])
    content = patched(content, "xl/worksheets/sheet1.xml", b"</sheetData>", b"</sheetDat>")
    assert "cannot be read" in refusal(content).message


def test_a_workbook_without_a_worksheet_part_is_refused():
    parts = members(workbook(HEADER))
    del parts["xl/worksheets/sheet1.xml"]
    assert "no worksheet" in refusal(rezip(parts)).message


def test_a_macro_workbook_is_refused():
    parts = members(workbook(HEADER, ["KCN-A", "2024-06-14", 1, None, None]))
    with_vba = rezip({**parts, "xl/vbaProject.bin": b"\x00" * 64})
    assert "macros" in refusal(with_vba).message
    macro_type = parts["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
    )
    assert macro_type != parts["[Content_Types].xml"]
    refused = refusal(rezip({**parts, "[Content_Types].xml": macro_type}))
    assert "macros" in refused.message and "macro" in refused.message_vi


def test_a_binary_workbook_is_refused():
    parts = members(workbook(HEADER))
    assert ".xlsb" in refusal(rezip({**parts, "xl/workbook.bin": b"\x00"})).message


def _declare(content: bytes, name: str, size: int | None = None, flags: int | None = None) -> bytes:
    """Rewrite what the zip declares about one member, in its local header and its central
    directory entry, leaving the data alone."""
    data = bytearray(content)
    encoded = name.encode()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        local = archive.getinfo(name).header_offset
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(encoded)] != encoded:
        central = data.index(b"PK\x01\x02", central + 4)
    if size is not None:
        struct.pack_into("<I", data, local + 22, size)
        struct.pack_into("<I", data, central + 24, size)
    if flags is not None:
        struct.pack_into("<H", data, local + 6, flags)
        struct.pack_into("<H", data, central + 8, flags)
    return bytes(data)


def test_a_zip_bomb_is_refused_by_its_inflation_ratio():
    parts = members(workbook(HEADER))
    sheet = parts["xl/worksheets/sheet1.xml"]
    bomb = sheet.replace(b"</sheetData>", b"</sheetData>" + b" " * (40 * 1024 * 1024))
    content = rezip({**parts, "xl/worksheets/sheet1.xml": bomb}, level=9)
    assert len(content) < 200_000
    refused = refusal(content)
    assert "zip bomb" in refused.message and f"more than {MAX_RATIO} times" in refused.message


def test_a_zip_declaring_more_than_the_bound_is_refused_before_inflating():
    content = workbook(HEADER, ["KCN-A", "2024-06-14", 1, None, None])
    lying = _declare(content, "xl/worksheets/sheet1.xml", size=250 * 1024 * 1024)
    refused = refusal(lying)
    assert "more than 200 MiB" in refused.message


def test_a_member_inflating_beyond_its_declared_size_is_refused():
    parts = members(workbook(HEADER))
    big = parts["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", b"</sheetData>" + b"<!-- -->" * 50_000
    )
    content = rezip({**parts, "xl/worksheets/sheet1.xml": big}, level=9)
    lying = _declare(content, "xl/worksheets/sheet1.xml", size=1000)
    assert "damaged" in refusal(lying).message


def test_a_zip_of_too_many_members_is_refused_before_they_are_listed(monkeypatch):
    parts = members(workbook(HEADER))
    many = rezip({**parts, **{f"xl/media/{n}.bin": b"" for n in range(MAX_MEMBERS + 1)}}, level=1)
    count = len(parts) + MAX_MEMBERS + 1

    def listing(*args, **kwargs):
        raise AssertionError("the members were listed")

    monkeypatch.setattr(archive.zipfile, "ZipFile", listing)
    refused = refusal(many)
    assert f"holds {count:,} parts" in refused.message
    assert f"chứa {count:,} thành phần".replace(",", ".") in refused.message_vi


def test_a_zip64_archive_is_refused():
    content = bytearray(workbook(HEADER))
    end = content.rfind(b"PK\x05\x06")
    struct.pack_into("<H", content, end + 10, 0xFFFF)
    assert "ZIP64" in refusal(bytes(content)).message


def test_an_encrypted_zip_member_is_refused():
    content = workbook(HEADER)
    encrypted = _declare(content, "xl/worksheets/sheet1.xml", flags=0x1)
    assert "encrypted" in refusal(encrypted).message


# ---------------------------------------------------------------------------------- CSV


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding)


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (csv_bytes("zone_code,recorded_on,cleared_ha", 'kcn-a,14/06/2024,"2,5"'), CSV_MEDIA_TYPE),
        (
            csv_bytes("\ufeffzone_code;recorded_on;cleared_ha", "kcn-a;14/06/2024;2,5"),
            CSV_MEDIA_TYPE,
        ),
        (csv_bytes("Mã khu/cụm;Ngày số liệu;Cleared (ha)", "kcn-a;2024-06-14;2.5"), OCTET),
        (
            csv_bytes("sep=;", "zone_code;recorded_on;cleared_ha", "kcn-a;2024-06-14;2,5"),
            CSV_MEDIA_TYPE,
        ),
        (
            csv_bytes('"zone_code","recorded_on","cleared_ha"', '"kcn-a","2024-06-14","2.5"'),
            "text/csv; charset=utf-8",
        ),
        (
            csv_bytes("zone_code,recorded_on,cleared_ha", "kcn-a,2024-06-14,2.5", ""),
            "application/vnd.ms-excel",
        ),
        (b"zone_code,recorded_on,cleared_ha\rkcn-a,2024-06-14,2.5\r", CSV_MEDIA_TYPE),
        (b"zone_code,recorded_on,cleared_ha\nkcn-a,2024-06-14,2.5\n", CSV_MEDIA_TYPE),
    ],
)
def test_csv_habits(content, media_type):
    sheet = read_sheet(content, media_type, CLEARANCE)
    assert sheet.errors == []
    assert sheet.rows == [
        Row(2, {"zone_code": "KCN-A", "recorded_on": date(2024, 6, 14), "cleared_ha": D("2.5")})
    ]


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them():
    content = csv_bytes(
        "zone_code,recorded_on,cleared_ha,note",
        'KCN-A,2024-06-14,1,"two\nlines"',
        "",
        ",,,",
        "KCN-B,2024-06-14,abc,",
    )
    sheet = read_sheet(content, CSV_MEDIA_TYPE, CLEARANCE)
    assert [row.number for row in sheet.rows] == [2, 5]
    assert sheet.rows[0].values["note"] == "two\nlines"
    assert sheet.errors == [
        CellError(5, "cleared_ha", "abc", *_messages(sheet.errors[0])),
    ]


def _messages(error: CellError) -> tuple[str, str]:
    assert "not a number" in error.message
    return error.message, error.message_vi


def test_csv_text_neutralised_against_formulas_reads_without_the_apostrophe():
    content = csv_bytes(
        "zone_code,recorded_on,cleared_ha,note",
        "KCN-A,2024-06-14,'+5,'=SUM(A1:A2)",
        "KCN-B,2024-06-14,1,'@home",
        "KCN-C,2024-06-14,1,'-- dash",
        "KCN-D,2024-06-14,1,'quoted'",
    )
    sheet = read_sheet(content, CSV_MEDIA_TYPE, CLEARANCE)
    assert sheet.errors == []
    assert sheet.rows[0].values["cleared_ha"] == D(5)
    assert [row.values["note"] for row in sheet.rows] == [
        "=SUM(A1:A2)",
        "@home",
        "-- dash",
        "'quoted'",  # only an apostrophe before = + - @ is the exports' neutraliser
    ]


@pytest.mark.parametrize("encoding", ["cp1258", "cp1252"])
def test_a_csv_that_is_not_utf8_is_refused_with_the_fix(encoding):
    # Windows-1258 writes Vietnamese as base letters (ô, ê precomposed) plus combining tones.
    name = "Cu\u0323m công nghiê\u0323p" if encoding == "cp1258" else "Société"
    content = csv_bytes(
        "zone_code,recorded_on,cleared_ha,note", f"KCN-A,2024-06-14,1,{name}", encoding=encoding
    )
    refused = refusal(content, CSV_MEDIA_TYPE)
    assert "not UTF-8 (line 2)" in refused.message
    assert "CSV UTF-8" in refused.message and "CSV UTF-8" in refused.message_vi


def test_a_utf16_text_file_is_refused_with_the_fix():
    content = "zone_code\trecorded_on\n".encode("utf-16")
    assert "UTF-16" in refusal(content, OCTET).message


@pytest.mark.parametrize(
    ("header", "named"),
    [("zone_code\trecorded_on\tcleared_ha", "tabs"), ("zone_code|recorded_on|cleared_ha", "'|'")],
)
def test_a_csv_with_another_delimiter_is_refused(header, named):
    refused = refusal(csv_bytes(header, "KCN-A"), CSV_MEDIA_TYPE)
    assert f"separates columns with {named}" in refused.message


def test_a_csv_with_binary_content_is_refused():
    content = b"zone_code,recorded_on\n" + b"\x00\x01\x02" * 100
    assert "neither" in refusal(content, CSV_MEDIA_TYPE).message


def test_a_csv_header_only_gives_no_rows_and_a_blank_first_line_is_refused():
    assert read_sheet(csv_bytes(",".join(HEADER)), CSV_MEDIA_TYPE, CLEARANCE).rows == []
    assert "Row 1 is empty" in refusal(csv_bytes("", ",".join(HEADER)), CSV_MEDIA_TYPE).message


def test_a_workbook_sent_as_csv_or_octet_stream_is_read_as_a_workbook():
    content = workbook(HEADER, ["KCN-A", "2024-06-14", 1, None, None])
    for media_type in (CSV_MEDIA_TYPE, OCTET, ""):
        assert read_sheet(content, media_type, CLEARANCE).rows[0].values["zone_code"] == "KCN-A"


# ----------------------------------------------------------------------------- the limits


def _many(count: int) -> list[str]:
    return [f"KCN-{n % 97},2024-06-14,{n % 50},{n % 7}" for n in range(count)]


def test_fifty_thousand_rows_are_read():
    content = csv_bytes("zone_code,recorded_on,cleared_ha,households_total", *_many(MAX_ROWS))
    sheet = read_sheet(content, CSV_MEDIA_TYPE, CLEARANCE)
    assert len(sheet.rows) == MAX_ROWS == 50_000
    assert sheet.rows[-1].number == MAX_ROWS + 1


def test_the_fifty_thousand_and_first_row_refuses_and_nothing_after_it_is_read():
    # After row 50,001 (and 64 KiB more): bytes that are not UTF-8. Reading stops at the row
    # that breaks the limit, so the refusal is about rows, not the encoding.
    tail = "\r\n".join(_many(3000)).encode() + b"\r\n\xff\xfe broken"
    content = csv_bytes("zone_code,recorded_on,cleared_ha,households_total", *_many(MAX_ROWS + 1))
    refused = refusal(content + b"\r\n" + tail, CSV_MEDIA_TYPE)
    assert "more than 50,000 data rows" in refused.message
    assert "50.000" in refused.message_vi
    assert "UTF-8" in refusal(csv_bytes(",".join(HEADER), "x") + b"\xff", CSV_MEDIA_TYPE).message


def test_empty_rows_do_not_count_towards_the_limit():
    lines = [line for pair in zip(_many(MAX_ROWS), [""] * MAX_ROWS, strict=True) for line in pair]
    content = csv_bytes("zone_code,recorded_on,cleared_ha,households_total", *lines)
    sheet = read_sheet(content, CSV_MEDIA_TYPE, CLEARANCE)
    assert len(sheet.rows) == MAX_ROWS and sheet.rows[-1].number == 2 * MAX_ROWS


def test_a_file_of_errors_is_refused_as_the_wrong_file(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ERRORS", 5)
    lines = [f"KCN-{n},yesterday,1" for n in range(6)]
    refused = refusal(csv_bytes("zone_code,recorded_on,cleared_ha", *lines), CSV_MEDIA_TYPE)
    assert "More than 5 cells cannot be read" in refused.message
    assert "row 2 column recorded_on" in refused.message
    five = read_sheet(
        csv_bytes("zone_code,recorded_on,cleared_ha", *lines[:5]), CSV_MEDIA_TYPE, CLEARANCE
    )
    assert len(five.errors) == 5


# ------------------------------------------------------------------- memory and speed


def _register(rows: int) -> bytes:
    """A projects register of `rows` rows and all 16 columns, as Excel saves it."""
    writer = Cells()
    header = [c.name for c in columns(PROJECTS)]
    parts = [writer.row(1, header)]
    for n in range(rows):
        values: list[object] = [
            None,
            "CCN-DONG-TAM",
            f"23158{n:05d}",
            f"Nhà máy số {n}",
            f"Công ty TNHH Đồng Tâm {n % 500}",
            "VN" if n % 3 else "KR",
            "1410",
            120000000000 + n,
            "VND",
            "industrial",
            round(2.5 + n % 100 / 100, 2),
            date(2024, 3, 1),
            date(2074, 3, 1),
            "registered",
            350 + n % 10,
            None,
        ]
        parts.append(writer.row(n + 2, values))
    return excel_like("".join(parts), writer.strings)


def test_forty_thousand_rows_of_sixteen_columns_are_all_read():
    # How long this takes is bench/imports.py's to measure (about 2.5 s here), not a test's:
    # a timed assertion failed CI once on a busy machine at 20.5 s of CPU.
    sheet = read_sheet(_register(40_000), XLSX_MEDIA_TYPE, PROJECTS)
    assert len(sheet.rows) == 40_000 and sheet.errors == []
    assert [row.values["project_code"] for row in sheet.rows[:2]] == ["2315800000", "2315800001"]
    assert sheet.rows[-1].values["project_code"] == "2315839999"
    assert sheet.rows[-1].values["leased_ha"] == D("3.49")
    assert sheet.rows[-1].values["lease_start"] == date(2024, 3, 1)


def test_memory_does_not_grow_beyond_the_rows_themselves():
    content = _register(5_000)
    tracemalloc.start()
    try:
        sheet = read_sheet(content, XLSX_MEDIA_TYPE, PROJECTS)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(sheet.rows) == 5_000
    # Peak = the rows kept + a small constant (one row of XML, the shared strings' index).
    assert peak - held < 3 * 1024 * 1024, (held, peak)
