"""HTTP tests of the investor-projects part of the contract (api-contract.md §1, §3).

Every refusal also checks that the stored state (projects and the zone's occupancy) did not
change.
"""

import json
import re
from datetime import datetime
from typing import Any

import pytest

from tests.factories import (
    assert_invalid,
    assert_invalid_param,
    assert_problem,
    create_project,
    create_zone,
    project_body,
)

PROJECTS = "/api/v1/projects"
ZONES = "/api/v1/zones"
MISSING = object()
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
READ_ONLY_FIELDS = [
    "id",
    "zone_code",
    "fdi",
    "terminated_on",
    "termination_reason",
    "created_at",
    "updated_at",
]


# ---------------------------------------------------------------------------- helpers


def project_url(project_id: Any) -> str:
    return f"{PROJECTS}/{project_id}"


def terminate_url(project_id: Any) -> str:
    return f"{PROJECTS}/{project_id}/terminate"


def send_json(client, method: str, url: str, body: Any):
    """Send a body serialised with ASCII escapes (so it can hold any code point)."""
    return client.request(
        method, url, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )


def with_overrides(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    body = dict(base)
    for name, value in overrides.items():
        if value is MISSING:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def case_id(value: Any) -> str | None:
    if isinstance(value, tuple):
        return "|".join(value)
    if isinstance(value, dict):
        return ",".join(
            f"{k}=" + ("MISSING" if v is MISSING else ascii(v)[:30]) for k, v in value.items()
        )
    return None


def all_projects(client) -> dict[str, Any]:
    response = client.get(PROJECTS, params={"limit": 500})
    assert response.status_code == 200, response.text
    return response.json()


def get_project(client, project_id: int) -> dict[str, Any]:
    response = client.get(project_url(project_id))
    assert response.status_code == 200, response.text
    return response.json()


def get_zone(client, zone_id: int) -> dict[str, Any]:
    response = client.get(f"{ZONES}/{zone_id}")
    assert response.status_code == 200, response.text
    return response.json()


def occupancy(client, zone_id: int, as_of: str) -> dict[str, Any]:
    response = client.get(f"{ZONES}/{zone_id}/occupancy", params={"as_of": as_of})
    assert response.status_code == 200, response.text
    return response.json()


def state(client, zone_id: int) -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    return all_projects(client), get_zone(client, zone_id)


def assert_capacity_exceeded(
    response, *, zone_id: int, land_use: str, requested_ha: float, available_ha: float
) -> dict[str, Any]:
    body = assert_problem(response, 409)
    assert body["type"].endswith("/capacity-exceeded"), body
    assert body["zone_id"] == zone_id
    assert body["land_use"] == land_use
    assert body["requested_ha"] == requested_ha
    assert body["available_ha"] == available_ha
    return body


def refuse_create(client, zone_id: int, body: dict[str, Any], *fields: str) -> dict[str, Any]:
    before = state(client, zone_id)
    problem = assert_invalid(send_json(client, "POST", PROJECTS, body), *fields)
    assert state(client, zone_id) == before
    return problem


def refuse_patch(client, project: dict[str, Any], body: dict[str, Any], *fields: str):
    before = state(client, project["zone_id"])
    problem = assert_invalid(send_json(client, "PATCH", project_url(project["id"]), body), *fields)
    assert state(client, project["zone_id"]) == before
    return problem


def ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["items"]]


@pytest.fixture
def zone(client) -> dict[str, Any]:
    return create_zone(
        client, code="KCN-PRJ", total_area_ha=100, industrial_land_ha=70, service_land_ha=10
    )


# ---------------------------------------------------------------------------- create


def test_create_returns_201_with_location(client, zone):
    response = client.post(PROJECTS, json=project_body(zone["id"]))
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"].endswith(f"/api/v1/projects/{created['id']}")
    assert client.get(response.headers["location"]).json() == created


