"""List exports and the import template (docs/api.md, Spreadsheets): `format=csv|xlsx` on the
zone, project and clearance lists writes every row of the filters in the template's layout,
and `GET /api/v1/imports/template` gives the workbook to fill in."""

import csv
import io
import re
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook

from app.sheets.layout import Entity, columns
from app.sheets.registers import template_columns
from tests.conftest import bearer
from tests.factories import assert_problem, create_project, create_zone

ZONES = "/api/v1/zones"
PROJECTS = "/api/v1/projects"
TEMPLATE = "/api/v1/imports/template"
BOM = b"\xef\xbb\xbf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TODAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def csv_rows(response, sep: str = ",") -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(BOM)
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=sep))


def csv_header(response, sep: str = ",") -> list[str]:
    return response.content.decode("utf-8-sig").splitlines()[0].split(sep)


def workbook(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_TYPE
    return load_workbook(io.BytesIO(response.content))


def data_rows(book) -> list[dict[str, Any]]:
    values = list(book["data"].iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def filename(response) -> str:
    match = re.search(r'filename="([^"]+)"', response.headers["content-disposition"])
    assert match and response.headers["content-disposition"].startswith("attachment")
    return match.group(1)


def names(entity: Entity) -> list[str]:
    return [column.name for column in columns(entity)]


# ------------------------------------------------------------------------------ zones


@pytest.fixture
def many_zones(client) -> list[dict[str, Any]]:
    """120 zones, more than a page (50 by default): 80 parks and 40 clusters."""
    return [
        create_zone(
            client,
            code=f"KCN-X{n:03d}" if n < 80 else f"CCN-X{n:03d}",
            kind="park" if n < 80 else "cluster",
            total_area_ha=100 + n,
            industrial_land_ha=70.1234,
        )
        for n in range(120)
    ]


def test_zone_csv_has_every_zone_of_the_filters_beyond_one_page(client, many_zones):
    assert len(client.get(ZONES).json()["items"]) == 50
    response = client.get(ZONES, params={"format": "csv", "limit": 5, "offset": 7})
    rows = csv_rows(response)
    assert len(rows) == 120
    assert [row["code"] for row in rows] == sorted(z["code"] for z in many_zones)
    assert csv_header(response) == names(Entity.ZONES)
    assert re.fullmatch(r"zones-[0-9]{4}-[0-9]{2}-[0-9]{2}\.csv", filename(response))
    clusters = csv_rows(client.get(ZONES, params={"format": "csv", "kind": "cluster"}))
    assert len(clusters) == 40 and {row["kind"] for row in clusters} == {"cluster"}


def test_zone_xlsx_has_every_zone_in_the_layout(client, many_zones):
    response = client.get(ZONES, params={"format": "xlsx", "kind": "park"})
    book = workbook(response)
    assert re.fullmatch(r"zones-[0-9]{4}-[0-9]{2}-[0-9]{2}\.xlsx", filename(response))
    data = book["data"]
    assert [c.value for c in data[1]] == names(Entity.ZONES)
    rows = data_rows(book)
    assert len(rows) == 80
    assert {row["kind"] for row in rows} == {"park"}
    first = next(row for row in rows if row["code"] == "KCN-X000")
    assert first["total_area_ha"] == 100 and first["industrial_land_ha"] == 70.1234
    assert first["effective_from"] is None
    assert data.freeze_panes == "A2"
    assert data.auto_filter.ref == f"A1:P{len(rows) + 1}"
    area = names(Entity.ZONES).index("industrial_land_ha") + 1
    assert data.cell(2, area).number_format == "#,##0.00##"
    assert book["lists"].sheet_state == "hidden"


def test_zone_export_follows_as_of_and_the_values_then(client):
    zone = create_zone(client, code="KCN-OLD", name="Tên cũ", established_on="2020-01-01")
    changed = {"name": "Tên mới", "effective_from": "2024-01-01"}
    assert client.patch(f"{ZONES}/{zone['id']}", json=changed).status_code == 200
    before = csv_rows(client.get(ZONES, params={"format": "csv", "as_of": "2023-06-30"}))
    assert [(row["code"], row["name"]) for row in before] == [("KCN-OLD", "Tên cũ")]
    now = csv_rows(client.get(ZONES, params={"format": "csv"}))
    assert [(row["code"], row["name"]) for row in now] == [("KCN-OLD", "Tên mới")]
    response = client.get(ZONES, params={"format": "csv", "as_of": "2023-06-30"})
    assert filename(response) == "zones-2023-06-30.csv"
    assert csv_rows(client.get(ZONES, params={"format": "csv", "as_of": "2019-12-31"})) == []


def test_zone_csv_with_semicolons_writes_decimal_commas_and_iso_dates(client):
    create_zone(
        client,
        code="KCN-SEP",
        total_area_ha=1491.14,
        industrial_land_ha=697.4125,
        established_on="2019-05-20",
        latitude=20.8497,
        longitude=105.5431,
    )
    response = client.get(ZONES, params={"format": "csv", "sep": ";"})
    assert csv_header(response, ";") == names(Entity.ZONES)
    (row,) = csv_rows(response, ";")
    assert row["total_area_ha"] == "1491,14"
    assert row["industrial_land_ha"] == "697,4125"
    assert row["latitude"] == "20,8497"
    assert row["established_on"] == "2019-05-20"
    (plain,) = csv_rows(client.get(ZONES, params={"format": "csv"}))
    assert plain["total_area_ha"] == "1491.14" and plain["latitude"] == "20.8497"


def test_formula_like_text_is_written_inert(client):
    create_zone(client, code="KCN-F", name="=SUM(A1)", developer="@cmd", locality="-1")
    (row,) = csv_rows(client.get(ZONES, params={"format": "csv"}))
    assert (row["name"], row["developer"], row["locality"]) == ("'=SUM(A1)", "'@cmd", "'-1")
    response = client.get(ZONES, params={"format": "xlsx"})
    (written,) = data_rows(workbook(response))
    assert (written["name"], written["developer"], written["locality"]) == (
        "=SUM(A1)",
        "@cmd",
        "-1",
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and all(b"<f>" not in archive.read(n) for n in sheets)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"format": "pdf"}, "query.format"),
        ({"format": "xls"}, "query.format"),
        ({"format": "csv", "sep": "\t"}, "query.sep"),
        ({"format": "csv", "sep": "|"}, "query.sep"),
        ({"format": "csv", "as_of": "24/06/2024"}, "query.as_of"),
    ],
)
def test_bad_export_parameters_are_422(client, params, field):
    assert_problem(client.get(ZONES, params=params), 422, field=field)


