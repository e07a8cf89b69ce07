"""Report formats (docs/api.md §5, Formats): CSV with a BOM, XLSX with percentages
formatted as such, and GeoJSON of the occupancy report."""

import csv
import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from app.sheets.labels import QUALIFIERS, TERMS, label
from tests.factories import assert_problem, create_project, create_zone

REPORTS = "/api/v1/reports"
OCCUPANCY = f"{REPORTS}/occupancy"
HISTORY = f"{REPORTS}/occupancy/history"
CLEARANCE = f"{REPORTS}/clearance"
INVESTMENT = f"{REPORTS}/investment"
SUMMARY = f"{REPORTS}/summary"
AS_OF = "2024-06-14"
HISTORY_PARAMS = {"from": "2024-01-01", "to": "2024-06-14", "interval": "month"}
BOM = b"\xef\xbb\xbf"
CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

NAMES = {
    "park": "Khu công nghiệp Lương Sơn – Hòa Bình",
    "cluster": 'Cụm công nghiệp Đồng Phú, "giai đoạn 2"',
    "bare": "Khu công nghiệp Nam Lương Sơn; Ưu tiên",
}


# ---------------------------------------------------------------------------- helpers


def plan_url(plan_id: int) -> str:
    return f"/api/v1/plans/{plan_id}"


def fetch(client, url: str, **params: Any):
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response


def csv_rows(response) -> list[dict[str, str]]:
    assert response.content.startswith(BOM), response.content[:20]
    text = response.content.decode("utf-8-sig")
    assert not text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def workbook(response):
    return load_workbook(io.BytesIO(response.content))


# Report workbooks have two header rows by default: the Vietnamese labels, then the English.
HEADER_ROWS = 2
# Every column name a report table may have (a term, or one qualifier and a term), by its
# pair of labels; the indicator tables' label columns too.
BY_LABELS: dict[tuple[str, str], str] = {
    ("Tên chỉ tiêu", "Indicator (Vietnamese)"): "indicator_label_vi",
    ("Tên chỉ tiêu (tiếng Anh)", "Indicator (English)"): "indicator_label_en",
}
for _name in [*TERMS, *(f"{q}_{t}" for q in QUALIFIERS for t in TERMS)]:
    BY_LABELS.setdefault((label(_name, "vi"), label(_name, "en")), _name)


def field_names(sheet) -> list[str]:
    """The field names of a report sheet's columns, read back from their two labels."""
    vi, en = (list(row) for row in sheet.iter_rows(max_row=HEADER_ROWS, values_only=True))
    return [BY_LABELS[pair] for pair in zip(vi, en, strict=True)]


def sheet_rows(sheet) -> list[dict[str, Any]]:
    header = field_names(sheet)
    values = sheet.iter_rows(min_row=HEADER_ROWS + 1, values_only=True)
    return [dict(zip(header, row, strict=True)) for row in values]


def is_rate_column(name: Any) -> bool:
    """A rate by the contract's naming (`*_rate`, `achievement`), also with a suffix such as
    occupancy_rate_incl_service, which §2 defines as a rate."""
    return isinstance(name, str) and (
        bool(re.search(r"(^|_)rate(_|$)", name)) or name == "achievement"
    )


def unformatted_rate_cells(book) -> list[str]:
    """Every numeric cell of a rate column whose number format is not a percentage."""
    bad = []
    for sheet in book.worksheets:
        header = field_names(sheet)
        for index, name in enumerate(header, start=1):
            if not is_rate_column(name):
                continue
            for (cell,) in sheet.iter_rows(min_row=HEADER_ROWS + 1, min_col=index, max_col=index):
                if isinstance(cell.value, int | float) and "%" not in cell.number_format:
                    bad.append(f"{sheet.title}!{cell.coordinate} ({name}: {cell.number_format})")
    return bad