def test_create_returns_every_field(client, zone):
    body = project_body(
        zone["id"],
        name="Nhà máy sản xuất linh kiện điện tử Đông Á",
        investor="Công ty TNHH Điện tử Ưu Việt",
        investor_country="VN",
        project_code="2143658709",
        sector="26100",
        registered_capital=1_500_000_000_000,
        capital_currency="VND",
        land_use="industrial",
        leased_ha=12.3456,
        lease_start="2021-03-01",
        lease_end="2071-03-01",
        status="operating",
        employees=1200,
    )
    response = client.post(PROJECTS, json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    for name, value in body.items():
        assert created[name] == value, name
    assert created["zone_code"] == "KCN-PRJ"
    assert created["fdi"] is False
    assert created["terminated_on"] is None
    assert created["termination_reason"] is None
    assert isinstance(created["id"], int)
    assert TIMESTAMP.match(created["created_at"]) and TIMESTAMP.match(created["updated_at"])


def test_create_defaults(client, zone):
    created = create_project(client, zone["id"])
    assert created["status"] == "registered"
    assert created["land_use"] == "industrial"
    for name in (
        "project_code",
        "sector",
        "registered_capital",
        "capital_currency",
        "lease_end",
        "employees",
        "terminated_on",
        "termination_reason",
    ):
        assert created[name] is None, name


def test_create_foreign_investor_is_fdi(client, zone):
    created = create_project(
        client,
        zone["id"],
        investor_country="JP",
        registered_capital=25_000_000.5,
        capital_currency="USD",
    )
    assert created["fdi"] is True
    assert created["investor_country"] == "JP"
    assert created["registered_capital"] == 25_000_000.5


def test_create_trims_strings(client, zone):
    created = create_project(
        client,
        zone["id"],
        name="  Nhà máy A ",
        investor="\tCông ty B ",
        project_code=" IRC-1 ",
        sector=" 2599 ",
    )
    assert created["name"] == "Nhà máy A"
    assert created["investor"] == "Công ty B"
    assert created["project_code"] == "IRC-1"
    assert created["sector"] == "2599"


def test_create_trims_investor_country(client, zone):
    """§1: strings are trimmed (before the ISO 3166 check)."""
    response = client.post(PROJECTS, json=project_body(zone["id"], investor_country=" KR "))
    assert response.status_code == 201, response.text
    assert response.json()["investor_country"] == "KR"


def test_create_vietnamese_text_round_trips(client, zone):
    name = "Dự án đầu tư xây dựng nhà máy Ưng Hoàng – giai đoạn Ⅱ"
    investor = "Tập đoàn Hòa Phát (CTCP) – Chi nhánh Quảng Ngãi"
    created = create_project(client, zone["id"], name=name, investor=investor)
    fetched = get_project(client, created["id"])
    assert (fetched["name"], fetched["investor"]) == (name, investor)


def test_create_boundaries_are_accepted(client, zone):
    created = create_project(
        client,
        zone["id"],
        leased_ha=0.0001,
        employees=1_000_000,
        sector="1",
        registered_capital=0,
        capital_currency="VND",
        name="x" * 200,
        investor="ệ" * 200,
        project_code="P" * 50,
        lease_start="2020-01-01",
        lease_end="2020-01-02",
    )
    assert created["leased_ha"] == 0.0001
    assert created["employees"] == 1_000_000
    assert created["sector"] == "1"
    assert created["registered_capital"] == 0
    other = create_project(client, zone["id"], employees=0, sector="01234")
    assert other["employees"] == 0
    assert other["sector"] == "01234"


def test_projects_without_code_do_not_collide(client, zone):
    first = create_project(client, zone["id"], project_code=None)
    second = create_project(client, zone["id"], project_code=None)
    assert first["id"] != second["id"]


def test_create_counts_in_zone_occupancy(client, zone):
    create_project(client, zone["id"], leased_ha=7, lease_start="2020-01-01")
    got = get_zone(client, zone["id"])
    assert got["leased_industrial_ha"] == 7
    assert got["occupancy_rate"] == 0.1
    assert got["active_projects"] == 1


# ---------------------------------------------------------------------------- create refusals


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        # zone_id
        ({"zone_id": MISSING}, "zone_id"),
        ({"zone_id": None}, "zone_id"),
        ({"zone_id": "1"}, "zone_id"),
        ({"zone_id": 1.5}, "zone_id"),
        ({"zone_id": 0}, "zone_id"),
        ({"zone_id": 99999999999}, "zone_id"),
        # name, investor
        ({"name": MISSING}, "name"),
        ({"name": ""}, "name"),
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Nhà\u0000máy"}, "name"),
        ({"name": "Nhà\nmáy"}, "name"),
        ({"investor": MISSING}, "investor"),
        ({"investor": None}, "investor"),
        ({"investor": ""}, "investor"),
        ({"investor": "x" * 201}, "investor"),
        ({"investor": "Công\u0001ty"}, "investor"),
        # investor_country
        ({"investor_country": MISSING}, "investor_country"),
        ({"investor_country": None}, "investor_country"),
        ({"investor_country": "vnm"}, "investor_country"),
        ({"investor_country": "xx"}, "investor_country"),
        ({"investor_country": "XX"}, "investor_country"),
        ({"investor_country": "UK"}, "investor_country"),
        ({"investor_country": "VNM"}, "investor_country"),
        ({"investor_country": "V"}, "investor_country"),
        ({"investor_country": ""}, "investor_country"),
        ({"investor_country": 84}, "investor_country"),
        # project_code
        ({"project_code": "P" * 51}, "project_code"),
        ({"project_code": ""}, "project_code"),
        ({"project_code": "IRC\u00001"}, "project_code"),
        # sector
        ({"sector": "ABC"}, "sector"),
        ({"sector": "123456"}, "sector"),
        ({"sector": "12a"}, "sector"),
        ({"sector": ""}, "sector"),
        ({"sector": "-1"}, "sector"),
        ({"sector": 2599}, "sector"),
        # capital
        ({"registered_capital": 1000}, ("capital_currency", "registered_capital")),
        ({"capital_currency": "USD"}, ("capital_currency", "registered_capital")),
        ({"registered_capital": 1000.5, "capital_currency": "VND"}, "registered_capital"),
        ({"registered_capital": -1, "capital_currency": "USD"}, "registered_capital"),
        ({"registered_capital": "1000", "capital_currency": "USD"}, "registered_capital"),
        ({"registered_capital": 1000, "capital_currency": "EUR"}, "capital_currency"),
        ({"registered_capital": 1000, "capital_currency": "usd$"}, "capital_currency"),
        # land_use, status
        ({"land_use": "residential"}, "land_use"),
        ({"land_use": None}, "land_use"),
        ({"status": "terminated"}, "status"),
        ({"status": "active"}, "status"),
        ({"status": None}, "status"),
        # leased_ha
        ({"leased_ha": MISSING}, "leased_ha"),
        ({"leased_ha": None}, "leased_ha"),
        ({"leased_ha": 0}, "leased_ha"),
        ({"leased_ha": -1}, "leased_ha"),
        ({"leased_ha": 0.00001}, "leased_ha"),
        ({"leased_ha": 1.23456}, "leased_ha"),
        ({"leased_ha": "10"}, "leased_ha"),
        ({"leased_ha": True}, "leased_ha"),
        # dates
        ({"lease_start": MISSING}, "lease_start"),
        ({"lease_start": None}, "lease_start"),
        ({"lease_start": "24/06/2024"}, "lease_start"),
        ({"lease_start": "2024-02-30"}, "lease_start"),
        ({"lease_start": "2024-06-24T00:00:00Z"}, "lease_start"),
        ({"lease_end": "01/01/2070"}, "lease_end"),
        ({"lease_start": "2020-01-01", "lease_end": "2020-01-01"}, "lease_end"),
        ({"lease_start": "2020-01-01", "lease_end": "2019-12-31"}, "lease_end"),
        # employees
        ({"employees": 1_000_001}, "employees"),
        ({"employees": -1}, "employees"),
        ({"employees": 1.5}, "employees"),
        ({"employees": "10"}, "employees"),
        # unknown and read-only fields
        ({"foo": "bar"}, "foo"),
        *[({name: None}, name) for name in READ_ONLY_FIELDS],
    ],
    ids=case_id,
)
def test_create_refuses_invalid_field(client, zone, overrides, field):
    fields = field if isinstance(field, tuple) else (field,)
    refuse_create(client, zone["id"], with_overrides(project_body(zone["id"]), overrides), *fields)