def test_json_stays_the_default_and_one_page(client, many_zones):
    page = client.get(ZONES, params={"limit": 10})
    assert page.headers["content-type"].startswith("application/json")
    assert len(page.json()["items"]) == 10 and page.json()["total"] == 120
    assert client.get(ZONES, params={"limit": 10, "format": "json"}).json() == page.json()


def test_each_format_has_its_own_tag_and_answers_304(client):
    create_zone(client)
    tags = {}
    for fmt in ("json", "csv", "xlsx"):
        first = client.get(ZONES, params={"format": fmt})
        assert first.status_code == 200
        tags[fmt] = first.headers["etag"]
        again = client.get(ZONES, params={"format": fmt}, headers={"If-None-Match": tags[fmt]})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == tags[fmt]
        star = client.get(ZONES, params={"format": fmt}, headers={"If-None-Match": "*"})
        assert star.status_code == 304
    assert len(set(tags.values())) == 3
    semicolons = client.get(ZONES, params={"format": "csv", "sep": ";"}).headers["etag"]
    assert semicolons not in tags.values()
    create_zone(client)
    changed = client.get(ZONES, params={"format": "csv"}, headers={"If-None-Match": tags["csv"]})
    assert changed.status_code == 200 and changed.headers["etag"] != tags["csv"]


def test_an_export_is_read_in_a_fixed_number_of_statements(client, connection, many_zones):
    from tests.test_report_queries import counting

    with counting(connection) as statements:
        assert client.get(ZONES, params={"format": "csv"}).status_code == 200
    reads = [s for s in statements if "api_keys" not in s and "data_version" not in s]
    assert len(reads) == 1, reads


# ------------------------------------------------------------------------------ projects