def assert_attachment(response, media_type: str, extension: str) -> None:
    assert response.headers["content-type"].startswith(media_type), response.headers
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment"), disposition
    match = re.search(r'filename="?([^";]+)"?', disposition)
    assert match, disposition
    assert match.group(1).endswith(extension), disposition


def as_number(text: str) -> float | None:
    return None if text == "" else float(text)


# ---------------------------------------------------------------------------- data


@pytest.fixture
def zones(client) -> dict[str, dict[str, Any]]:
    park = create_zone(
        client,
        code="KCN-LS",
        name=NAMES["park"],
        kind="park",
        status="operating",
        province="Hòa Bình",
        total_area_ha=200,
        industrial_land_ha=100,
        service_land_ha=20,
        clearance_required_ha=150,
        latitude=20.8497,
        longitude=105.5431,
    )
    cluster = create_zone(
        client,
        code="CCN-DP",
        name=NAMES["cluster"],
        kind="cluster",
        status="operating",
        province="Hòa Bình",
        total_area_ha=60,
        industrial_land_ha=40,
        service_land_ha=5,
        latitude=20.5123,
        longitude=105.3311,
    )
    bare = create_zone(
        client,
        code="KCN-NLS",
        name=NAMES["bare"],
        kind="park",
        status="under_construction",
        province="Hòa Bình",
        total_area_ha=80,
        industrial_land_ha=60,
        service_land_ha=0,
    )
    create_zone(
        client,
        code="KCN-QH",
        name="Quy hoạch",
        kind="park",
        status="planned",
        total_area_ha=50,
        industrial_land_ha=30,
        latitude=21.0,
        longitude=105.0,
    )
    create_project(
        client,
        park["id"],
        leased_ha=30,
        lease_start="2024-01-01",
        investor="Công ty TNHH Điện tử Hòa Bình",
        investor_country="JP",
        sector="26",
    )
    create_project(client, park["id"], leased_ha=5, land_use="service", lease_start="2024-03-01")
    create_project(client, cluster["id"], leased_ha=10, lease_start="2024-02-10", sector="10")
    response = client.post(
        f"/api/v1/zones/{park['id']}/clearance",
        json={"recorded_on": "2024-01-01", "cleared_ha": 50},
    )
    assert response.status_code == 201, response.text
    return {"park": park, "cluster": cluster, "bare": bare}


@pytest.fixture
def plan(client, zones) -> dict[str, Any]:
    response = client.post(
        "/api/v1/plans",
        json={
            "code": "07-ĐA/TU",
            "title": "Đề án phát triển các khu, cụm công nghiệp tỉnh Hòa Bình",
            "starts_on": "2021-01-01",
            "ends_on": "2025-12-31",
        },
    )
    assert response.status_code == 201, response.text
    plan = response.json()
    for body in (
        {"indicator": "park_occupancy_rate", "target": 0.6, "label": "Tỷ lệ lấp đầy KCN"},
        {"indicator": "leased_ha", "target": 100},
        {
            "indicator": "industrial_production_index",
            "target": 115,
            "label": "Chỉ số sản xuất công nghiệp",
        },
    ):
        response = client.post(f"{plan_url(plan['id'])}/targets", json=body)
        assert response.status_code == 201, response.text
    response = client.post(
        f"{plan_url(plan['id'])}/actuals",
        json={
            "indicator": "industrial_production_index",
            "value": 110,
            "as_of": "2024-03-31",
            "source": "Cục Thống kê tỉnh Hòa Bình",
        },
    )
    assert response.status_code == 201, response.text
    return plan


# ---------------------------------------------------------------------------- CSV