def test_create_in_unknown_zone_is_422_naming_zone_id(client, zone):
    body = project_body(zone["id"] + 1000)
    problem = refuse_create(client, zone["id"], body, "zone_id")
    assert problem["status"] == 422


@pytest.mark.parametrize("code", ["IRC-0001", "  IRC-0001 "])
def test_create_refuses_duplicate_project_code(client, zone, code):
    create_project(client, zone["id"], project_code="IRC-0001")
    before = state(client, zone["id"])
    response = client.post(PROJECTS, json=project_body(zone["id"], project_code=code))
    assert_problem(response, 409)
    assert state(client, zone["id"]) == before


def test_create_refuses_unpaired_surrogate_in_text(client, zone):
    before = state(client, zone["id"])
    response = send_json(client, "POST", PROJECTS, project_body(zone["id"], investor="A\udc00B"))
    assert_invalid(response, "investor")
    assert state(client, zone["id"]) == before


# ---------------------------------------------------------------------------- capacity


def test_capacity_fills_exactly_and_refuses_one_square_metre_more(client):
    zone = create_zone(client, total_area_ha=1, industrial_land_ha=0.3, service_land_ha=0)
    create_project(client, zone["id"], leased_ha=0.1)
    create_project(client, zone["id"], leased_ha=0.2)
    assert get_zone(client, zone["id"])["available_ha"] == 0
    before = state(client, zone["id"])
    response = client.post(PROJECTS, json=project_body(zone["id"], leased_ha=0.0001))
    assert_capacity_exceeded(
        response, zone_id=zone["id"], land_use="industrial", requested_ha=0.0001, available_ha=0
    )
    assert state(client, zone["id"]) == before


def test_capacity_refuses_lease_in_zone_without_land_of_that_use(client):
    zone = create_zone(client, total_area_ha=10, industrial_land_ha=0, service_land_ha=0)
    before = state(client, zone["id"])
    response = client.post(PROJECTS, json=project_body(zone["id"], leased_ha=1))
    assert_capacity_exceeded(
        response, zone_id=zone["id"], land_use="industrial", requested_ha=1, available_ha=0
    )
    assert state(client, zone["id"]) == before