@pytest.fixture
def projects(client) -> dict[str, Any]:
    park = create_zone(client, code="KCN-P", industrial_land_ha=80, total_area_ha=100)
    other = create_zone(client, code="CCN-Q", kind="cluster")
    made = [
        create_project(
            client,
            park["id"] if n % 2 else other["id"],
            leased_ha=1,
            investor_country="JP" if n % 3 == 0 else "VN",
            registered_capital=1500000.5 if n % 3 == 0 else 120000000000,
            capital_currency="USD" if n % 3 == 0 else "VND",
            lease_end="2070-01-01",
        )
        for n in range(60)
    ]
    ended = {"terminated_on": "2024-01-01", "reason": "Nhà đầu tư rút"}
    assert client.post(f"{PROJECTS}/{made[1]['id']}/terminate", json=ended).status_code == 200
    return {"park": park, "other": other, "projects": made}


def test_project_csv_has_every_project_with_its_zone_code(client, projects):
    response = client.get(PROJECTS, params={"format": "csv"})
    rows = csv_rows(response)
    assert csv_header(response) == names(Entity.PROJECTS)
    assert "zone_id" not in csv_header(response)
    assert [int(row["id"]) for row in rows] == [p["id"] for p in projects["projects"]]
    by_id = {int(row["id"]): row for row in rows}
    first = by_id[projects["projects"][0]["id"]]
    assert first["zone_code"] == "CCN-Q"
    assert (first["investor_country"], first["registered_capital"]) == ("JP", "1500000.5")
    ended = by_id[projects["projects"][1]["id"]]
    assert (ended["zone_code"], ended["status"], ended["terminated_on"]) == (
        "KCN-P",
        "terminated",
        "2024-01-01",
    )
    assert re.fullmatch(r"projects-[0-9]{4}-[0-9]{2}-[0-9]{2}\.csv", filename(response))


def test_project_export_applies_the_filters(client, projects):
    park = projects["park"]["id"]
    rows = csv_rows(client.get(PROJECTS, params={"format": "csv", "zone_id": park}))
    assert len(rows) == 30 and {row["zone_code"] for row in rows} == {"KCN-P"}
    fdi = csv_rows(client.get(PROJECTS, params={"format": "csv", "fdi": "true"}))
    assert len(fdi) == 20 and {row["investor_country"] for row in fdi} == {"JP"}
    ended = csv_rows(client.get(PROJECTS, params={"format": "csv", "status": "terminated"}))
    assert [row["status"] for row in ended] == ["terminated"]


def test_project_xlsx_formats_money_and_dates(client, projects):
    book = workbook(client.get(PROJECTS, params={"format": "xlsx"}))
    rows = data_rows(book)
    assert len(rows) == 60
    data = book["data"]
    header = [c.value for c in data[1]]
    assert header == names(Entity.PROJECTS)
    capital = data.cell(2, header.index("registered_capital") + 1)
    assert capital.value == 1500000.5 and capital.number_format == "#,##0.00"
    start = data.cell(2, header.index("lease_start") + 1)
    assert start.is_date and start.number_format == "dd/mm/yyyy"
    ident = data.cell(2, header.index("id") + 1)
    assert ident.number_format == "0"
    validations = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    country = header.index("investor_country") + 1
    letter = data.cell(1, country).column_letter
    assert validations[f"{letter}2:{letter}{61 + 1000}"] == "lists!$A$2:$A$250"


# ------------------------------------------------------------------------------ clearance


def test_clearance_export_has_every_record_of_the_zone(client):
    zone = create_zone(client, code="KCN-GPMB", total_area_ha=500, industrial_land_ha=300)
    other = create_zone(client)
    for n in range(55):
        body = {"recorded_on": f"2020-{n // 28 + 1:02d}-{n % 28 + 1:02d}", "cleared_ha": n + 0.25}
        assert client.post(f"{ZONES}/{zone['id']}/clearance", json=body).status_code == 201
    body = {"recorded_on": "2020-01-01", "cleared_ha": 1, "note": "+ thêm\nhai dòng"}
    assert client.post(f"{ZONES}/{other['id']}/clearance", json=body).status_code == 201
    response = client.get(f"{ZONES}/{zone['id']}/clearance", params={"format": "csv", "limit": 1})
    rows = csv_rows(response)
    assert csv_header(response) == names(Entity.CLEARANCE)
    assert len(rows) == 55 and {row["zone_code"] for row in rows} == {"KCN-GPMB"}
    assert rows[0]["recorded_on"] == "2020-01-01" and rows[0]["cleared_ha"] == "0.25"
    assert filename(response).startswith("clearance-KCN-GPMB-")
    book = workbook(client.get(f"{ZONES}/{other['id']}/clearance", params={"format": "xlsx"}))
    (row,) = data_rows(book)
    assert row["note"] == "+ thêm\nhai dòng"
    assert row["recorded_on"].date().isoformat() == "2020-01-01"
    assert book.sheetnames == ["data", "instructions"]


