"""Errors people can act on, and values in any case (docs/api.md, "Errors" and §2): the
examples of the issue a new user filed, each refused with a message in English and
Vietnamese and a hint, or now accepted."""

import re
from typing import Any

import pytest

from tests.factories import assert_problem, create_project, create_zone, project_body, zone_body

ZONES = "/api/v1/zones"
PROJECTS = "/api/v1/projects"
OCCUPANCY = "/api/v1/reports/occupancy"
HISTORY = "/api/v1/reports/occupancy/history"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def only_error(problem: dict[str, Any], field: str) -> dict[str, Any]:
    errors = [error for error in problem["errors"] if error["field"] == field]
    assert len(errors) == 1, problem
    return errors[0]


def bilingual(problem: dict[str, Any]) -> None:
    """Every error carries both languages, and so does the detail."""
    assert problem["detail_vi"] and problem["detail_vi"] != problem["detail"]
    for error in problem.get("errors", []):
        assert error["message_vi"] and error["message_vi"] != error["message"], error
        assert ("hint" in error) == ("hint_vi" in error)


# A number sent as text --------------------------------------------------------------------------


def test_a_decimal_comma_in_a_string_gets_a_hint(client) -> None:
    zone = create_zone(client)
    body = project_body(zone["id"], leased_ha="0,1")
    problem = assert_problem(client.post(PROJECTS, json=body), 422)
    bilingual(problem)
    error = only_error(problem, "leased_ha")
    assert error["message"] == "must be a JSON number"
    assert error["message_vi"] == "Phải là một số JSON (không đặt trong dấu ngoặc kép)"
    assert error["hint"] == (
        'send 0.1 as a JSON number, with a decimal point and no quotes: 0.1, not "0,1"'
    )
    assert error["hint_vi"].startswith("gửi 0.1 dưới dạng số JSON")
    assert problem["detail"] == "leased_ha: must be a JSON number"
    assert problem["detail_vi"] == "leased_ha: Phải là một số JSON (không đặt trong dấu ngoặc kép)"


def test_the_same_number_as_a_json_number_is_accepted(client) -> None:
    zone = create_zone(client)
    assert create_project(client, zone["id"], leased_ha=0.1)["leased_ha"] == 0.1


# Dates --------------------------------------------------------------------------------------------


def test_a_day_first_date_gets_a_hint(client) -> None:
    zone = create_zone(client)
    body = project_body(zone["id"], lease_start="14/06/2024")
    problem = assert_problem(client.post(PROJECTS, json=body), 422)
    bilingual(problem)
    error = only_error(problem, "lease_start")
    assert error["hint"] == "dates are written year-month-day: 2024-06-14, not 14/06/2024"


def test_a_day_first_as_of_gets_the_hint_too(client) -> None:
    problem = assert_problem(client.get(OCCUPANCY, params={"as_of": "24/06/2024"}), 422)
    bilingual(problem)
    assert only_error(problem, "query.as_of")["hint"].endswith("2024-06-24, not 24/06/2024")


# Countries ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["vn", "Vn", " vN "])
def test_a_country_code_is_taken_in_any_case(client, typed: str) -> None:
    zone = create_zone(client)
    project = create_project(client, zone["id"], investor_country=typed)
    assert project["investor_country"] == "VN"
    assert project["fdi"] is False


def test_the_country_filter_takes_any_case(client) -> None:
    zone = create_zone(client)
    korean = create_project(client, zone["id"], investor_country="KR")
    create_project(client, zone["id"], investor_country="VN")
    for typed in ("kr", "Kr", "KR"):
        page = client.get(PROJECTS, params={"investor_country": typed}).json()
        assert [item["id"] for item in page["items"]] == [korean["id"]], typed


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("xx", "use the two-letter ISO 3166-1 code, in any case: VN (Viet Nam)"),
        ("vnm", "use the two-letter ISO 3166-1 code: VN, not vnm"),
        ("Việt Nam", "use the two-letter ISO 3166-1 code: VN, not Việt Nam"),
    ],
)
def test_a_country_that_is_no_code_is_refused_with_a_hint(client, typed: str, hint: str) -> None:
    zone = create_zone(client)
    problem = assert_problem(
        client.post(PROJECTS, json=project_body(zone["id"], investor_country=typed)), 422
    )
    bilingual(problem)
    error = only_error(problem, "investor_country")
    assert error["message"] == "must be an ISO 3166-1 alpha-2 country code, e.g. VN, JP, KR"
    assert error["hint"].startswith(hint)