def test_capacity_counts_future_leases(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
    create_project(client, zone["id"], leased_ha=8, lease_start="2090-01-01")
    response = client.post(
        PROJECTS, json=project_body(zone["id"], leased_ha=3, lease_start="2020-01-01")
    )
    assert_capacity_exceeded(
        response, zone_id=zone["id"], land_use="industrial", requested_ha=3, available_ha=2
    )
    # ending before the future lease starts leaves the whole zone free
    create_project(
        client, zone["id"], leased_ha=10, lease_start="2020-01-01", lease_end="2090-01-01"
    )


@pytest.fixture
def overlapping(client):
    """100 ha industrial: A 60 ha 2020-01-01..2022-01-01, B 30 ha from 2021-01-01 (peak 90)."""
    zone = create_zone(client, total_area_ha=120, industrial_land_ha=100, service_land_ha=10)
    create_project(
        client, zone["id"], leased_ha=60, lease_start="2020-01-01", lease_end="2022-01-01"
    )
    create_project(client, zone["id"], leased_ha=30, lease_start="2021-01-01")
    return zone


def test_capacity_overlapping_leases_peak(client, overlapping):
    zone_id = overlapping["id"]
    assert occupancy(client, zone_id, "2021-06-01")["leased_industrial_ha"] == 90
    assert occupancy(client, zone_id, "2022-01-01")["leased_industrial_ha"] == 30


@pytest.mark.parametrize(
    ("lease_start", "lease_end", "requested", "available"),
    [
        ("2019-01-01", None, 10.0001, 10),  # open lease spans the 2021 peak
        ("2020-06-01", "2021-06-01", 10.0001, 10),  # spans the start of B
        ("2019-06-01", "2020-06-01", 40.0001, 40),  # spans the start of A only
        ("2021-12-31", "2022-01-02", 10.0001, 10),  # one day of the peak
        ("2022-01-01", None, 70.0001, 70),  # after A ended
    ],
)
def test_capacity_available_is_least_free_area_over_the_period(
    client, overlapping, lease_start, lease_end, requested, available
):
    zone_id = overlapping["id"]
    before = state(client, zone_id)
    body = project_body(zone_id, leased_ha=requested, lease_start=lease_start, lease_end=lease_end)
    assert_capacity_exceeded(
        client.post(PROJECTS, json=body),
        zone_id=zone_id,
        land_use="industrial",
        requested_ha=requested,
        available_ha=available,
    )
    assert state(client, zone_id) == before
    # exactly the available area fits
    create_project(
        client, zone_id, leased_ha=available, lease_start=lease_start, lease_end=lease_end
    )


def test_capacity_before_any_lease_the_whole_zone_is_free(client, overlapping):
    create_project(
        client, overlapping["id"], leased_ha=100, lease_start="2015-01-01", lease_end="2020-01-01"
    )


def test_capacity_fills_after_the_peak(client, overlapping):
    zone_id = overlapping["id"]
    create_project(client, zone_id, leased_ha=10, lease_start="2020-06-01")  # peak now 100
    create_project(client, zone_id, leased_ha=60, lease_start="2022-01-01")  # 30+10+60 = 100
    response = client.post(
        PROJECTS, json=project_body(zone_id, leased_ha=0.0001, lease_start="2019-01-01")
    )
    assert_capacity_exceeded(
        response, zone_id=zone_id, land_use="industrial", requested_ha=0.0001, available_ha=0
    )


def test_capacity_lease_starting_when_another_ended_reuses_its_land(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
    create_project(
        client, zone["id"], leased_ha=10, lease_start="2020-01-01", lease_end="2025-01-01"
    )
    before = state(client, zone["id"])
    early = client.post(
        PROJECTS, json=project_body(zone["id"], leased_ha=10, lease_start="2024-12-31")
    )
    assert_capacity_exceeded(
        early, zone_id=zone["id"], land_use="industrial", requested_ha=10, available_ha=0
    )
    assert state(client, zone["id"]) == before
    create_project(client, zone["id"], leased_ha=10, lease_start="2025-01-01")


def test_capacity_lease_ending_when_another_starts_fits(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
    create_project(client, zone["id"], leased_ha=10, lease_start="2025-01-01")
    create_project(
        client, zone["id"], leased_ha=10, lease_start="2020-01-01", lease_end="2025-01-01"
    )
    response = client.post(
        PROJECTS,
        json=project_body(
            zone["id"], leased_ha=10, lease_start="2020-01-01", lease_end="2025-01-02"
        ),
    )
    assert_capacity_exceeded(
        response, zone_id=zone["id"], land_use="industrial", requested_ha=10, available_ha=0
    )


def test_capacity_service_land_is_a_separate_pool(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=5)
    create_project(client, zone["id"], leased_ha=10)  # industrial full
    service = create_project(client, zone["id"], leased_ha=5, land_use="service")
    assert service["land_use"] == "service"
    got = get_zone(client, zone["id"])
    assert got["leased_industrial_ha"] == 10
    assert got["leased_service_ha"] == 5
    assert got["available_ha"] == 0
    assert got["occupancy_rate"] == 1
    assert got["occupancy_rate_incl_service"] == 1
    before = state(client, zone["id"])
    response = client.post(
        PROJECTS, json=project_body(zone["id"], leased_ha=0.0001, land_use="service")
    )
    assert_capacity_exceeded(
        response, zone_id=zone["id"], land_use="service", requested_ha=0.0001, available_ha=0
    )
    assert state(client, zone["id"]) == before


def test_capacity_service_leases_do_not_use_industrial_land(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=5)
    create_project(client, zone["id"], leased_ha=5, land_use="service")
    create_project(client, zone["id"], leased_ha=10, land_use="industrial")


def test_capacity_terminated_lease_frees_land_from_terminated_on(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
    first = create_project(client, zone["id"], leased_ha=10, lease_start="2020-01-01")
    response = client.post(
        terminate_url(first["id"]), json={"terminated_on": "2023-01-01", "reason": "Nhà đầu tư rút"}
    )
    assert response.status_code == 200, response.text
    before = state(client, zone["id"])
    early = client.post(
        PROJECTS, json=project_body(zone["id"], leased_ha=1, lease_start="2022-12-31")
    )
    assert_capacity_exceeded(
        early, zone_id=zone["id"], land_use="industrial", requested_ha=1, available_ha=0
    )
    assert state(client, zone["id"]) == before
    create_project(client, zone["id"], leased_ha=10, lease_start="2023-01-01")


# ---------------------------------------------------------------------------- read one


def test_get_returns_the_project(client, zone):
    created = create_project(client, zone["id"])
    assert get_project(client, created["id"]) == created


def test_get_unknown_project_is_404(client, zone):
    created = create_project(client, zone["id"])
    assert_problem(client.get(project_url(created["id"] + 1000)), 404)


@pytest.mark.parametrize("bad_id", ["abc", "1.5"])
def test_get_non_numeric_id_is_422(client, bad_id):
    assert_problem(client.get(project_url(bad_id)), 422)


@pytest.mark.parametrize("bad_id", ["99999999999", "0", "-5"])
def test_get_out_of_range_id_is_422(client, bad_id):
    """Ids are positive 32-bit integers in the path's schema: anything else never reaches the
    database, on either backend."""
    assert_invalid_param(client.get(project_url(bad_id)), "project_id")


# ---------------------------------------------------------------------------- patch


def test_patch_changes_only_the_given_fields(client, zone):
    project = create_project(client, zone["id"], sector="2599", employees=10)
    response = client.patch(
        project_url(project["id"]),
        json={"name": " Nhà máy mới ", "status": "operating", "employees": 250},
    )
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["name"] == "Nhà máy mới"
    assert patched["status"] == "operating"
    assert patched["employees"] == 250
    untouched = {
        k: v for k, v in project.items() if k not in ("name", "status", "employees", "updated_at")
    }
    assert {k: patched[k] for k in untouched} == untouched
    assert datetime.fromisoformat(patched["updated_at"]) >= datetime.fromisoformat(
        project["updated_at"]
    )
    assert get_project(client, project["id"]) == patched


def test_patch_investor_country_changes_fdi(client, zone):
    project = create_project(client, zone["id"], investor_country="VN")
    response = client.patch(project_url(project["id"]), json={"investor_country": "SG"})
    assert response.status_code == 200, response.text
    assert response.json()["fdi"] is True


def test_patch_nullable_fields_to_null(client, zone):
    project = create_project(
        client,
        zone["id"],
        project_code="IRC-N",
        sector="10",
        registered_capital=5,
        capital_currency="USD",
        lease_end="2070-01-01",
        employees=5,
    )
    nulls = {
        "project_code": None,
        "sector": None,
        "registered_capital": None,
        "capital_currency": None,
        "lease_end": None,
        "employees": None,
    }
    response = client.patch(project_url(project["id"]), json=nulls)
    assert response.status_code == 200, response.text
    for name in nulls:
        assert response.json()[name] is None, name


def test_patch_within_capacity_is_200(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
    create_project(client, zone["id"], leased_ha=6)
    project = create_project(client, zone["id"], leased_ha=3)
    response = client.patch(project_url(project["id"]), json={"leased_ha": 4})
    assert response.status_code == 200, response.text
    assert response.json()["leased_ha"] == 4
    assert get_zone(client, zone["id"])["leased_industrial_ha"] == 10


def test_patch_leased_ha_beyond_capacity_is_409(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
    create_project(client, zone["id"], leased_ha=6)
    project = create_project(client, zone["id"], leased_ha=3)
    before = state(client, zone["id"])
    response = client.patch(project_url(project["id"]), json={"leased_ha": 4.0001})
    assert_capacity_exceeded(
        response, zone_id=zone["id"], land_use="industrial", requested_ha=4.0001, available_ha=4
    )
    assert state(client, zone["id"]) == before


def test_patch_of_a_full_zone_does_not_count_the_project_twice(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
    project = create_project(client, zone["id"], leased_ha=10)
    for body in (
        {"leased_ha": 10},
        {"name": "Đổi tên"},
        {"lease_start": "2019-01-01"},
        {"lease_end": "2080-01-01"},
    ):
        response = client.patch(project_url(project["id"]), json=body)
        assert response.status_code == 200, (body, response.text)


def test_patch_moving_lease_start_into_a_full_period_is_409(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
    create_project(
        client, zone["id"], leased_ha=10, lease_start="2020-01-01", lease_end="2025-01-01"
    )
    project = create_project(client, zone["id"], leased_ha=10, lease_start="2025-01-01")
    before = state(client, zone["id"])
    response = client.patch(project_url(project["id"]), json={"lease_start": "2024-06-01"})
    assert_capacity_exceeded(
        response, zone_id=zone["id"], land_use="industrial", requested_ha=10, available_ha=0
    )
    assert state(client, zone["id"]) == before


def test_patch_extending_lease_end_into_a_full_period_is_409(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
    project = create_project(
        client, zone["id"], leased_ha=10, lease_start="2020-01-01", lease_end="2025-01-01"
    )
    create_project(client, zone["id"], leased_ha=10, lease_start="2025-01-01")
    before = state(client, zone["id"])
    response = client.patch(project_url(project["id"]), json={"lease_end": None})
    assert_capacity_exceeded(
        response, zone_id=zone["id"], land_use="industrial", requested_ha=10, available_ha=0
    )
    assert state(client, zone["id"]) == before


def test_patch_land_use_into_a_full_pool_is_409(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=2)
    create_project(client, zone["id"], leased_ha=2, land_use="service")
    project = create_project(client, zone["id"], leased_ha=3)
    before = state(client, zone["id"])
    response = client.patch(project_url(project["id"]), json={"land_use": "service"})
    assert_capacity_exceeded(
        response, zone_id=zone["id"], land_use="service", requested_ha=3, available_ha=0
    )
    assert state(client, zone["id"]) == before


def test_patch_land_use_with_room_moves_the_land(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=5)
    project = create_project(client, zone["id"], leased_ha=3)
    response = client.patch(project_url(project["id"]), json={"land_use": "service"})
    assert response.status_code == 200, response.text
    got = get_zone(client, zone["id"])
    assert (got["leased_industrial_ha"], got["leased_service_ha"]) == (0, 3)


def test_patch_zone_id_is_422(client, zone):
    other = create_zone(client)
    project = create_project(client, zone["id"])
    refuse_patch(client, project, {"zone_id": other["id"]}, "zone_id")
    assert get_project(client, project["id"])["zone_id"] == zone["id"]


@pytest.mark.parametrize(
    "field",
    ["name", "investor", "investor_country", "land_use", "leased_ha", "lease_start", "status"],
)
def test_patch_required_field_to_null_is_422(client, zone, field):
    project = create_project(client, zone["id"])
    refuse_patch(client, project, {field: None}, field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "A\u0000B"}, "name"),
        ({"investor_country": "zz"}, "investor_country"),
        ({"investor_country": "XX"}, "investor_country"),
        ({"sector": "ABC"}, "sector"),
        ({"sector": "123456"}, "sector"),
        ({"leased_ha": 0}, "leased_ha"),
        ({"leased_ha": 1.00001}, "leased_ha"),
        ({"leased_ha": "5"}, "leased_ha"),
        ({"lease_start": "2020/01/01"}, "lease_start"),
        ({"lease_end": "2020-01-01"}, "lease_end"),  # == lease_start
        ({"lease_end": "2019-01-01"}, "lease_end"),
        ({"lease_start": "2030-01-01"}, ("lease_end", "lease_start")),  # after lease_end
        ({"registered_capital": 100}, ("capital_currency", "registered_capital")),
        ({"capital_currency": "VND"}, ("capital_currency", "registered_capital")),
        ({"registered_capital": 1.5, "capital_currency": "VND"}, "registered_capital"),
        ({"employees": 1_000_001}, "employees"),
        ({"status": "terminated"}, "status"),
        ({"land_use": "housing"}, "land_use"),
        ({"foo": 1}, "foo"),
        *[({name: None}, name) for name in READ_ONLY_FIELDS],
    ],
    ids=case_id,
)
def test_patch_refuses_invalid_field(client, zone, body, field):
    project = create_project(client, zone["id"], lease_start="2020-01-01", lease_end="2025-01-01")
    fields = field if isinstance(field, tuple) else (field,)
    refuse_patch(client, project, body, *fields)


def test_patch_capital_currency_null_while_capital_is_set_is_422(client, zone):
    project = create_project(client, zone["id"], registered_capital=10, capital_currency="USD")
    refuse_patch(
        client, project, {"capital_currency": None}, "capital_currency", "registered_capital"
    )


def test_patch_to_duplicate_project_code_is_409(client, zone):
    create_project(client, zone["id"], project_code="IRC-A")
    project = create_project(client, zone["id"], project_code="IRC-B")
    before = state(client, zone["id"])
    assert_problem(client.patch(project_url(project["id"]), json={"project_code": "IRC-A"}), 409)
    assert state(client, zone["id"]) == before


def test_patch_keeping_own_project_code_is_200(client, zone):
    project = create_project(client, zone["id"], project_code="IRC-OWN")
    response = client.patch(project_url(project["id"]), json={"project_code": "IRC-OWN"})
    assert response.status_code == 200, response.text


def test_patch_unknown_project_is_404(client, zone):
    project = create_project(client, zone["id"])
    assert_problem(client.patch(project_url(project["id"] + 1000), json={"name": "X"}), 404)


def test_patch_bad_id_is_422(client):
    assert_problem(client.patch(project_url("abc"), json={"name": "X"}), 422)


# ---------------------------------------------------------------------------- terminate


def test_terminate(client, zone):
    project = create_project(
        client, zone["id"], leased_ha=10, lease_start="2020-01-01", status="operating"
    )
    response = client.post(
        terminate_url(project["id"]),
        json={"terminated_on": "2023-06-30", "reason": "Chấm dứt hoạt động"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "terminated"
    assert body["terminated_on"] == "2023-06-30"
    assert body["termination_reason"] == "Chấm dứt hoạt động"
    assert get_project(client, project["id"]) == body
    assert occupancy(client, zone["id"], "2023-06-29")["leased_industrial_ha"] == 10
    assert occupancy(client, zone["id"], "2023-06-30")["leased_industrial_ha"] == 0
    assert get_zone(client, zone["id"])["active_projects"] == 0


def test_terminate_on_lease_start_is_allowed(client, zone):
    project = create_project(client, zone["id"], lease_start="2020-01-01")
    response = client.post(
        terminate_url(project["id"]), json={"terminated_on": "2020-01-01", "reason": "Nhập nhầm"}
    )
    assert response.status_code == 200, response.text
    assert occupancy(client, zone["id"], "2020-01-01")["leased_industrial_ha"] == 0


def test_terminate_before_lease_start_is_422(client, zone):
    project = create_project(client, zone["id"], lease_start="2020-01-01")
    before = state(client, zone["id"])
    response = client.post(
        terminate_url(project["id"]), json={"terminated_on": "2019-12-31", "reason": "x"}
    )
    assert_invalid(response, "terminated_on")
    assert state(client, zone["id"]) == before


def test_terminate_twice_is_409(client, zone):
    project = create_project(client, zone["id"], lease_start="2020-01-01")
    first = client.post(
        terminate_url(project["id"]), json={"terminated_on": "2022-01-01", "reason": "Lần một"}
    )
    assert first.status_code == 200, first.text
    before = state(client, zone["id"])
    again = client.post(
        terminate_url(project["id"]), json={"terminated_on": "2021-01-01", "reason": "Lần hai"}
    )
    assert_problem(again, 409)
    assert state(client, zone["id"]) == before
    assert get_project(client, project["id"])["terminated_on"] == "2022-01-01"


def test_terminate_unknown_project_is_404(client, zone):
    project = create_project(client, zone["id"])
    response = client.post(
        terminate_url(project["id"] + 1000), json={"terminated_on": "2022-01-01", "reason": "x"}
    )
    assert_problem(response, 404)


def test_terminate_bad_id_is_422(client):
    response = client.post(
        terminate_url("abc"), json={"terminated_on": "2022-01-01", "reason": "x"}
    )
    assert_problem(response, 422)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "x"}, "terminated_on"),
        ({"terminated_on": None, "reason": "x"}, "terminated_on"),
        ({"terminated_on": "30/06/2023", "reason": "x"}, "terminated_on"),
        ({"terminated_on": "2023-02-29", "reason": "x"}, "terminated_on"),
        ({"terminated_on": "2023-06-30", "reason": "a\u0000b"}, "reason"),
        ({"terminated_on": "2023-06-30", "reason": 5}, "reason"),
        ({"terminated_on": "2023-06-30", "reason": "x", "status": "terminated"}, "status"),
        ({"terminated_on": "2023-06-30", "reason": "x", "foo": 1}, "foo"),
    ],
    ids=case_id,
)
def test_terminate_refuses_invalid_body(client, zone, body, field):
    project = create_project(client, zone["id"], lease_start="2020-01-01")
    before = state(client, zone["id"])
    assert_invalid(send_json(client, "POST", terminate_url(project["id"]), body), field)
    assert state(client, zone["id"]) == before


def test_patch_terminated_project_keeps_reading_terminated(client, zone):
    project = create_project(client, zone["id"], lease_start="2020-01-01")
    client.post(terminate_url(project["id"]), json={"terminated_on": "2022-01-01", "reason": "x"})
    response = client.patch(project_url(project["id"]), json={"name": "Tên mới"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "terminated"
    assert response.json()["terminated_on"] == "2022-01-01"


def test_patch_lease_start_after_termination_is_422(client, zone):
    project = create_project(client, zone["id"], lease_start="2020-01-01")
    client.post(terminate_url(project["id"]), json={"terminated_on": "2022-01-01", "reason": "x"})
    refuse_patch(
        client,
        get_project(client, project["id"]),
        {"lease_start": "2022-01-02"},
        "lease_start",
        "terminated_on",
    )


def test_patch_terminated_lease_holds_no_land_after_terminated_on(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
    first = create_project(
        client, zone["id"], leased_ha=10, lease_start="2020-01-01", lease_end="2030-01-01"
    )
    client.post(terminate_url(first["id"]), json={"terminated_on": "2023-01-01", "reason": "x"})
    create_project(client, zone["id"], leased_ha=10, lease_start="2023-01-01")
    for body in ({"lease_end": None}, {"leased_ha": 10}, {"lease_start": "2019-01-01"}):
        response = client.patch(project_url(first["id"]), json=body)
        assert response.status_code == 200, (body, response.text)
        assert response.json()["status"] == "terminated"


# ---------------------------------------------------------------------------- delete


def test_delete_then_404(client, zone):
    project = create_project(client, zone["id"], leased_ha=10)
    response = client.delete(project_url(project["id"]))
    assert response.status_code == 204
    assert response.content == b""
    assert_problem(client.get(project_url(project["id"])), 404)
    assert_problem(client.delete(project_url(project["id"])), 404)
    assert project["id"] not in ids(all_projects(client))
    assert get_zone(client, zone["id"])["leased_industrial_ha"] == 0


def test_delete_frees_land_and_project_code(client):
    zone = create_zone(client, total_area_ha=20, industrial_land_ha=10, service_land_ha=0)
    project = create_project(client, zone["id"], leased_ha=10, project_code="IRC-DEL")
    assert client.delete(project_url(project["id"])).status_code == 204
    create_project(client, zone["id"], leased_ha=10, project_code="IRC-DEL")


def test_delete_unknown_project_is_404(client, zone):
    project = create_project(client, zone["id"])
    before = state(client, zone["id"])
    assert_problem(client.delete(project_url(project["id"] + 1000)), 404)
    assert state(client, zone["id"]) == before


def test_delete_bad_id_is_422(client):
    assert_problem(client.delete(project_url("abc")), 422)


# ---------------------------------------------------------------------------- list


@pytest.fixture
def portfolio(client):
    """Four projects in two zones, one of them terminated."""
    z1 = create_zone(client, code="KCN-L1", total_area_ha=100, industrial_land_ha=80)
    z2 = create_zone(client, code="KCN-L2", total_area_ha=100, industrial_land_ha=80)
    p1 = create_project(
        client,
        z1["id"],
        name="Nhà máy dệt Lương Sơn",
        investor="Công ty Cổ phần Hòa Phát",
        investor_country="VN",
        status="operating",
    )
    p2 = create_project(
        client,
        z1["id"],
        name="Boshoku Parts Factory",
        investor="Toyota Boshoku Corporation",
        investor_country="JP",
    )
    p3 = create_project(
        client,
        z2["id"],
        name="Samsung Display Plant",
        investor="Samsung Display Co.",
        investor_country="KR",
    )
    p4 = create_project(
        client,
        z2["id"],
        name="Xưởng may Sông Đà",
        investor="HTX Sông Đà",
        investor_country="VN",
        status="under_construction",
    )
    response = client.post(
        terminate_url(p3["id"]), json={"terminated_on": "2023-01-01", "reason": "Rút vốn"}
    )
    assert response.status_code == 200, response.text
    return {
        "z1": z1["id"],
        "z2": z2["id"],
        "p1": p1["id"],
        "p2": p2["id"],
        "p3": p3["id"],
        "p4": p4["id"],
    }


def listed(client, **params) -> list[int]:
    response = client.get(PROJECTS, params=params)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    return sorted(ids(page))


def test_list_shape_and_items(client, portfolio):
    page = client.get(PROJECTS).json()
    assert set(page) >= {"items", "total", "limit", "offset"}
    assert (page["total"], page["limit"], page["offset"]) == (4, 50, 0)
    for item in page["items"]:
        assert item == get_project(client, item["id"])


def test_list_filter_zone_id(client, portfolio):
    p = portfolio
    assert listed(client, zone_id=p["z1"]) == sorted([p["p1"], p["p2"]])
    assert listed(client, zone_id=p["z2"]) == sorted([p["p3"], p["p4"]])
    assert listed(client, zone_id=p["z2"] + 1000) == []


def test_list_filter_status(client, portfolio):
    p = portfolio
    assert listed(client, status="registered") == [p["p2"]]  # p3 reads terminated
    assert listed(client, status="operating") == [p["p1"]]
    assert listed(client, status="under_construction") == [p["p4"]]
    assert listed(client, status="terminated") == [p["p3"]]
    assert listed(client, status="suspended") == []


def test_list_filter_investor_country_and_fdi(client, portfolio):
    p = portfolio
    assert listed(client, investor_country="JP") == [p["p2"]]
    assert listed(client, investor_country="VN") == sorted([p["p1"], p["p4"]])
    assert listed(client, investor_country="US") == []
    assert listed(client, fdi="true") == sorted([p["p2"], p["p3"]])
    assert listed(client, fdi="false") == sorted([p["p1"], p["p4"]])
    assert listed(client, fdi="true", zone_id=p["z1"]) == [p["p2"]]


def test_list_filter_q_on_name_or_investor(client, portfolio):
    p = portfolio
    assert listed(client, q="LƯƠNG SƠN") == [p["p1"]]  # name
    assert listed(client, q="hòa phát") == [p["p1"]]  # investor
    assert listed(client, q="boshoku") == [p["p2"]]  # both
    assert listed(client, q="sông đà") == [p["p4"]]
    assert listed(client, q="SAMSUNG") == [p["p3"]]
    assert listed(client, q="luong son") == [p["p1"]]  # accents and case folded away
    assert listed(client, q="HOA PHAT") == [p["p1"]]
    assert listed(client, q="song da") == [p["p4"]]
    assert listed(client, q="luong sonn") == []
    assert listed(client, q="%") == []


def test_list_q_with_nul_character_never_fails(client, portfolio):
    response = client.get(PROJECTS, params={"q": "Samsung\u0000"})
    assert_invalid_param(response, "q")  # refused as a control character, on either backend


def test_list_pagination(client, zone):
    created = [create_project(client, zone["id"], leased_ha=1)["id"] for _ in range(5)]
    seen = []
    for offset in (0, 2, 4):
        page = client.get(PROJECTS, params={"limit": 2, "offset": offset}).json()
        assert page["total"] == 5
        assert (page["limit"], page["offset"]) == (2, offset)
        assert len(page["items"]) == (1 if offset == 4 else 2)
        seen += ids(page)
    assert sorted(seen) == sorted(created)
    assert client.get(PROJECTS, params={"offset": 5}).json()["items"] == []


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"offset": -1}, "offset"),
        ({"status": "active"}, "status"),
        ({"fdi": "maybe"}, "fdi"),
        ({"zone_id": "abc"}, "zone_id"),
    ],
)
def test_list_refuses_bad_parameters(client, portfolio, params, name):
    assert_invalid_param(client.get(PROJECTS, params=params), name)