def test_clearance_export_of_an_unknown_zone_is_404(client):
    for fmt in ("csv", "xlsx"):
        response = client.get(f"{ZONES}/2147483000/clearance", params={"format": fmt})
        assert_problem(response, 404)


# ------------------------------------------------------------------------------ round trip


@pytest.mark.parametrize("entity", list(Entity))
def test_the_export_layout_is_the_template_layout_plus_read_only_columns(client, entity):
    zone = create_zone(client)
    url = {
        Entity.ZONES: ZONES,
        Entity.PROJECTS: PROJECTS,
        Entity.CLEARANCE: f"{ZONES}/{zone['id']}/clearance",
    }[entity]
    exported = [c.value for c in workbook(client.get(url, params={"format": "xlsx"}))["data"][1]]
    template = workbook(client.get(TEMPLATE, params={"entity": entity.value}))
    header = [c.value for c in template["data"][1]]
    assert header == [column.name for column in template_columns(entity)]
    read_only = {column.name for column in columns(entity) if column.read_only}
    assert [name for name in exported if name not in read_only] == header
    assert csv_header(client.get(url, params={"format": "csv"})) == exported


# ------------------------------------------------------------------------------ template


@pytest.mark.parametrize("entity", ["zones", "projects", "clearance"])
def test_the_template_is_served_for_each_register(client, entity):
    response = client.get(TEMPLATE, params={"entity": entity})
    book = workbook(response)
    assert filename(response) == f"import-template-{entity}.xlsx"
    assert book.sheetnames[:2] == ["data", "instructions"]
    (example,) = data_rows(book)
    layout = template_columns(Entity(entity))
    assert list(example) == [column.name for column in layout]
    for column in layout:
        value = example[column.name]
        if column.kind == "date" and column.example is not None:
            assert value.date().isoformat() == column.example, column.name
        else:
            assert value == column.example, column.name


@pytest.mark.parametrize("entity", ["", "zone", "plans"])
def test_an_unknown_register_is_422_naming_the_allowed_ones(client, entity):
    body = assert_problem(
        client.get(TEMPLATE, params={"entity": entity}), 422, field="query.entity"
    )
    message = " ".join(e["message"] for e in body["errors"])
    for allowed in ("zones", "projects", "clearance"):
        assert allowed in message, message


def test_the_template_needs_its_register(client):
    assert_problem(client.get(TEMPLATE), 422, field="query.entity")


def test_a_viewer_may_read_the_template_and_exports(anonymous, api_keys):
    viewer = bearer(api_keys["viewer"])
    assert anonymous.get(TEMPLATE, params={"entity": "zones"}, headers=viewer).status_code == 200
    assert anonymous.get(ZONES, params={"format": "csv"}, headers=viewer).status_code == 200


def test_the_openapi_document_describes_the_template_and_the_exports(client):
    paths = client.get("/openapi.json").json()["paths"]
    template = paths[TEMPLATE]["get"]
    assert template["operationId"] == "importTemplate"
    assert XLSX_TYPE in template["responses"]["200"]["content"]
    (entity,) = [p for p in template["parameters"] if p["name"] == "entity"]
    assert entity["required"] is True
    for path in (ZONES, PROJECTS, "/api/v1/zones/{zone_id}/clearance"):
        operation = paths[path]["get"]
        content = operation["responses"]["200"]["content"]
        assert {"application/json", "text/csv; charset=utf-8", XLSX_TYPE} <= set(content), path
        params = {p["name"] for p in operation["parameters"]}
        assert {"format", "sep"} <= params, path