def test_occupancy_csv_one_row_per_zone(client, zones):
    report = fetch(client, OCCUPANCY, as_of=AS_OF).json()
    response = fetch(client, OCCUPANCY, as_of=AS_OF, format="csv")
    assert_attachment(response, CSV_TYPE, ".csv")
    assert "charset=utf-8" in response.headers["content-type"].lower().replace(" ", "")
    rows = csv_rows(response)
    assert len(rows) == len(report["zones"]) == 3
    by_code = {row["code"]: row for row in rows}
    for expected in report["zones"]:
        row = by_code[expected["code"]]
        assert row["name"] == expected["name"]
        assert int(row["id"]) == expected["id"]
        assert row["kind"] == expected["kind"]
        assert row["province"] == "Hòa Bình"
        for field in (
            "total_area_ha",
            "industrial_land_ha",
            "leased_industrial_ha",
            "service_land_ha",
            "leased_service_ha",
            "available_ha",
            "occupancy_rate",
            "occupancy_rate_incl_service",
            "active_projects",
        ):
            assert as_number(row[field]) == expected[field], field


def test_occupancy_csv_vietnamese_names_round_trip(client, zones):
    rows = csv_rows(fetch(client, OCCUPANCY, as_of=AS_OF, format="csv"))
    assert {row["name"] for row in rows} == set(NAMES.values())


def test_occupancy_csv_null_rate_is_empty(client):
    create_zone(client, code="CCN-DV", status="operating", industrial_land_ha=0, service_land_ha=10)
    (row,) = csv_rows(fetch(client, OCCUPANCY, as_of=AS_OF, format="csv"))
    assert row["occupancy_rate"] == ""


def test_occupancy_csv_follows_filters_and_period(client, zones):
    response = fetch(client, OCCUPANCY, period="2024-H1", kind="cluster", format="csv")
    rows = csv_rows(response)
    assert [row["code"] for row in rows] == ["CCN-DP"]
    assert "2024-06-14" in response.headers["content-disposition"]


def test_empty_occupancy_csv_has_a_header_row_only(client):
    response = fetch(client, OCCUPANCY, as_of=AS_OF, format="csv")
    assert csv_rows(response) == []


def test_clearance_csv_one_row_per_zone(client, zones):
    report = fetch(client, CLEARANCE, as_of=AS_OF).json()
    response = fetch(client, CLEARANCE, as_of=AS_OF, format="csv")
    assert_attachment(response, CSV_TYPE, ".csv")
    rows = csv_rows(response)
    assert len(rows) == len(report["zones"]) == 3
    by_code = {row["code"]: row for row in rows}
    assert by_code["KCN-LS"]["name"] == NAMES["park"]
    assert by_code["KCN-LS"]["status"] == "in_progress"
    assert float(by_code["KCN-LS"]["cleared_ha"]) == 50
    assert float(by_code["KCN-LS"]["clearance_rate"]) == 0.3333
    assert by_code["KCN-NLS"]["status"] == "not_started"


def test_history_csv_one_row_per_point(client, zones):
    report = fetch(client, HISTORY, **HISTORY_PARAMS).json()
    response = fetch(client, HISTORY, **HISTORY_PARAMS, format="csv")
    assert_attachment(response, CSV_TYPE, ".csv")
    rows = csv_rows(response)
    assert [row["as_of"] for row in rows] == [p["as_of"] for p in report["points"]]
    assert len(rows) == 6
    assert rows[0]["all_net_absorption_ha"] == ""
    assert [float(row["all_leased_industrial_ha"]) for row in rows] == [
        p["all"]["leased_industrial_ha"] for p in report["points"]
    ]


def test_investment_csv(client, zones):
    response = fetch(client, INVESTMENT, as_of=AS_OF, format="csv")
    assert_attachment(response, CSV_TYPE, ".csv")
    assert csv_rows(response)


