"""Spreadsheets for people (app/sheets), without a database: CSV text, labels, XLSX layout and
the registers' template and export workbooks, opened with openpyxl and read as a spreadsheet
program would."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.sheets.labels import TERMS, explain, is_known, label, style
from app.sheets.layout import NATURAL_KEYS, Entity, Kind, columns
from app.sheets.registers import (
    BLANK_ROWS,
    export_columns,
    export_csv,
    export_xlsx,
    template_columns,
    template_xlsx,
)
from app.sheets.styles import Style, csv_text, is_formula_like, plain_number, shown_text
from app.sheets.tables import Table, table_csv, table_sheet, tables_xlsx
from app.sheets.writing import Sheet, SheetColumn, column_widths, csv_bytes, xlsx_bytes

BOM = b"\xef\xbb\xbf"


def book(content: bytes):
    return load_workbook(io.BytesIO(content))


def sheet_xml(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        ]


# ------------------------------------------------------------------------------ CSV text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (46.77, "46.77"),
        (0.4677, "0.4677"),
        (Decimal("52.5000"), "52.5"),
        (Decimal("120000000000"), "120000000000"),
        (1e-05, "0.00001"),
        (date(2024, 6, 24), "2024-06-24"),
        ("Hòa Bình", "Hòa Bình"),
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+84 912", "'+84 912"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("a=b", "a=b"),
    ],
)
def test_csv_text(value, text):
    assert csv_text(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(46.77, "46,77"), (0.4677, "0,4677"), (Decimal("1491.1400"), "1491,14"), (1200, "1200")],
)
def test_csv_text_with_a_decimal_comma(value, text):
    assert csv_text(value, decimal_comma=True) == text


def test_a_decimal_comma_leaves_text_and_dates_alone():
    assert csv_text("1.5 ha", decimal_comma=True) == "1.5 ha"
    assert csv_text(date(2024, 6, 14), decimal_comma=True) == "2024-06-14"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_formula_like_text(text):
    assert is_formula_like(text)


@pytest.mark.parametrize("text", ["", "1+1", " =1", "'=1", "Khu công nghiệp"])
def test_text_that_is_not_formula_like(text):
    assert not is_formula_like(text)


def test_plain_numbers_have_no_exponent_and_no_trailing_zeros():
    assert plain_number(1.5e16) == "15000000000000000"
    assert plain_number(Decimal("1E+2")) == "100"
    assert plain_number(Decimal("0.0100")) == "0.01"


def test_csv_bytes_bom_header_and_separator():
    content = csv_bytes(["a", "b"], [[1.5, True], ["x;y", None]], sep=";")
    assert content.startswith(BOM)
    text = content.decode("utf-8-sig")
    assert text.splitlines() == ["a;b", "1,5;true", '"x;y";']
    assert list(csv.reader(io.StringIO(text, newline=""), delimiter=";")) == [
        ["a", "b"],
        ["1,5", "true"],
        ["x;y", ""],
    ]


def test_csv_bytes_with_a_comma_quote_a_decimal_comma_never_happens():
    text = csv_bytes(["a"], [[1.5], ["x,y"]]).decode("utf-8-sig")
    assert text.splitlines() == ["a", "1.5", '"x,y"']


# ------------------------------------------------------------------------------ labels


@pytest.mark.parametrize(
    ("name", "vi", "en"),
    [
        ("occupancy_rate", "Tỷ lệ lấp đầy", "Occupancy rate"),
        ("clearance_status", "GPMB – Tình trạng", "Land clearance – Status"),
        ("park_occupancy_rate", "KCN – Tỷ lệ lấp đầy", "Parks – Occupancy rate"),
        (
            "occupancy_all_mean_occupancy_rate",
            "Lấp đầy – Tất cả – Tỷ lệ lấp đầy bình quân",
            "Occupancy – All – Mean occupancy rate",
        ),
        (
            "zones_by_kind_and_status_park_planned",
            "Khu/cụm – Theo loại và tình trạng – KCN – Quy hoạch",
            "Zones – By kind and status – Parks – Planned",
        ),
        (
            "investment_registered_capital_fdi_usd",
            "Đầu tư – Vốn đăng ký – FDI – USD",
            "Investment – Registered capital – FDI – USD",
        ),
    ],
)
def test_labels(name, vi, en):
    assert label(name, "vi") == vi
    assert label(name, "en") == en


def test_a_name_nothing_explains_keeps_its_field_name():
    assert not is_known("park_frobnication")
    assert explain("park_frobnication") is None
    assert label("park_frobnication", "vi") == "park_frobnication"


def test_every_term_has_both_languages():
    assert all(term.vi.strip() and term.en.strip() for term in TERMS.values())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("occupancy_rate", Style.RATE),
        ("occupancy_rate_incl_service", Style.RATE),
        ("park_mean_occupancy_rate", Style.RATE),
        ("achievement", Style.RATE),
        ("leased_industrial_ha", Style.AREA),
        ("absorption_low_ha_per_year", Style.AREA),
        ("compensation_paid_vnd", Style.MONEY),
        ("registered_capital_fdi_usd", Style.MONEY_CENTS),
        ("as_of", Style.DATE),
        ("occupancy_park_as_of", Style.DATE),
        ("reaches_target_on_high", Style.DATE),
        ("id", Style.ID),
        ("project_id", Style.ID),
        ("name", Style.TEXT),
        ("active_projects", Style.NUMBER),
        ("on_track", Style.NUMBER),
    ],
)
def test_styles_by_name(name, expected):
    assert style(name) is expected


@pytest.mark.parametrize(
    ("value", "style_", "shown"),
    [
        (0.4677, Style.RATE, "46.77%"),
        (1491.14, Style.AREA, "1,491.14"),
        (0.0001, Style.AREA, "0.0001"),
        (12, Style.AREA, "12.00"),
        (120000000000, Style.MONEY, "120,000,000,000"),
        (206, Style.NUMBER, "206"),
        (date(2024, 6, 24), Style.DATE, "00/00/0000"),
        (True, Style.NUMBER, "TRUE"),
        (None, Style.AREA, ""),
    ],
)
def test_shown_text_measures_what_the_cell_shows(value, style_, shown):
    assert len(shown_text(value, style_)) == len(shown)


# ------------------------------------------------------------------------------ XLSX


def one_sheet(rows, *names_and_styles, **options) -> Sheet:
    return Sheet(
        "data",
        [SheetColumn(name, s, (name,)) for name, s in names_and_styles],
        rows,
        **options,
    )


def test_formula_like_text_is_a_string_cell_and_never_a_formula():
    content = xlsx_bytes([one_sheet([["=SUM(A1)"], ["+1"], ["@x"]], ("name", Style.TEXT))])
    assert all("<f>" not in xml and "<f " not in xml for xml in sheet_xml(content))
    sheet = book(content)["data"]
    assert [(c.value, c.data_type) for (c,) in sheet.iter_rows(min_row=2)] == [
        ("=SUM(A1)", "s"),
        ("+1", "s"),
        ("@x", "s"),
    ]


def test_widths_follow_the_content_within_bounds():
    sheet = one_sheet(
        [["x", "Khu công nghiệp bờ trái sông Đà", "y" * 500]],
        ("a", Style.TEXT),
        ("b", Style.TEXT),
        ("c", Style.TEXT),
    )
    short, longer, longest = column_widths(sheet)
    assert short < longer < longest
    assert longer == len("Khu công nghiệp bờ trái sông Đà") + 2
    assert longest == 60
    written = book(xlsx_bytes([sheet]))["data"]
    assert [written.column_dimensions[c].width for c in "ABC"] == [short, longer, longest]


def test_a_long_header_wraps_instead_of_widening_its_column():
    sheet = Sheet(
        "t",
        [SheetColumn("x", Style.AREA, ("Đất công nghiệp đã cho thuê (ha) của các khu",))],
        [[1.5]],
    )
    (width,) = column_widths(sheet)
    assert width == 24 + 2
    cell = book(xlsx_bytes([sheet]))["t"]["A1"]
    assert cell.alignment.wrap_text and cell.font.b


def test_table_sheets_freeze_and_filter_their_header_rows():
    sheet = Sheet(
        "t",
        [SheetColumn("a", Style.TEXT, ("A vi", "A en")), SheetColumn("b", Style.AREA, ("B", "B"))],
        [["x", 1], ["y", 2], ["z", 3]],
    )
    written = book(xlsx_bytes([sheet]))["t"]
    assert written.freeze_panes == "A3"
    assert written.auto_filter.ref == "A2:B5"


def test_cells_carry_number_formats_and_dates_are_dates():
    content = xlsx_bytes(
        [
            one_sheet(
                [["2024-06-24", 1491.14, 0.4677, 120000000000, 12.5, 7, True, 3]],
                ("as_of", Style.DATE),
                ("area", Style.AREA),
                ("rate", Style.RATE),
                ("vnd", Style.MONEY),
                ("usd", Style.MONEY_CENTS),
                ("count", Style.NUMBER),
                ("flag", Style.NUMBER),
                ("id", Style.ID),
            )
        ]
    )
    cells = list(book(content)["data"].iter_rows(min_row=2))[0]
    assert cells[0].is_date and cells[0].value.date() == date(2024, 6, 24)
    assert cells[0].number_format == "dd/mm/yyyy"
    assert [c.number_format for c in cells[1:6]] == [
        "#,##0.00##",
        "0.00%",
        "#,##0",
        "#,##0.00",
        "#,##0",
    ]
    assert cells[6].value is True and cells[6].data_type == "b"
    assert cells[7].number_format == "0"


def test_text_that_is_not_a_date_stays_text_in_a_date_column():
    cells = list(book(xlsx_bytes([one_sheet([["soon"]], ("d", Style.DATE))]))["data"].rows)
    assert cells[1][0].value == "soon" and not cells[1][0].is_date


# ------------------------------------------------------------------------------ report tables


def test_report_table_xlsx_has_vietnamese_then_english_headers_by_default():
    table = Table("zones", [{"code": "KCN-A", "occupancy_rate": 0.5, "stalled": False}])
    sheet = book(tables_xlsx([table]))["zones"]
    assert [c.value for c in sheet[1]] == ["Mã khu/cụm", "Tỷ lệ lấp đầy", "Chậm tiến độ"]
    assert [c.value for c in sheet[2]] == ["Code", "Occupancy rate", "Stalled"]
    assert [c.value for c in sheet[3]] == ["KCN-A", 0.5, False]
    assert sheet["B3"].number_format == "0.00%"
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:C3"


@pytest.mark.parametrize(("lang", "header"), [("en", "Occupancy rate"), ("vi", "Tỷ lệ lấp đầy")])
def test_report_table_xlsx_in_one_language(lang, header):
    table = Table("zones", [{"occupancy_rate": 0.5}])
    sheet = book(tables_xlsx([table], lang=lang))["zones"]
    assert [c.value for c in sheet[1]] == [header]
    assert sheet["A2"].value == 0.5 and sheet["A2"].number_format == "0.00%"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:A2"


def test_indicator_tables_format_each_value_by_its_row_and_name_it():
    table = Table(
        "indicators",
        [
            {"indicator": "as_of", "value": "2024-06-24"},
            {"indicator": "occupancy_park_occupancy_rate", "value": 0.4677},
            {"indicator": "occupancy_park_industrial_land_ha", "value": 1491.14},
            {"indicator": "zones_total", "value": 27},
        ],
    )
    sheet = table_sheet(table)
    assert [c.name for c in sheet.columns] == [
        "indicator",
        "indicator_label_vi",
        "indicator_label_en",
        "value",
    ]
    assert sheet.rows[1][1:3] == [
        "Lấp đầy – KCN – Tỷ lệ lấp đầy",
        "Occupancy – Parks – Occupancy rate",
    ]
    written = book(xlsx_bytes([sheet]))["indicators"]
    values = [row[3] for row in written.iter_rows(min_row=3)]
    assert values[0].is_date
    assert [c.number_format for c in values[1:]] == ["0.00%", "#,##0.00##", "#,##0"]


def test_report_csv_keeps_the_field_names_and_writes_booleans_in_lower_case():
    table = Table("zones", [{"code": "KCN-A", "stalled": True, "clearance_rate": 0.25}])
    text = table_csv(table, sep=";").decode("utf-8-sig")
    assert text.splitlines() == ["code;stalled;clearance_rate", "KCN-A;true;0,25"]


# ------------------------------------------------------------------------------ registers


@pytest.mark.parametrize("entity", list(Entity))
def test_template_layout(entity):
    content = template_xlsx(entity)
    workbook = book(content)
    if entity is Entity.CLEARANCE:  # nothing to pick from a list
        assert workbook.sheetnames == ["data", "instructions"]
        assert workbook["data"].data_validations.dataValidation == []
    else:
        assert workbook.sheetnames == ["data", "instructions", "lists"]
        assert workbook["lists"].sheet_state == "hidden"
    data = workbook["data"]
    layout = template_columns(entity)
    assert [c.value for c in data[1]] == [column.name for column in layout]
    assert not any(column.read_only for column in layout)
    assert data.freeze_panes == "A2"
    assert data.auto_filter.ref == f"A1:{data.cell(1, len(layout)).column_letter}2"
    # One example row, from the layout's examples; dates as date cells.
    example = {column.name: cell for column, cell in zip(layout, data[2], strict=True)}
    for column in layout:
        cell = example[column.name]
        if column.example is None:
            assert cell.value is None, column.name
        elif column.kind is Kind.DATE:
            assert cell.is_date and cell.value.date().isoformat() == column.example
        else:
            assert cell.value == column.example, column.name
    assert data.max_row == 2


@pytest.mark.parametrize("entity", [Entity.ZONES, Entity.PROJECTS])
def test_template_drop_downs_read_the_hidden_lists(entity):
    workbook = book(template_xlsx(entity))
    data, lists = workbook["data"], workbook["lists"]
    layout = template_columns(entity)
    enumerated = [column for column in layout if column.choices]
    assert enumerated
    assert [c.value for c in lists[1]] == [column.name for column in enumerated]
    validations = data.data_validations.dataValidation
    assert len(validations) == len(enumerated)
    for position, (column, validation) in enumerate(zip(enumerated, validations, strict=True)):
        letter = lists.cell(1, position + 1).column_letter
        assert validation.type == "list"
        assert validation.formula1 == f"lists!${letter}$2:${letter}${len(column.choices) + 1}"
        assert validation.showErrorMessage
        listed = [
            row[0]
            for row in lists.iter_rows(
                min_row=2, min_col=position + 1, max_col=position + 1, values_only=True
            )
        ]
        assert [v for v in listed if v is not None] == list(column.choices)
        data_letter = data.cell(1, layout.index(column) + 1).column_letter
        assert str(validation.sqref) == f"{data_letter}2:{data_letter}{2 + BLANK_ROWS}"


def test_the_country_list_is_too_long_to_write_inline_and_is_a_range():
    validations = book(template_xlsx(Entity.PROJECTS))["data"].data_validations.dataValidation
    countries = next(v for v in validations if v.formula1.startswith("lists!$A$"))
    assert countries.formula1 == "lists!$A$2:$A$250"
    assert len(",".join(columns(Entity.PROJECTS)[5].choices)) > 255


@pytest.mark.parametrize("entity", list(Entity))
def test_template_columns_carry_their_formats(entity):
    data = book(template_xlsx(entity))["data"]
    for index, column in enumerate(template_columns(entity), start=1):
        letter = data.cell(1, index).column_letter
        expected = {
            Kind.DATE: "dd/mm/yyyy",
            Kind.AREA: "#,##0.00##",
            Kind.TEXT: "@",
            Kind.CODE: "@",
        }.get(column.kind)
        if expected:
            assert data.column_dimensions[letter].number_format == expected, column.name


@pytest.mark.parametrize("entity", list(Entity))
def test_template_instructions_explain_every_column_in_both_languages(entity):
    sheet = book(template_xlsx(entity))["instructions"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    layout = template_columns(entity)
    explained = rows[: len(layout)]
    assert [row[0] for row in explained] == [column.name for column in layout]
    for column, row in zip(layout, explained, strict=True):
        assert row[1:4] == (
            column.label_vi,
            column.label_en,
            "có / yes" if column.required else "không / no",
        )
        assert row[5:7] == (column.help_vi, column.help_en)
        if column.choices and len(column.choices) <= 12:
            assert row[4] == ", ".join(column.choices)
    guidance = " ".join(str(v) for row in rows[len(layout) :] for v in row if v)
    for needed in ("12,5", "12.5", "DD/MM/YYYY", "null", "ô kiểu ngày", "date cells"):
        assert needed in guidance, needed
    matching = next(row for row in rows[len(layout) :] if row[0] == "khớp dòng / matching")
    for key in NATURAL_KEYS[entity]:
        assert key in matching[5] and key in matching[6], key


def test_template_instructions_spell_out_the_allowed_values():
    sheet = book(template_xlsx(Entity.ZONES))["instructions"]
    allowed = {row[0]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert allowed["kind"] == "park, cluster"
    assert allowed["status"] == "planned, under_construction, operating, suspended, closed"
    countries = {
        row[0]: row[4]
        for row in book(template_xlsx(Entity.PROJECTS))["instructions"].iter_rows(values_only=True)
    }["investor_country"]
    assert "249" in countries and "drop-down" in countries


def test_export_has_every_column_and_the_template_all_but_the_read_only_ones():
    for entity in Entity:
        exported = [column.name for column in export_columns(entity)]
        assert exported == [column.name for column in columns(entity)]
        assert [c.name for c in template_columns(entity)] == [
            name
            for name in exported
            if not next(c for c in columns(entity) if c.name == name).read_only
        ]
    assert "terminated_on" in [c.name for c in export_columns(Entity.PROJECTS)]
    assert "terminated_on" not in [c.name for c in template_columns(Entity.PROJECTS)]


def test_export_xlsx_rows_follow_the_layout():
    record = {
        "zone_code": "CCN-DONG-TAM",
        "recorded_on": date(2024, 6, 14),
        "cleared_ha": Decimal("40.2500"),
        "note": '=HYPERLINK("http://x")',
        "ignored": "not a column",
    }
    workbook = book(export_xlsx(Entity.CLEARANCE, [record, record]))
    data = workbook["data"]
    assert [c.value for c in data[1]] == [c.name for c in columns(Entity.CLEARANCE)]
    row = {c.name: cell for c, cell in zip(columns(Entity.CLEARANCE), data[2], strict=True)}
    assert row["zone_code"].value == "CCN-DONG-TAM"
    assert row["recorded_on"].is_date
    assert row["cleared_ha"].value == 40.25 and row["cleared_ha"].number_format == "#,##0.00##"
    assert row["note"].value == record["note"] and row["note"].data_type == "s"
    assert row["households_total"].value is None
    assert data.max_row == 3
    assert all("<f>" not in xml for xml in sheet_xml(export_xlsx(Entity.CLEARANCE, [record])))
    validations = data.data_validations.dataValidation
    assert validations == []  # clearance has no enumerated column


def test_export_csv_neutralises_formulas_and_follows_the_layout():
    record = {"code": "KCN-A", "name": "=SUM(A1)", "total_area_ha": Decimal("75.5000")}
    text = export_csv(Entity.ZONES, [record], sep=";").decode("utf-8-sig")
    header, line = text.splitlines()
    assert header.split(";") == [c.name for c in columns(Entity.ZONES)]
    cells = dict(zip(header.split(";"), line.split(";"), strict=True))
    assert cells["name"] == "'=SUM(A1)"
    assert cells["total_area_ha"] == "75,5"
    assert cells["effective_from"] == ""