def test_the_country_filter_refuses_a_code_that_is_no_country(client) -> None:
    problem = assert_problem(client.get(PROJECTS, params={"investor_country": "xx"}), 422)
    assert only_error(problem, "query.investor_country")["hint"]


# Enumerated values in any case --------------------------------------------------------------------


def test_enumerated_body_values_in_any_case(client) -> None:
    zone = create_zone(client, kind="Park", status="OPERATING")
    assert (zone["kind"], zone["status"]) == ("park", "operating")
    project = create_project(
        client,
        zone["id"],
        land_use="Service",
        status="Under_Construction",
        registered_capital=1000,
        capital_currency="usd",
    )
    assert (project["land_use"], project["status"], project["capital_currency"]) == (
        "service",
        "under_construction",
        "USD",
    )
    patched = client.patch(f"{ZONES}/{zone['id']}", json={"status": "Suspended"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["status"] == "suspended"


def test_a_role_in_any_case(client) -> None:
    response = client.post("/api/v1/keys", json={"name": "reader", "role": "Viewer"})
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "viewer"


def test_an_unknown_value_lists_the_allowed_ones(client) -> None:
    problem = assert_problem(client.post(ZONES, json=zone_body(kind="parks")), 422)
    bilingual(problem)
    error = only_error(problem, "kind")
    assert error["message"] == "Input should be 'park' or 'cluster'"
    assert error["message_vi"] == "Phải là 'park' hoặc 'cluster'"
    assert error["hint"] == "did you mean park? One of: park, cluster (any case)"


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "Park"},
        {"kind": "CLUSTER"},
        {"status": "OPERATING"},
        {"sort": "Name"},
        {"sort": "-OCCUPANCY_RATE"},
    ],
)
def test_zone_list_parameters_in_any_case(client, params: dict[str, str]) -> None:
    create_zone(client, kind="park", status="operating")
    lower = client.get(ZONES, params={k: v.lower() for k, v in params.items()})
    typed = client.get(ZONES, params=params)
    assert typed.status_code == 200, typed.text
    assert typed.json() == lower.json()


@pytest.mark.parametrize(
    "params",
    [
        {"period": "2024-h1"},
        {"kind": "Park", "as_of": "2024-06-14"},
        {"scope": "All", "as_of": "2024-06-14"},
        {"boundaries": "Current", "as_of": "2024-06-14"},
    ],
)
def test_report_parameters_in_any_case(client, params: dict[str, str]) -> None:
    create_zone(client, effective_from="2020-01-01")
    lower = {k: v.lower() if k != "period" else "2024-H1" for k, v in params.items()}
    typed = client.get(OCCUPANCY, params=params)
    assert typed.status_code == 200, typed.text
    assert typed.json() == client.get(OCCUPANCY, params=lower).json()


def test_period_in_lower_case_is_the_half_year(client) -> None:
    report = client.get(OCCUPANCY, params={"period": "2024-h1"}).json()
    assert report["as_of"] == "2024-06-14"