def test_summary_csv_one_row_per_indicator(client, zones):
    report = fetch(client, SUMMARY, as_of=AS_OF).json()
    response = fetch(client, SUMMARY, as_of=AS_OF, format="csv")
    assert_attachment(response, CSV_TYPE, ".csv")
    rows = csv_rows(response)
    assert rows
    names = [row["indicator"] for row in rows]
    assert len(names) == len(set(names))
    values = {row["indicator"]: row["value"] for row in rows}
    # Every figure of the JSON summary is one row, named by its path.
    leaves = flatten(report)
    assert set(values) == set(leaves)
    for name, value in leaves.items():
        if value is None:
            assert values[name] == "", name
        elif isinstance(value, int | float):
            assert float(values[name]) == value, name
        else:
            assert values[name] == str(value), name
    assert (
        float(values["occupancy_all_occupancy_rate"])
        == report["occupancy"]["all"]["occupancy_rate"]
    )


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat |= flatten(value, f"{prefix}{key}_")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def test_plan_report_csv_one_row_per_indicator(client, plan):
    report = fetch(client, f"{plan_url(plan['id'])}/report", as_of=AS_OF).json()
    response = fetch(client, f"{plan_url(plan['id'])}/report", as_of=AS_OF, format="csv")
    assert_attachment(response, CSV_TYPE, ".csv")
    rows = csv_rows(response)
    assert [row["indicator"] for row in rows] == [row["indicator"] for row in report["rows"]]
    assert len(rows) == 3
    by_indicator = {row["indicator"]: row for row in rows}
    assert by_indicator["park_occupancy_rate"]["label"] == "Tỷ lệ lấp đầy KCN"
    assert by_indicator["industrial_production_index"]["label"] == "Chỉ số sản xuất công nghiệp"
    assert by_indicator["industrial_production_index"]["source"] == "reported"
    assert float(by_indicator["industrial_production_index"]["actual"]) == 110
    assert float(by_indicator["industrial_production_index"]["achievement"]) == 0.9565
    assert by_indicator["park_occupancy_rate"]["source"] == "computed"


# ---------------------------------------------------------------------------- XLSX


def test_occupancy_xlsx_has_rows_and_totals(client, zones):
    report = fetch(client, OCCUPANCY, as_of=AS_OF).json()
    response = fetch(client, OCCUPANCY, as_of=AS_OF, format="xlsx")
    assert_attachment(response, XLSX_TYPE, ".xlsx")
    book = workbook(response)
    assert len(book.worksheets) >= 2
    zone_sheets = [s for s in book.worksheets if "code" in field_names(s)]
    assert len(zone_sheets) == 1
    rows = sheet_rows(zone_sheets[0])
    assert len(rows) == 3
    assert {row["name"] for row in rows} == {z["name"] for z in report["zones"]}
    by_code = {row["code"]: row for row in rows}
    assert by_code["KCN-LS"]["occupancy_rate"] == 0.3
    assert by_code["KCN-LS"]["leased_industrial_ha"] == 30
    totals = [s for s in book.worksheets if s is not zone_sheets[0]]
    found = {row.get("kind"): row for sheet in totals for row in sheet_rows(sheet) if "kind" in row}
    assert {"park", "cluster", "all"} <= set(found)
    assert found["all"]["zones"] == 3
    assert found["all"]["occupancy_rate"] == report["totals"]["all"]["occupancy_rate"]
    assert found["all"]["mean_occupancy_rate"] == report["totals"]["all"]["mean_occupancy_rate"]


def test_occupancy_xlsx_rate_columns_are_percentages(client, zones):
    book = workbook(fetch(client, OCCUPANCY, as_of=AS_OF, format="xlsx"))
    formatted = []
    for sheet in book.worksheets:
        header = field_names(sheet)
        if "occupancy_rate" in header:
            index = header.index("occupancy_rate") + 1
            for (cell,) in sheet.iter_rows(min_row=HEADER_ROWS + 1, min_col=index, max_col=index):
                if isinstance(cell.value, int | float):
                    assert "%" in cell.number_format, (sheet.title, cell.coordinate)
                    formatted.append(cell)
    assert formatted


def test_occupancy_xlsx_every_rate_is_a_percentage(client, zones):
    """occupancy_rate_incl_service and the means are rates too (§1, §2)."""
    book = workbook(fetch(client, OCCUPANCY, as_of=AS_OF, format="xlsx"))
    assert unformatted_rate_cells(book) == []


def test_occupancy_xlsx_area_columns_are_not_percentages(client, zones):
    book = workbook(fetch(client, OCCUPANCY, as_of=AS_OF, format="xlsx"))
    for sheet in book.worksheets:
        header = field_names(sheet)
        for index, name in enumerate(header, start=1):
            if isinstance(name, str) and name.endswith("_ha"):
                for (cell,) in sheet.iter_rows(
                    min_row=HEADER_ROWS + 1, min_col=index, max_col=index
                ):
                    assert "%" not in cell.number_format, (sheet.title, cell.coordinate)


def test_clearance_xlsx_has_rows_and_totals(client, zones):
    response = fetch(client, CLEARANCE, as_of=AS_OF, format="xlsx")
    assert_attachment(response, XLSX_TYPE, ".xlsx")
    book = workbook(response)
    assert len(book.worksheets) >= 2
    zone_sheets = [s for s in book.worksheets if "code" in field_names(s)]
    assert len(zone_sheets) == 1
    assert len(sheet_rows(zone_sheets[0])) == 3
    totals = [row for s in book.worksheets if s is not zone_sheets[0] for row in sheet_rows(s)]
    assert any(row.get("required_ha") == 150 + 80 + 60 for row in totals), totals
    assert unformatted_rate_cells(book) == []
    rate_cells = [
        name for sheet in book.worksheets for name in field_names(sheet) if name == "clearance_rate"
    ]
    assert len(rate_cells) >= 2  # in the rows and in the totals


def test_history_xlsx_rates_are_percentages(client, zones):
    response = fetch(client, HISTORY, **HISTORY_PARAMS, format="xlsx")
    assert_attachment(response, XLSX_TYPE, ".xlsx")
    book = workbook(response)
    rows = [row for sheet in book.worksheets for row in sheet_rows(sheet) if "as_of" in row]
    assert len(rows) == 6
    assert unformatted_rate_cells(book) == []


def test_summary_xlsx_rates_are_percentages(client, zones):
    """The summary's rates are shown as percentages, whatever the layout of the sheet."""
    response = fetch(client, SUMMARY, as_of=AS_OF, format="xlsx")
    assert_attachment(response, XLSX_TYPE, ".xlsx")
    book = workbook(response)
    assert unformatted_rate_cells(book) == []
    bad = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=HEADER_ROWS + 1):
            key = row[0].value
            if is_rate_column(key):
                for cell in row[1:]:
                    if isinstance(cell.value, int | float) and "%" not in cell.number_format:
                        bad.append(f"{sheet.title}!{cell.coordinate} ({key})")
    assert bad == []


def test_investment_xlsx(client, zones):
    response = fetch(client, INVESTMENT, as_of=AS_OF, format="xlsx")
    assert_attachment(response, XLSX_TYPE, ".xlsx")
    book = workbook(response)
    assert book.worksheets
    assert unformatted_rate_cells(book) == []


def test_plan_report_xlsx_achievement_is_a_percentage(client, plan):
    response = fetch(client, f"{plan_url(plan['id'])}/report", as_of=AS_OF, format="xlsx")
    assert_attachment(response, XLSX_TYPE, ".xlsx")
    book = workbook(response)
    rows = [row for sheet in book.worksheets for row in sheet_rows(sheet)]
    assert len(rows) == 3
    assert {row["label"] for row in rows} >= {"Tỷ lệ lấp đầy KCN", "Chỉ số sản xuất công nghiệp"}
    cells = []
    for sheet in book.worksheets:
        header = field_names(sheet)
        index = header.index("achievement") + 1
        cells += [
            c
            for (c,) in sheet.iter_rows(min_row=HEADER_ROWS + 1, min_col=index, max_col=index)
            if isinstance(c.value, int | float)
        ]
    assert cells
    assert all("%" in cell.number_format for cell in cells)