def test_format_in_any_case(client) -> None:
    response = client.get(OCCUPANCY, params={"format": "XLSX", "as_of": "2024-06-14"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_TYPE
    geojson = client.get(OCCUPANCY, params={"format": "GeoJSON", "as_of": "2024-06-14"})
    assert geojson.status_code == 200 and geojson.json()["type"] == "FeatureCollection"


def test_interval_in_any_case(client) -> None:
    params = {"from": "2024-01-01", "to": "2024-03-31"}
    typed = client.get(HISTORY, params=params | {"interval": "Month"})
    assert typed.status_code == 200, typed.text
    assert typed.json() == client.get(HISTORY, params=params | {"interval": "month"}).json()


def test_a_wrong_period_gets_a_hint(client) -> None:
    problem = assert_problem(client.get(OCCUPANCY, params={"period": "H1-2024"}), 422)
    bilingual(problem)
    assert only_error(problem, "query.period")["hint"].startswith("period=2024-H1 is")


def test_the_openapi_document_describes_any_case(client) -> None:
    """Fuzzers and clients generate from the document: its patterns accept what the service
    accepts, and nothing else."""
    document = client.get("/openapi.json").json()
    parameters = document["paths"]["/api/v1/zones"]["get"]["parameters"]
    kind = next(p for p in parameters if p["name"] == "kind")["schema"]["anyOf"][0]
    pattern = re.compile(kind["pattern"])
    assert all(pattern.search(v) for v in ("park", "Park", "PARK", "cluster", "ClUsTeR"))
    assert not any(pattern.search(v) for v in ("parks", " park", "clusters", ""))
    assert "park, cluster" in kind["description"]
    body = document["components"]["schemas"]["ProjectCreate"]["properties"]["investor_country"]
    country = re.compile(body["pattern"])
    assert all(country.search(v) for v in ("VN", "vn", " jp "))
    assert not country.search("XX")


# Rules across fields name the field to fix ---------------------------------------------------------


def test_leasable_land_over_the_total_names_industrial_land(client) -> None:
    body = zone_body(total_area_ha=100, industrial_land_ha=95, service_land_ha=10)
    problem = assert_problem(client.post(ZONES, json=body), 422)
    bilingual(problem)
    error = only_error(problem, "industrial_land_ha")
    assert error["message"] == (
        "industrial_land_ha + service_land_ha must not exceed total_area_ha (100 ha)"
    )


@pytest.mark.parametrize(
    ("given", "missing"),
    [({"latitude": 20.8}, "longitude"), ({"longitude": 105.3}, "latitude")],
)
def test_a_coordinate_alone_names_the_one_missing(client, given, missing: str) -> None:
    problem = assert_problem(client.post(ZONES, json=zone_body(**given)), 422)
    bilingual(problem)
    error = only_error(problem, missing)
    other = "latitude" if missing == "longitude" else "longitude"
    assert error["message"] == (
        f"is required with {other}: latitude and longitude go together (both or neither)"
    )


def test_relocated_households_over_the_total_name_households_relocated(client) -> None:
    zone = create_zone(client)
    body = {
        "recorded_on": "2024-01-01",
        "cleared_ha": 1,
        "households_total": 10,
        "households_relocated": 12,
    }
    problem = assert_problem(client.post(f"{ZONES}/{zone['id']}/clearance", json=body), 422)
    bilingual(problem)
    error = only_error(problem, "households_relocated")
    assert error["message"] == "must not exceed households_total (10)"
    assert error["message_vi"] == "Không được vượt quá households_total (tổng số hộ, 10)"


def test_capital_without_currency_names_the_currency(client) -> None:
    zone = create_zone(client)
    body = project_body(zone["id"], registered_capital=1000)
    problem = assert_problem(client.post(PROJECTS, json=body), 422)
    bilingual(problem)
    assert only_error(problem, "capital_currency")["message_vi"] == (
        "Bắt buộc khi có registered_capital (vốn đăng ký)"
    )


def test_no_error_is_reported_under_body_for_these_rules(client) -> None:
    zone = create_zone(client)
    bodies = [
        (ZONES, zone_body(total_area_ha=10, industrial_land_ha=10, service_land_ha=1)),
        (ZONES, zone_body(latitude=20.8)),
        (
            f"{ZONES}/{zone['id']}/clearance",
            {
                "recorded_on": "2024-01-01",
                "cleared_ha": 1,
                "households_total": 1,
                "households_relocated": 2,
            },
        ),
        (PROJECTS, project_body(zone["id"], capital_currency="VND")),
        (PROJECTS, project_body(zone["id"], lease_start="2024-01-01", lease_end="2023-01-01")),
    ]
    for url, body in bodies:
        problem = assert_problem(client.post(url, json=body), 422)
        assert "body" not in [e["field"] for e in problem["errors"]], problem


# 409s name the zone by code, with numbers as stored ------------------------------------------------


def test_capacity_exceeded_names_the_zone_by_code(client) -> None:
    zone = create_zone(client, code="KCN-FULL", industrial_land_ha=70, service_land_ha=10)
    create_project(client, zone["id"], leased_ha=67.5)
    response = client.post(PROJECTS, json=project_body(zone["id"], leased_ha=12.25))
    problem = assert_problem(response, 409)
    assert problem["type"].endswith("/capacity-exceeded")
    assert problem["detail"] == (
        "zone KCN-FULL has 2.5 ha of industrial land free over the requested period, "
        "12.25 ha requested"
    )
    assert problem["detail_vi"] == (
        "Khu/cụm KCN-FULL chỉ còn 2.5 ha đất công nghiệp trống trong thời gian yêu cầu; "
        "yêu cầu 12.25 ha"
    )
    assert (problem["zone_id"], problem["zone_code"]) == (zone["id"], "KCN-FULL")
    assert (problem["available_ha"], problem["requested_ha"]) == (2.5, 12.25)


def test_land_overbooked_names_the_zone_by_code(client) -> None:
    zone = create_zone(client, code="KCN-SHRINK", effective_from="2020-01-01")
    create_project(client, zone["id"], leased_ha=60, lease_start="2020-01-01")
    response = client.patch(f"{ZONES}/{zone['id']}", json={"industrial_land_ha": 50.5})
    problem = assert_problem(response, 409)
    assert problem["zone_code"] == "KCN-SHRINK"
    assert problem["detail"].startswith(
        "leases in zone KCN-SHRINK hold 60 ha of industrial land from "
    )
    assert problem["detail"].endswith(", where the zone would have 50.5 ha")
    assert problem["detail_vi"].startswith(
        "Các hợp đồng thuê trong khu/cụm KCN-SHRINK chiếm 60 ha đất công nghiệp từ "
    )
    assert problem["detail_vi"].endswith("trong khi khu/cụm sẽ chỉ có 50.5 ha")


def test_land_in_use_by_clearance_names_the_zone_by_code(client) -> None:
    zone = create_zone(client, code="KCN-CLR", effective_from="2020-01-01")
    record = {"recorded_on": "2024-01-01", "cleared_ha": 40.5}
    assert client.post(f"{ZONES}/{zone['id']}/clearance", json=record).status_code == 201
    response = client.patch(f"{ZONES}/{zone['id']}", json={"clearance_required_ha": 30})
    problem = assert_problem(response, 409)
    assert problem["zone_code"] == "KCN-CLR"
    assert problem["detail"].startswith(
        "the clearance record of zone KCN-CLR on 2024-01-01 states 40.5 ha cleared;"
    )
    assert problem["detail_vi"].startswith(
        "Bản ghi giải phóng mặt bằng của khu/cụm KCN-CLR ngày 2024-01-01 ghi đã giải phóng 40.5 ha;"
    )


def test_a_second_record_on_one_day_names_the_zone_by_code(client) -> None:
    zone = create_zone(client, code="KCN-DAY")
    record = {"recorded_on": "2024-01-01", "cleared_ha": 1}
    assert client.post(f"{ZONES}/{zone['id']}/clearance", json=record).status_code == 201
    problem = assert_problem(client.post(f"{ZONES}/{zone['id']}/clearance", json=record), 409)
    assert problem["detail"] == "zone KCN-DAY already has a clearance record for 2024-01-01"
    assert (
        problem["detail_vi"] == "Khu/cụm KCN-DAY đã có bản ghi giải phóng mặt bằng ngày 2024-01-01"
    )
    assert problem["zone_code"] == "KCN-DAY"


def test_deleting_a_zone_with_history_names_it_by_code(client) -> None:
    zone = create_zone(client, code="KCN-KEEP")
    create_project(client, zone["id"])
    problem = assert_problem(client.delete(f"{ZONES}/{zone['id']}"), 409)
    assert problem["detail"].startswith("zone KCN-KEEP has 1 project(s)")
    assert problem["detail_vi"].startswith("Khu/cụm KCN-KEEP có 1 dự án")
    assert problem["zone_code"] == "KCN-KEEP"


# Every problem is bilingual -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("POST", ZONES, {}, 422),
        ("POST", ZONES, {"code": "x", "name": "", "kind": 1, "total_area_ha": -1}, 422),
        ("POST", ZONES, {"unknown": 1}, 422),
        ("GET", f"{ZONES}/999999", None, 404),
        ("GET", "/api/v1/nothing-here", None, 404),
        ("PUT", ZONES, None, 405),
        ("GET", f"{OCCUPANCY}?as_of=2024-06-14&period=2024", None, 422),
    ],
)
def test_every_problem_is_bilingual(client, method, url, body, status) -> None:
    problem = assert_problem(client.request(method, url, json=body), status)
    bilingual(problem)


def test_message_stays_english_whatever_the_accept_language(client) -> None:
    response = client.post(ZONES, json={}, headers={"Accept-Language": "vi"})
    problem = assert_problem(response, 422)
    assert only_error(problem, "code")["message"] == "Field required"
    assert only_error(problem, "code")["message_vi"] == "Thiếu trường bắt buộc"


def test_a_filing_takes_its_report_and_parameters_in_any_case(client) -> None:
    create_zone(client, effective_from="2020-01-01")
    body = {"report": "Occupancy", "params": {"period": "2024-h1", "kind": "PARK", "scope": "All"}}
    response = client.post("/api/v1/filings", json=body)
    assert response.status_code == 201, response.text
    filed = response.json()
    assert filed["report"] == "occupancy"
    assert filed["params"]["period"] == "2024-H1"
    assert (filed["params"]["kind"], filed["params"]["scope"]) == ("park", "all")