# ---------------------------------------------------------------------------- GeoJSON


def test_occupancy_geojson(client, zones):
    report = fetch(client, OCCUPANCY, as_of=AS_OF).json()
    response = fetch(client, OCCUPANCY, as_of=AS_OF, format="geojson")
    assert response.headers["content-type"].startswith("application/geo+json")
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    # The bare zone has no coordinates; the planned one is outside the default scope.
    assert len(features) == 2
    rows = {row["id"]: row for row in report["zones"]}
    coordinates = {
        zones["park"]["id"]: [105.5431, 20.8497],
        zones["cluster"]["id"]: [105.3311, 20.5123],
    }
    for feature in features:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        properties = feature["properties"]
        assert properties == rows[properties["id"]]
        longitude, latitude = feature["geometry"]["coordinates"]
        assert [longitude, latitude] == coordinates[properties["id"]]
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
    assert {f["properties"]["name"] for f in features} == {NAMES["park"], NAMES["cluster"]}


def test_occupancy_geojson_follows_scope(client, zones):
    collection = fetch(client, OCCUPANCY, as_of=AS_OF, format="geojson", scope="all").json()
    assert {f["properties"]["code"] for f in collection["features"]} == {
        "KCN-LS",
        "CCN-DP",
        "KCN-QH",
    }


def test_occupancy_geojson_without_coordinates_is_empty(client):
    create_zone(client, status="operating")
    collection = fetch(client, OCCUPANCY, as_of=AS_OF, format="geojson").json()
    assert collection == {"type": "FeatureCollection", "features": []}


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (CLEARANCE, {"as_of": AS_OF}),
        (INVESTMENT, {"as_of": AS_OF}),
        (SUMMARY, {"as_of": AS_OF}),
        (HISTORY, HISTORY_PARAMS),
    ],
)
def test_geojson_on_other_reports_is_422(client, zones, url, params):
    response = client.get(url, params=params | {"format": "geojson"})
    body = assert_problem(response, 422)
    assert any(e["field"].endswith("format") for e in body["errors"]), body


def test_geojson_on_plan_report_is_422(client, plan):
    response = client.get(f"{plan_url(plan['id'])}/report", params={"format": "geojson"})
    body = assert_problem(response, 422)
    assert any(e["field"].endswith("format") for e in body["errors"]), body


@pytest.mark.parametrize("url", [OCCUPANCY, CLEARANCE, INVESTMENT, SUMMARY])
@pytest.mark.parametrize("fmt", ["pdf", "XLSXX", "xls", "json "])
def test_unknown_format_is_422(client, url, fmt):
    assert_problem(client.get(url, params={"format": fmt}), 422, field="query.format")


@pytest.mark.parametrize("url", [OCCUPANCY, CLEARANCE, INVESTMENT, SUMMARY])
def test_json_is_the_default_format(client, zones, url):
    default = fetch(client, url, as_of=AS_OF)
    explicit = fetch(client, url, as_of=AS_OF, format="json")
    assert default.headers["content-type"].startswith("application/json")
    assert default.json() == explicit.json()


@pytest.mark.parametrize("url", [OCCUPANCY, CLEARANCE, INVESTMENT, SUMMARY])
def test_file_formats_refuse_bad_parameters_too(client, url):
    for fmt in ("csv", "xlsx"):
        response = client.get(url, params={"format": fmt, "period": "2024-H2"})
        assert_problem(response, 422, field="query.period")


# ---------------------------------------------------------------------------- for people

FORECAST = f"{REPORTS}/forecast"
ALERTS = "/api/v1/alerts"


def test_report_xlsx_headers_are_vietnamese_then_english(client, zones):
    book = workbook(fetch(client, OCCUPANCY, as_of=AS_OF, format="xlsx"))
    zone_sheet = book["zones"]
    vi, en = (list(row) for row in zone_sheet.iter_rows(max_row=2, values_only=True))
    names = field_names(zone_sheet)
    at = names.index("occupancy_rate")
    assert (vi[at], en[at]) == ("Tỷ lệ lấp đầy", "Occupancy rate")
    at = names.index("occupancy_rate_incl_service")
    assert vi[at] == "Tỷ lệ lấp đầy (gồm đất dịch vụ)"
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A3", sheet.title
        last = sheet.cell(2, sheet.max_column).column_letter
        assert sheet.auto_filter.ref == f"A2:{last}{sheet.max_row}", sheet.title
        assert all(cell.font.b for cell in sheet[1] + sheet[2]), sheet.title


def test_report_xlsx_in_english_has_one_header_row(client, zones):
    book = workbook(fetch(client, OCCUPANCY, as_of=AS_OF, format="xlsx", lang="en"))
    sheet = book["zones"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Id", "Code", "Name"]
    assert "Occupancy rate" in header
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}4"
    rate = sheet.cell(2, header.index("Occupancy rate") + 1)
    assert isinstance(rate.value, float) and rate.number_format == "0.00%"
    totals = book["totals"]
    assert [cell.value for cell in totals[1]][:2] == ["Kind", "As of"]


def test_report_xlsx_in_vietnamese_only(client, zones):
    sheet = workbook(fetch(client, CLEARANCE, as_of=AS_OF, format="xlsx", lang="vi"))["zones"]
    assert [cell.value for cell in sheet[1]][:3] == ["Mã hệ thống", "Mã khu/cụm", "Tên"]
    assert sheet.freeze_panes == "A2"


def test_report_xlsx_dates_areas_and_widths(client, zones):
    book = workbook(fetch(client, OCCUPANCY, as_of=AS_OF, format="xlsx"))
    sheet = book["zones"]
    names = field_names(sheet)
    rows = list(sheet.iter_rows(min_row=HEADER_ROWS + 1))
    for row in rows:
        as_of = row[names.index("as_of")]
        assert as_of.is_date and as_of.value.date().isoformat() == AS_OF
        assert as_of.number_format == "dd/mm/yyyy"
        assert row[names.index("industrial_land_ha")].number_format == "#,##0.00##"
        assert row[names.index("id")].number_format == "0"
        assert row[names.index("active_projects")].number_format == "#,##0"

    def width(name: str) -> float:
        return sheet.column_dimensions[sheet.cell(1, names.index(name) + 1).column_letter].width

    # The names are the longest cells; a kind is a short word.
    assert width("name") == max(len(n) for n in NAMES.values()) + 2
    assert width("kind") < width("name")


def test_clearance_xlsx_booleans_and_dates(client, zones):
    book = workbook(fetch(client, CLEARANCE, as_of=AS_OF, format="xlsx"))
    rows = sheet_rows(book["zones"])
    by_code = {row["code"]: row for row in rows}
    assert by_code["KCN-LS"]["stalled"] is False
    assert by_code["KCN-LS"]["last_recorded_on"].date().isoformat() == "2024-01-01"
    assert by_code["KCN-NLS"]["last_recorded_on"] is None


def test_report_csv_booleans_are_lower_case(client, zones):
    rows = csv_rows(fetch(client, CLEARANCE, as_of=AS_OF, format="csv"))
    assert {row["stalled"] for row in rows} == {"false"}


def test_report_csv_with_semicolons_and_decimal_commas(client, zones):
    plain = fetch(client, OCCUPANCY, as_of=AS_OF, format="csv")
    response = fetch(client, OCCUPANCY, as_of=AS_OF, format="csv", sep=";")
    assert response.content.startswith(BOM)
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert text.splitlines()[0] == plain.content.decode("utf-8-sig").splitlines()[0].replace(
        ",", ";"
    )
    by_code = {row["code"]: row for row in rows}
    assert by_code["KCN-LS"]["occupancy_rate"] == "0,3"
    assert by_code["CCN-DP"]["occupancy_rate"] == "0,25"
    assert by_code["KCN-LS"]["leased_industrial_ha"] == "30"
    assert by_code["KCN-LS"]["as_of"] == AS_OF
    # A name with a semicolon is quoted, not split.
    assert by_code["KCN-NLS"]["name"] == NAMES["bare"]
    assert response.headers["etag"] != plain.headers["etag"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"lang": "fr"}, "query.lang"), ({"lang": "vn"}, "query.lang"), ({"sep": "\t"}, "query.sep")],
)
def test_bad_presentation_parameters_are_422(client, params, field):
    response = client.get(OCCUPANCY, params={"format": "xlsx"} | params)
    assert_problem(response, 422, field=field)


def test_every_report_column_and_indicator_has_a_label(client, zones, plan):
    """Every column a report's tables have (and every indicator its indicator tables name) is
    explained by app.sheets.labels: none is left with its field name as its label."""
    from app.reports import tables
    from app.sheets.labels import is_known

    create_project(client, zones["park"]["id"], leased_ha=1, lease_end="2024-08-01")
    documents = {
        "occupancy": fetch(client, OCCUPANCY, as_of=AS_OF).json(),
        "occupancy/history": fetch(client, HISTORY, **HISTORY_PARAMS).json(),
        "clearance": fetch(client, CLEARANCE, as_of=AS_OF).json(),
        "investment": fetch(client, INVESTMENT, as_of=AS_OF).json(),
        "summary": fetch(client, SUMMARY, as_of=AS_OF).json(),
        "plan": fetch(client, f"{plan_url(plan['id'])}/report", as_of=AS_OF).json(),
        "forecast": fetch(client, FORECAST, as_of=AS_OF).json(),
        "alerts": fetch(client, ALERTS, as_of=AS_OF, scope="all").json(),
    }
    made = tables.BY_REPORT | {"forecast": tables.forecast, "alerts": tables.alerts}
    assert {alert["kind"] for alert in documents["alerts"]["alerts"]} >= {"lease_expiring"}
    unexplained = []
    for report, document in documents.items():
        for table in made[report](document):
            assert table.rows, (report, table.name)
            unexplained += [f"{report}:{name}" for name in table.header if not is_known(name)]
            if table.header[0] == "indicator" and report != "plan":
                unexplained += [
                    f"{report}:{row['indicator']}"
                    for row in table.rows
                    if not is_known(row["indicator"])
                ]
    assert unexplained == []


def test_summary_xlsx_names_each_indicator(client, zones):
    book = workbook(fetch(client, SUMMARY, as_of=AS_OF, format="xlsx"))
    rows = {row["indicator"]: row for row in sheet_rows(book["indicators"])}
    park_rate = rows["occupancy_park_occupancy_rate"]
    assert park_rate["indicator_label_vi"] == "Lấp đầy – KCN – Tỷ lệ lấp đầy"
    assert park_rate["indicator_label_en"] == "Occupancy – Parks – Occupancy rate"
    assert rows["as_of"]["value"].date().isoformat() == AS_OF


def test_filed_report_xlsx_takes_lang_and_csv_takes_sep(client, zones):
    filed = client.post("/api/v1/filings", json={"report": "occupancy", "params": {"as_of": AS_OF}})
    assert filed.status_code == 201, filed.text
    url = f"/api/v1/filings/{filed.json()['id']}"
    sheet = workbook(fetch(client, url, format="xlsx", lang="en"))["zones"]
    assert [cell.value for cell in sheet[1]][:2] == ["Id", "Code"]
    text = fetch(client, url, format="csv", sep=";").content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id;code;name;")
