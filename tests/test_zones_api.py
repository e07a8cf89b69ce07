"""HTTP tests of the zones part of the contract (api-contract.md §1-§2).

Every refusal also checks that the stored state did not change.
"""

import json
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.factories import (
    assert_invalid,
    assert_invalid_param,
    assert_problem,
    create_project,
    create_zone,
    zone_body,
)

ZONES = "/api/v1/zones"
PROJECTS = "/api/v1/projects"
MISSING = object()  # marks a field to drop from a body

READ_ONLY_FIELDS = [
    "id",
    "created_at",
    "updated_at",
    "leased_industrial_ha",
    "leased_service_ha",
    "available_ha",
    "occupancy_rate",
    "occupancy_rate_incl_service",
    "active_projects",
    "clearance",
]
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


# ---------------------------------------------------------------------------- helpers


def zone_url(zone_id: Any) -> str:
    return f"{ZONES}/{zone_id}"


def with_overrides(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    body = dict(base)
    for name, value in overrides.items():
        if value is MISSING:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def post_json(client, url: str, body: Any):
    """POST a body serialised with ASCII escapes (so it can hold any code point)."""
    return client.post(
        url, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )


def patch_json(client, url: str, body: Any):
    return client.patch(
        url, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )


def all_zones(client) -> dict[str, Any]:
    response = client.get(ZONES, params={"limit": 500})
    assert response.status_code == 200, response.text
    return response.json()


def get_zone(client, zone_id: int) -> dict[str, Any]:
    response = client.get(zone_url(zone_id))
    assert response.status_code == 200, response.text
    return response.json()


def case_id(value: Any) -> str | None:
    """Readable test ids for parametrized bodies."""
    if isinstance(value, dict):
        return ",".join(
            f"{k}=" + ("MISSING" if v is MISSING else ascii(v)[:30]) for k, v in value.items()
        )
    return None


def codes(page: dict[str, Any]) -> list[str]:
    return [item["code"] for item in page["items"]]


def today_candidates() -> set[str]:
    """'Today' may be taken in Vietnam (UTC+7) or UTC; accept either."""
    now = datetime.now(UTC)
    return {now.date().isoformat(), (now + timedelta(hours=7)).date().isoformat()}


def refuse_create(client, body: dict[str, Any], *fields: str) -> dict[str, Any]:
    before = all_zones(client)
    problem = assert_invalid(post_json(client, ZONES, body), *fields)
    assert all_zones(client) == before
    return problem


def refuse_patch(client, zone_id: int, body: dict[str, Any], *fields: str) -> dict[str, Any]:
    before = get_zone(client, zone_id)
    problem = assert_invalid(patch_json(client, zone_url(zone_id), body), *fields)
    assert get_zone(client, zone_id) == before
    return problem


# ---------------------------------------------------------------------------- create


def test_create_returns_201_with_location_and_the_zone(client):
    response = client.post(ZONES, json=zone_body(code="KCN-LOC"))
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("application/json")
    created = response.json()
    location = response.headers["location"]
    assert location.endswith(f"/api/v1/zones/{created['id']}")
    assert client.get(location).json() == created


def test_create_returns_every_writable_field_as_sent(client):
    body = zone_body(
        code="KCN-FULL",
        name="Khu công nghiệp Đầy Đủ",
        kind="cluster",
        province="Thái Nguyên",
        locality="Huyện Phổ Yên",
        status="under_construction",
        established_on="2019-03-15",
        decision_no="123/QĐ-UBND",
        developer="Tổng công ty Viglacera - CTCP",
        total_area_ha=250.5,
        industrial_land_ha=180.1234,
        service_land_ha=20.25,
        clearance_required_ha=240,
        latitude=21.4,
        longitude=105.85,
    )
    created = create_zone(client, **body)
    for name, value in body.items():
        assert created[name] == value, name
    assert isinstance(created["id"], int)


def test_create_returns_computed_fields_of_an_empty_zone(client):
    created = create_zone(client, total_area_ha=100, industrial_land_ha=70, service_land_ha=10)
    assert created["leased_industrial_ha"] == 0
    assert created["leased_service_ha"] == 0
    assert created["available_ha"] == 80
    assert created["occupancy_rate"] == 0
    assert created["occupancy_rate_incl_service"] == 0
    assert created["active_projects"] == 0
    assert TIMESTAMP.match(created["created_at"]), created["created_at"]
    assert TIMESTAMP.match(created["updated_at"]), created["updated_at"]


def test_create_returns_clearance_block(client):
    """§2: `clearance` (see §4) is returned on every zone."""
    created = create_zone(client, total_area_ha=100, clearance_required_ha=80)
    assert "clearance" in created, sorted(created)
    clearance = created["clearance"]
    assert clearance["required_ha"] == 80
    assert clearance["status"] == "not_started"
    assert clearance["stalled"] is False


def test_create_numbers_are_json_numbers(client):
    response = client.post(ZONES, json=zone_body(total_area_ha=12.3456, industrial_land_ha=1.5))
    raw = response.text
    assert '"total_area_ha":12.3456' in raw.replace(" ", "")
    assert '"industrial_land_ha":1.5' in raw.replace(" ", "")


def test_create_rates_and_zero_denominators(client):
    created = create_zone(client, total_area_ha=10, industrial_land_ha=0, service_land_ha=0)
    assert created["occupancy_rate"] is None
    assert created["occupancy_rate_incl_service"] is None
    assert created["available_ha"] == 0
    only_service = create_zone(client, total_area_ha=10, industrial_land_ha=0, service_land_ha=5)
    assert only_service["occupancy_rate"] is None
    assert only_service["occupancy_rate_incl_service"] == 0


def test_create_upper_cases_and_trims_code(client):
    created = create_zone(client, code="  kcn-luong-1 ")
    assert created["code"] == "KCN-LUONG-1"
    assert get_zone(client, created["id"])["code"] == "KCN-LUONG-1"


def test_create_trims_strings(client):
    created = create_zone(client, name="  Khu A  ", province="\tHà Nội ", locality=" Đông Anh ")
    assert created["name"] == "Khu A"
    assert created["province"] == "Hà Nội"
    assert created["locality"] == "Đông Anh"


@pytest.mark.parametrize(
    "name",
    [
        "Khu công nghiệp Lương Sơn – Hòa Bình",
        "Cụm công nghiệp Đồng Văn Ⅳ, huyện Duy Tiên, tỉnh Hà Nam",
        "Ở Ẩ Ỹ ự ữ ỳ đ Đ 漢字 😀",
        unicodedata.normalize("NFD", "Khu công nghiệp Quế Võ"),  # decomposed form kept as sent
    ],
)
def test_create_vietnamese_text_round_trips_exactly(client, name):
    created = create_zone(client, name=name, province="Bắc Ninh", developer=name)
    assert created["name"] == name
    fetched = get_zone(client, created["id"])
    assert fetched["name"] == name
    assert fetched["developer"] == name
    assert fetched["province"] == "Bắc Ninh"
    listed = client.get(ZONES, params={"code": created["code"]}).json()["items"]
    assert [z["name"] for z in listed] == [name]


def test_create_accepts_200_vietnamese_characters_in_name(client):
    name = "ệ" * 200  # 200 characters, 600 bytes in UTF-8
    created = create_zone(client, name=name, developer=name)
    assert get_zone(client, created["id"])["name"] == name


def test_create_length_limits_count_after_trimming(client):
    created = create_zone(client, name="  " + "x" * 200 + "  ")
    assert created["name"] == "x" * 200


def test_create_defaults(client):
    body = zone_body(total_area_ha=123.45, industrial_land_ha=80)
    for name in ("status", "service_land_ha", "clearance_required_ha", "locality", "latitude"):
        body.pop(name, None)
    response = client.post(ZONES, json=body)
    assert response.status_code == 201, response.text
    zone = response.json()
    assert zone["status"] == "planned"
    assert zone["service_land_ha"] == 0
    assert zone["clearance_required_ha"] == 123.45
    for name in ("locality", "established_on", "decision_no", "developer", "latitude", "longitude"):
        assert zone[name] is None, name


def test_create_boundaries_are_accepted(client):
    created = create_zone(
        client,
        code="KA",
        total_area_ha=0.0001,
        industrial_land_ha=0,
        service_land_ha=0.0001,
        clearance_required_ha=0.0001,
        latitude=-90,
        longitude=180,
    )
    assert created["code"] == "KA"
    assert created["total_area_ha"] == 0.0001
    assert created["service_land_ha"] == 0.0001
    assert (created["latitude"], created["longitude"]) == (-90, 180)
    long_code = create_zone(client, code="K" + "9" * 39)
    assert long_code["code"] == "K" + "9" * 39


def test_create_leasable_may_equal_total(client):
    created = create_zone(
        client,
        total_area_ha=100,
        industrial_land_ha=90.5,
        service_land_ha=9.5,
        clearance_required_ha=100,
    )
    assert created["available_ha"] == 100


def test_create_keeps_four_decimal_places_exactly(client):
    created = create_zone(
        client, total_area_ha=999999.9999, industrial_land_ha=333333.3333, service_land_ha=0.0003
    )
    assert created["total_area_ha"] == 999999.9999
    assert created["industrial_land_ha"] == 333333.3333
    assert created["available_ha"] == 333333.3336


# ---------------------------------------------------------------------------- create refusals


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        # code
        ({"code": MISSING}, "code"),
        ({"code": None}, "code"),
        ({"code": ""}, "code"),
        ({"code": "   "}, "code"),
        ({"code": "K"}, "code"),
        ({"code": "1KCN"}, "code"),
        ({"code": "-KCN"}, "code"),
        ({"code": "KCN_1"}, "code"),
        ({"code": "KCN 1"}, "code"),
        ({"code": "KCN.1"}, "code"),
        ({"code": "KCN-ĐÔNG"}, "code"),
        ({"code": "K" + "A" * 40}, "code"),
        ({"code": "KCN\u00001"}, "code"),
        ({"code": 123}, "code"),
        # name
        ({"name": MISSING}, "name"),
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "ệ" * 201}, "name"),
        ({"name": "Khu\u0000A"}, "name"),
        ({"name": "Khu\nA"}, "name"),
        ({"name": "Khu\rA"}, "name"),
        ({"name": "Khu\tA"}, "name"),
        ({"name": "Khu\u001bA"}, "name"),
        ({"name": "Khu\u007fA"}, "name"),
        ({"name": "Khu\u0085A"}, "name"),
        ({"name": "Khu\u009bA"}, "name"),
        ({"name": 42}, "name"),
        ({"name": ["Khu A"]}, "name"),
        # kind
        ({"kind": MISSING}, "kind"),
        ({"kind": None}, "kind"),
        ({"kind": "KCN"}, "kind"),
        ({"kind": "Parks"}, "kind"),
        ({"kind": ""}, "kind"),
        # province
        ({"province": MISSING}, "province"),
        ({"province": None}, "province"),
        ({"province": ""}, "province"),
        ({"province": "x" * 101}, "province"),
        ({"province": "Hà\u0000Nội"}, "province"),
        # optional strings
        ({"locality": "x" * 101}, "locality"),
        ({"locality": "Đông\u0000Anh"}, "locality"),
        ({"decision_no": "x" * 101}, "decision_no"),
        ({"decision_no": "12\n3"}, "decision_no"),
        ({"developer": "x" * 201}, "developer"),
        ({"developer": "A\u0007B"}, "developer"),
        # status
        ({"status": None}, "status"),
        ({"status": "active"}, "status"),
        ({"status": "Opera ting"}, "status"),
        ({"status": "terminated"}, "status"),
        # dates
        ({"established_on": "24/06/2024"}, "established_on"),
        ({"established_on": "2024-6-24"}, "established_on"),
        ({"established_on": "2024-02-30"}, "established_on"),
        ({"established_on": "2024-06-24T00:00:00Z"}, "established_on"),
        ({"established_on": "20240624"}, "established_on"),
        ({"established_on": 20240624}, "established_on"),
        ({"established_on": ""}, "established_on"),
        # areas
        ({"total_area_ha": MISSING}, "total_area_ha"),
        ({"total_area_ha": None}, "total_area_ha"),
        ({"total_area_ha": 0}, "total_area_ha"),
        ({"total_area_ha": -1}, "total_area_ha"),
        ({"total_area_ha": 100.00001}, "total_area_ha"),
        ({"total_area_ha": "100"}, "total_area_ha"),
        ({"total_area_ha": True}, "total_area_ha"),
        ({"industrial_land_ha": MISSING}, "industrial_land_ha"),
        ({"industrial_land_ha": None}, "industrial_land_ha"),
        ({"industrial_land_ha": -0.0001}, "industrial_land_ha"),
        ({"industrial_land_ha": 1.23456}, "industrial_land_ha"),
        ({"industrial_land_ha": "70"}, "industrial_land_ha"),
        ({"service_land_ha": None}, "service_land_ha"),
        ({"service_land_ha": -1}, "service_land_ha"),
        ({"service_land_ha": 0.00001}, "service_land_ha"),
        ({"service_land_ha": "10"}, "service_land_ha"),
        ({"clearance_required_ha": -1}, "clearance_required_ha"),
        ({"clearance_required_ha": 1.00001}, "clearance_required_ha"),
        ({"clearance_required_ha": "50"}, "clearance_required_ha"),
        # coordinates
        ({"latitude": 91, "longitude": 105}, "latitude"),
        ({"latitude": -90.0001, "longitude": 105}, "latitude"),
        ({"latitude": 21, "longitude": 180.5}, "longitude"),
        ({"latitude": 21, "longitude": -181}, "longitude"),
        ({"latitude": "21.0", "longitude": 105}, "latitude"),
        ({"latitude": 21, "longitude": "105.8"}, "longitude"),
        # unknown and read-only fields
        ({"foo": 1}, "foo"),
        ({"Code": "KCN-X"}, "Code"),
        *[({name: 1}, name) for name in READ_ONLY_FIELDS],
    ],
    ids=case_id,
)
def test_create_refuses_invalid_field(client, overrides, field):
    refuse_create(client, with_overrides(zone_body(), overrides), field)


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        (
            {"total_area_ha": 100, "industrial_land_ha": 90.0001, "service_land_ha": 10},
            ("industrial_land_ha", "service_land_ha", "total_area_ha"),
        ),
        (
            {"total_area_ha": 100, "industrial_land_ha": 100.0001, "service_land_ha": 0},
            ("industrial_land_ha", "total_area_ha"),
        ),
        (
            {
                "total_area_ha": 50,
                "industrial_land_ha": 10,
                "service_land_ha": 0,
                "clearance_required_ha": 60,
            },
            ("clearance_required_ha", "total_area_ha"),
        ),
        (
            {"total_area_ha": 100, "clearance_required_ha": 100.0001},
            ("clearance_required_ha", "total_area_ha"),
        ),
        ({"latitude": 21.0}, ("latitude", "longitude")),
        ({"longitude": 105.8}, ("latitude", "longitude")),
        ({"latitude": 21.0, "longitude": None}, ("latitude", "longitude")),
    ],
    ids=case_id,
)
def test_create_refuses_cross_field_violations(client, overrides, fields):
    body = zone_body(total_area_ha=100, industrial_land_ha=70, service_land_ha=10)
    refuse_create(client, with_overrides(body, overrides), *fields)


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e400"])
def test_create_refuses_non_finite_numbers(client, literal):
    before = all_zones(client)
    body = json.dumps(zone_body()).encode()
    body = body.replace(b'"total_area_ha": 100', b'"total_area_ha": ' + literal)
    response = client.post(ZONES, content=body, headers={"content-type": "application/json"})
    assert_invalid(response, "total_area_ha")
    assert all_zones(client) == before


def test_create_refuses_unpaired_surrogate_in_text(client):
    """Not valid Unicode, so it cannot be stored as UTF-8: refused, never a 500."""
    before = all_zones(client)
    response = post_json(client, ZONES, zone_body(name="Khu \ud800 A"))
    assert_invalid(response, "name")
    assert all_zones(client) == before


def test_create_refuses_huge_area_without_failing(client):
    before = all_zones(client)
    response = post_json(client, ZONES, zone_body(total_area_ha=1e20, industrial_land_ha=1))
    assert response.status_code == 422, response.text
    assert_invalid(response, "total_area_ha")
    assert all_zones(client) == before


@pytest.mark.parametrize("body", [[], "zone", 42, None])
def test_create_refuses_body_that_is_not_an_object(client, body):
    before = all_zones(client)
    response = post_json(client, ZONES, body)
    assert_invalid(response, "body")
    assert all_zones(client) == before


def test_create_refuses_duplicate_code(client):
    create_zone(client, code="KCN-DUP")
    before = all_zones(client)
    response = client.post(ZONES, json=zone_body(code="KCN-DUP"))
    assert_problem(response, 409)
    assert all_zones(client) == before


@pytest.mark.parametrize("code", ["kcn-dup", "Kcn-Dup", "  KCN-DUP  "])
def test_create_refuses_duplicate_code_in_another_case(client, code):
    create_zone(client, code="KCN-DUP")
    before = all_zones(client)
    assert_problem(client.post(ZONES, json=zone_body(code=code)), 409)
    assert all_zones(client) == before


# ---------------------------------------------------------------------------- read one


def test_get_returns_the_zone(client):
    created = create_zone(client)
    assert get_zone(client, created["id"]) == created


def test_get_unknown_zone_is_404(client):
    zone = create_zone(client)
    assert_problem(client.get(zone_url(zone["id"] + 1000)), 404)


@pytest.mark.parametrize("bad_id", ["abc", "1.5", "1e3", "%20"])
def test_get_non_numeric_id_is_422(client, bad_id):
    assert_problem(client.get(zone_url(bad_id)), 422)


@pytest.mark.parametrize("bad_id", ["99999999999", "9" * 40, "0", "-1"])
def test_get_out_of_range_id_is_422(client, bad_id):
    """Ids are positive 32-bit integers in the path's schema: anything else never reaches the
    database, on either backend."""
    assert_invalid_param(client.get(zone_url(bad_id)), "zone_id")


def test_get_computes_occupancy_as_of_today(client):
    zone = create_zone(client, total_area_ha=100, industrial_land_ha=70, service_land_ha=10)
    create_project(client, zone["id"], leased_ha=10, lease_start="2020-01-01")
    create_project(client, zone["id"], leased_ha=5, land_use="service", lease_start="2021-01-01")
    # ended, terminated and future leases hold nothing today
    create_project(
        client, zone["id"], leased_ha=20, lease_start="2015-01-01", lease_end="2020-01-01"
    )
    future = create_project(client, zone["id"], leased_ha=30, lease_start="2090-01-01")
    gone = create_project(client, zone["id"], leased_ha=3, lease_start="2019-01-01")
    terminated = client.post(
        f"{PROJECTS}/{gone['id']}/terminate", json={"terminated_on": "2022-01-01", "reason": "Rút"}
    )
    assert terminated.status_code == 200, terminated.text
    got = get_zone(client, zone["id"])
    assert got["leased_industrial_ha"] == 10
    assert got["leased_service_ha"] == 5
    assert got["available_ha"] == 65
    assert got["occupancy_rate"] == 0.1429  # 10 / 70
    assert got["occupancy_rate_incl_service"] == 0.1875  # 15 / 80
    assert got["active_projects"] == 2
    assert future["lease_start"] == "2090-01-01"


def test_rates_round_half_up(client):
    zone = create_zone(client, total_area_ha=30, industrial_land_ha=20, service_land_ha=0)
    create_project(client, zone["id"], leased_ha=2.469, lease_start="2020-01-01")  # 0.12345
    got = get_zone(client, zone["id"])
    assert got["occupancy_rate"] == 0.1235
    assert got["occupancy_rate_incl_service"] == 0.1235


def test_leased_area_sums_exactly(client):
    zone = create_zone(client, total_area_ha=1, industrial_land_ha=0.3, service_land_ha=0)
    create_project(client, zone["id"], leased_ha=0.1)
    create_project(client, zone["id"], leased_ha=0.2)
    got = get_zone(client, zone["id"])
    assert got["leased_industrial_ha"] == 0.3
    assert got["available_ha"] == 0
    assert got["occupancy_rate"] == 1


# ---------------------------------------------------------------------------- list


def test_list_shape_and_defaults(client):
    create_zone(client, province="Tỉnh Danh Sách")
    page = client.get(ZONES).json()
    assert set(page) >= {"items", "total", "limit", "offset"}
    assert page["limit"] == 50 and page["offset"] == 0
    assert page["total"] >= 1


def test_list_pagination(client):
    province = "Tỉnh Phân Trang"
    for code in ("PG-C", "PG-A", "PG-E", "PG-B", "PG-D"):
        create_zone(client, code=code, province=province)
    first = client.get(ZONES, params={"province": province, "limit": 2}).json()
    second = client.get(ZONES, params={"province": province, "limit": 2, "offset": 2}).json()
    last = client.get(ZONES, params={"province": province, "limit": 2, "offset": 4}).json()
    beyond = client.get(ZONES, params={"province": province, "limit": 2, "offset": 10}).json()
    assert codes(first) == ["PG-A", "PG-B"]
    assert codes(second) == ["PG-C", "PG-D"]
    assert codes(last) == ["PG-E"]
    assert codes(beyond) == []
    for page, offset in ((first, 0), (second, 2), (last, 4), (beyond, 10)):
        assert page["total"] == 5
        assert page["limit"] == 2
        assert page["offset"] == offset


def test_list_limit_bounds_are_accepted(client):
    create_zone(client)
    assert client.get(ZONES, params={"limit": 1}).json()["limit"] == 1
    assert client.get(ZONES, params={"limit": 500}).json()["limit"] == 500


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": -1}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": "x"}, "offset"),
        ({"offset": "99999999999999999999999"}, "offset"),
        ({"kind": "kcn"}, "kind"),
        ({"status": "active"}, "status"),
        ({"sort": "area"}, "sort"),
        ({"sort": "-code"}, "sort"),
        ({"sort": "occupancy"}, "sort"),
        ({"sort": "+occupancy_rate"}, "sort"),
    ],
)
def test_list_refuses_bad_parameters(client, params, name):
    create_zone(client)
    assert_invalid_param(client.get(ZONES, params=params), name)


def test_list_filters_kind_status_province_code(client):
    province = "Tỉnh Lọc"
    create_zone(client, code="F-PARK-OP", kind="park", status="operating", province=province)
    create_zone(client, code="F-PARK-PL", kind="park", status="planned", province=province)
    create_zone(client, code="F-CLU-OP", kind="cluster", status="operating", province=province)
    create_zone(client, code="F-OTHER", kind="cluster", status="operating", province="Hà Nam")

    def listed(**params):
        page = client.get(ZONES, params={"province": province} | params).json()
        assert page["total"] == len(page["items"])
        return codes(page)

    assert listed() == ["F-CLU-OP", "F-PARK-OP", "F-PARK-PL"]
    assert listed(kind="park") == ["F-PARK-OP", "F-PARK-PL"]
    assert listed(kind="cluster") == ["F-CLU-OP"]
    assert listed(status="operating") == ["F-CLU-OP", "F-PARK-OP"]
    assert listed(status="closed") == []
    assert listed(kind="park", status="planned") == ["F-PARK-PL"]
    assert listed(code="F-PARK-PL") == ["F-PARK-PL"]
    assert listed(code="F-NOPE") == []
    assert codes(client.get(ZONES, params={"province": "Hà Nam", "code": "F-OTHER"}).json()) == [
        "F-OTHER"
    ]


def test_list_q_is_case_insensitive_on_vietnamese_text(client):
    create_zone(client, code="KCN-LS", name="Khu công nghiệp Lương Sơn")
    create_zone(client, code="KCN-BB", name="Khu công nghiệp Bờ Trái Sông Đà")
    for q in ("LƯƠNG", "lương", "Lương Sơn", "LƯƠNG SƠN", "nghiệp lương"):
        assert codes(client.get(ZONES, params={"q": q}).json()) == ["KCN-LS"], q
    assert codes(client.get(ZONES, params={"q": "SÔNG ĐÀ"}).json()) == ["KCN-BB"]
    assert codes(client.get(ZONES, params={"q": "công nghiệp"}).json()) == ["KCN-BB", "KCN-LS"]


def test_list_q_is_accent_insensitive(client):
    create_zone(client, code="KCN-LS", name="Khu công nghiệp Lương Sơn")
    for q in ("luong", "LUONG", "Luong Son", "cong nghiep", "lưong", "LUÔNG SƠN"):
        assert codes(client.get(ZONES, params={"q": q}).json()) == ["KCN-LS"], q
    for q in ("luongson", "lương sơnn", "long son"):
        page = client.get(ZONES, params={"q": q}).json()
        assert page["items"] == [] and page["total"] == 0, q


def test_list_q_matches_code(client):
    create_zone(client, code="KCN-QV2", name="Quế Võ II")
    create_zone(client, code="CCN-AB", name="An Bình")
    assert codes(client.get(ZONES, params={"q": "qv2"}).json()) == ["KCN-QV2"]
    assert codes(client.get(ZONES, params={"q": "CCN-"}).json()) == ["CCN-AB"]


def test_list_q_matches_decomposed_and_precomposed_vietnamese_alike(client):
    """Interpretation of §2 q: the same letters typed as NFD (combining marks, as some
    Vietnamese keyboards produce) or NFC are the same text, case- and accent-wise."""
    create_zone(client, code="KCN-NFD", name=unicodedata.normalize("NFD", "Khu Lương Sơn"))
    create_zone(client, code="KCN-NFC", name=unicodedata.normalize("NFC", "Cụm Lương Sơn"))
    for form in ("NFC", "NFD"):
        q = unicodedata.normalize(form, "lương sơn")
        assert codes(client.get(ZONES, params={"q": q}).json()) == ["KCN-NFC", "KCN-NFD"], form


def test_list_items_match_get(client):
    zone = create_zone(client, province="Tỉnh Khớp")
    create_project(client, zone["id"], leased_ha=5)
    items = client.get(ZONES, params={"province": "Tỉnh Khớp"}).json()["items"]
    assert items == [get_zone(client, zone["id"])]


@pytest.mark.parametrize("q", ["%", "_", "\\", "% _", "_n"])
def test_list_q_treats_wildcards_literally(client, q):
    create_zone(client, code="KCN-PLAIN", name="Khu thường")
    create_zone(client, code="KCN-ODD", name="Khu 100% _n \\ đặc biệt")
    assert codes(client.get(ZONES, params={"q": q}).json()) == ["KCN-ODD"]


@pytest.mark.parametrize("name", ["q", "province", "code"])
def test_list_filter_with_nul_character_never_fails(client, name):
    create_zone(client, code="KCN-NUL", province="Tỉnh NUL")
    response = client.get(ZONES, params={name: "KCN\u0000NUL"})
    assert_invalid_param(response, name)  # refused as a control character, on either backend


def test_list_sort_by_code_is_default(client):
    for code in ("S-C", "S-A", "S-B"):
        create_zone(client, code=code, province="Tỉnh Sắp Xếp")
    assert codes(client.get(ZONES, params={"province": "Tỉnh Sắp Xếp"}).json()) == [
        "S-A",
        "S-B",
        "S-C",
    ]
    assert codes(client.get(ZONES, params={"province": "Tỉnh Sắp Xếp", "sort": "code"}).json()) == [
        "S-A",
        "S-B",
        "S-C",
    ]


def test_list_sort_by_name(client):
    province = "Tỉnh Tên"
    create_zone(client, code="N-1", name="Charlie", province=province)
    create_zone(client, code="N-2", name="Alpha", province=province)
    create_zone(client, code="N-3", name="Bravo", province=province)
    page = client.get(ZONES, params={"province": province, "sort": "name"}).json()
    assert [z["name"] for z in page["items"]] == ["Alpha", "Bravo", "Charlie"]


@pytest.fixture
def zones_with_rates(client):
    """Zones whose occupancy today is 0.5, 0.1, 0 and none (no industrial land)."""
    province = "Tỉnh Tỷ Lệ"
    half = create_zone(client, code="R-HALF", province=province, industrial_land_ha=70)
    tenth = create_zone(client, code="R-TENTH", province=province, industrial_land_ha=70)
    empty = create_zone(client, code="R-EMPTY", province=province, industrial_land_ha=70)
    create_zone(client, code="R-NONE", province=province, industrial_land_ha=0, service_land_ha=10)
    create_zone(client, code="A-NONE", province=province, industrial_land_ha=0, service_land_ha=0)
    create_project(client, half["id"], leased_ha=35)
    create_project(client, tenth["id"], leased_ha=7)
    create_project(client, empty["id"], leased_ha=7, lease_start="2090-01-01")
    return province


def test_list_sort_by_occupancy_rate_puts_zones_without_industrial_land_last(
    client, zones_with_rates
):
    page = client.get(ZONES, params={"province": zones_with_rates, "sort": "occupancy_rate"})
    assert page.status_code == 200, page.text
    items = page.json()["items"]
    assert [z["code"] for z in items[:3]] == ["R-EMPTY", "R-TENTH", "R-HALF"]
    assert {z["code"] for z in items[3:]} == {"A-NONE", "R-NONE"}
    assert [z["occupancy_rate"] for z in items] == [0, 0.1, 0.5, None, None]


def test_list_sort_by_occupancy_rate_descending_puts_zones_without_industrial_land_last(
    client, zones_with_rates
):
    page = client.get(ZONES, params={"province": zones_with_rates, "sort": "-occupancy_rate"})
    assert page.status_code == 200, page.text
    items = page.json()["items"]
    assert [z["code"] for z in items[:3]] == ["R-HALF", "R-TENTH", "R-EMPTY"]
    assert {z["code"] for z in items[3:]} == {"A-NONE", "R-NONE"}


def test_list_sort_by_occupancy_rate_pages_consistently(client, zones_with_rates):
    params = {"province": zones_with_rates, "sort": "-occupancy_rate", "limit": 2}
    seen = []
    for offset in (0, 2, 4):
        seen += codes(client.get(ZONES, params=params | {"offset": offset}).json())
    assert sorted(seen) == ["A-NONE", "R-EMPTY", "R-HALF", "R-NONE", "R-TENTH"]


# ---------------------------------------------------------------------------- patch


def test_patch_changes_only_the_given_fields(client):
    zone = create_zone(client, name="Tên cũ", locality="Xã A")
    response = client.patch(zone_url(zone["id"]), json={"name": "  Tên mới – Đồng Nai  "})
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["name"] == "Tên mới – Đồng Nai"
    unchanged = {k: v for k, v in zone.items() if k not in ("name", "updated_at")}
    assert {k: patched[k] for k in unchanged} == unchanged
    assert datetime.fromisoformat(patched["updated_at"]) >= datetime.fromisoformat(
        zone["updated_at"]
    )
    assert TIMESTAMP.match(patched["updated_at"])
    assert get_zone(client, zone["id"]) == patched


def test_patch_empty_body_changes_nothing(client):
    zone = create_zone(client)
    response = client.patch(zone_url(zone["id"]), json={})
    assert response.status_code == 200, response.text
    assert {k: v for k, v in response.json().items() if k != "updated_at"} == {
        k: v for k, v in zone.items() if k != "updated_at"
    }


def test_patch_upper_cases_code(client):
    zone = create_zone(client, code="KCN-OLD")
    response = client.patch(zone_url(zone["id"]), json={"code": " kcn-new "})
    assert response.status_code == 200, response.text
    assert response.json()["code"] == "KCN-NEW"
    assert codes(client.get(ZONES, params={"code": "KCN-NEW"}).json()) == ["KCN-NEW"]
    assert codes(client.get(ZONES, params={"code": "KCN-OLD"}).json()) == []


def test_patch_own_code_in_another_case_is_not_a_duplicate(client):
    zone = create_zone(client, code="KCN-SELF")
    response = client.patch(zone_url(zone["id"]), json={"code": "kcn-self"})
    assert response.status_code == 200, response.text
    assert response.json()["code"] == "KCN-SELF"


def test_patch_nullable_fields_to_null(client):
    zone = create_zone(
        client,
        locality="Xã B",
        decision_no="1/QĐ",
        developer="Công ty",
        established_on="2020-01-01",
        latitude=21,
        longitude=105,
    )
    nulls = {
        "locality": None,
        "decision_no": None,
        "developer": None,
        "established_on": None,
        "latitude": None,
        "longitude": None,
    }
    response = client.patch(zone_url(zone["id"]), json=nulls)
    assert response.status_code == 200, response.text
    for name in nulls:
        assert response.json()[name] is None, name


def test_patch_areas_and_coordinates(client):
    zone = create_zone(client, total_area_ha=100, industrial_land_ha=70, service_land_ha=10)
    response = client.patch(
        zone_url(zone["id"]),
        json={
            "total_area_ha": 200,
            "industrial_land_ha": 150.5,
            "latitude": 10.5,
            "longitude": 106.7,
        },
    )
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["total_area_ha"] == 200
    assert patched["industrial_land_ha"] == 150.5
    assert patched["available_ha"] == 160.5
    assert (patched["latitude"], patched["longitude"]) == (10.5, 106.7)


@pytest.mark.parametrize(
    "field",
    [
        "code",
        "name",
        "kind",
        "province",
        "status",
        "total_area_ha",
        "industrial_land_ha",
        "service_land_ha",
        "clearance_required_ha",
    ],
)
def test_patch_required_field_to_null_is_422(client, field):
    zone = create_zone(client)
    refuse_patch(client, zone["id"], {field: None}, field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "1BAD"}, "code"),
        ({"code": ""}, "code"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "A\u0000B"}, "name"),
        ({"name": "A\nB"}, "name"),
        ({"province": "x" * 101}, "province"),
        ({"locality": "x" * 101}, "locality"),
        ({"kind": "zone"}, "kind"),
        ({"status": "terminated"}, "status"),
        ({"established_on": "24/06/2024"}, "established_on"),
        ({"total_area_ha": 0}, "total_area_ha"),
        ({"total_area_ha": "200"}, "total_area_ha"),
        ({"industrial_land_ha": -1}, "industrial_land_ha"),
        ({"industrial_land_ha": 1.00001}, "industrial_land_ha"),
        ({"service_land_ha": "1"}, "service_land_ha"),
        ({"latitude": 95, "longitude": 100}, "latitude"),
        ({"foo": "bar"}, "foo"),
        *[({name: 1}, name) for name in READ_ONLY_FIELDS],
    ],
    ids=case_id,
)
def test_patch_refuses_invalid_field(client, body, field):
    zone = create_zone(client)
    refuse_patch(client, zone["id"], body, field)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"industrial_land_ha": 90.0001},
            ("industrial_land_ha", "service_land_ha", "total_area_ha"),
        ),
        ({"service_land_ha": 30.0001}, ("industrial_land_ha", "service_land_ha", "total_area_ha")),
        (
            {"total_area_ha": 79.9999},
            ("industrial_land_ha", "service_land_ha", "total_area_ha", "clearance_required_ha"),
        ),
        ({"clearance_required_ha": 100.0001}, ("clearance_required_ha", "total_area_ha")),
        ({"latitude": 21.0}, ("latitude", "longitude")),
        ({"longitude": 105.0}, ("latitude", "longitude")),
    ],
    ids=case_id,
)
def test_patch_refuses_cross_field_violations(client, body, fields):
    zone = create_zone(client, total_area_ha=100, industrial_land_ha=70, service_land_ha=10)
    refuse_patch(client, zone["id"], body, *fields)


def test_patch_refuses_dropping_one_coordinate(client):
    zone = create_zone(client, latitude=21.0, longitude=105.0)
    refuse_patch(client, zone["id"], {"longitude": None}, "latitude", "longitude")


def test_patch_refuses_total_below_clearance(client):
    zone = create_zone(client, total_area_ha=100, industrial_land_ha=50, clearance_required_ha=90)
    refuse_patch(
        client, zone["id"], {"total_area_ha": 89}, "clearance_required_ha", "total_area_ha"
    )


def test_patch_to_duplicate_code_is_409(client):
    create_zone(client, code="KCN-TAKEN")
    zone = create_zone(client, code="KCN-MINE")
    before = get_zone(client, zone["id"])
    assert_problem(client.patch(zone_url(zone["id"]), json={"code": "kcn-taken"}), 409)
    assert get_zone(client, zone["id"]) == before


def test_patch_unknown_zone_is_404(client):
    zone = create_zone(client)
    assert_problem(client.patch(zone_url(zone["id"] + 1000), json={"name": "X"}), 404)


def test_patch_bad_id_is_422(client):
    assert_problem(client.patch(zone_url("abc"), json={"name": "X"}), 422)


@pytest.fixture
def overlapping_leases(client):
    """Zone with 70 ha industrial land; A holds 40 ha in 2020-2021, B 20 ha from 2021 on.

    Peak: 60 ha during 2021 (today only 20 ha are held).
    """
    zone = create_zone(client, total_area_ha=100, industrial_land_ha=70, service_land_ha=10)
    create_project(
        client, zone["id"], leased_ha=40, lease_start="2020-01-01", lease_end="2022-01-01"
    )
    create_project(client, zone["id"], leased_ha=20, lease_start="2021-01-01")
    return zone


def test_patch_industrial_land_below_past_peak_from_then_is_409(client, overlapping_leases):
    zone = overlapping_leases
    before = get_zone(client, zone["id"])
    history = client.get(zone_url(zone["id"]) + "/history").json()
    assert before["leased_industrial_ha"] == 20
    response = client.patch(
        zone_url(zone["id"]),
        json={"industrial_land_ha": 59.9999, "effective_from": "2021-06-01"},
    )
    problem = assert_problem(response, 409)
    assert problem["type"].endswith("/capacity-exceeded")
    assert problem["zone_id"] == zone["id"]
    assert problem["land_use"] == "industrial"
    assert problem["held_ha"] == 60
    assert problem["land_ha"] == 59.9999
    assert (problem["from"], problem["to"]) == ("2021-06-01", "2022-01-01")
    assert get_zone(client, zone["id"]) == before
    assert client.get(zone_url(zone["id"]) + "/history").json() == history


def test_patch_industrial_land_to_exactly_the_peak_is_200(client, overlapping_leases):
    zone = overlapping_leases
    response = client.patch(
        zone_url(zone["id"]), json={"industrial_land_ha": 60, "effective_from": "2021-06-01"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["industrial_land_ha"] == 60
    assert response.json()["occupancy_rate"] == 0.3333  # 20 / 60


def test_patch_lowering_land_from_today_ignores_the_past_peak(client, overlapping_leases):
    """Leases held 60 ha in 2021; from today on they hold 20, so 20 ha of land is enough
    from today, and the 2021 figures keep the 70 ha in effect then."""
    zone = overlapping_leases
    response = client.patch(zone_url(zone["id"]), json={"industrial_land_ha": 20})
    assert response.status_code == 200, response.text
    assert response.json()["occupancy_rate"] == 1
    past = client.get(zone_url(zone["id"]), params={"as_of": "2021-06-01"}).json()
    assert (past["industrial_land_ha"], past["leased_industrial_ha"]) == (70, 60)
    assert_problem(client.patch(zone_url(zone["id"]), json={"industrial_land_ha": 19.9999}), 409)


def test_patch_lowering_land_counts_leases_that_followed_each_other_once(client):
    """A (40 ha) ended when B (20 ha) started: the most ever held is 40, not 60."""
    zone = create_zone(client, total_area_ha=100, industrial_land_ha=70, service_land_ha=10)
    create_project(
        client, zone["id"], leased_ha=40, lease_start="2020-01-01", lease_end="2021-01-01"
    )
    create_project(client, zone["id"], leased_ha=20, lease_start="2021-01-01")
    before = get_zone(client, zone["id"])
    since_2020 = {"effective_from": "2020-01-01"}
    assert_problem(
        client.patch(zone_url(zone["id"]), json={"industrial_land_ha": 39.9999} | since_2020),
        409,
    )
    assert get_zone(client, zone["id"]) == before
    response = client.patch(zone_url(zone["id"]), json={"industrial_land_ha": 40} | since_2020)
    assert response.status_code == 200, response.text


def test_patch_lowering_land_counts_future_leases(client):
    zone = create_zone(client, total_area_ha=100, industrial_land_ha=70, service_land_ha=10)
    create_project(client, zone["id"], leased_ha=50, lease_start="2090-01-01")
    before = get_zone(client, zone["id"])
    assert before["leased_industrial_ha"] == 0
    assert_problem(client.patch(zone_url(zone["id"]), json={"industrial_land_ha": 49}), 409)
    assert get_zone(client, zone["id"]) == before


def test_patch_service_land_below_what_leases_hold_is_409(client):
    zone = create_zone(client, total_area_ha=100, industrial_land_ha=70, service_land_ha=10)
    create_project(client, zone["id"], leased_ha=6, land_use="service")
    create_project(client, zone["id"], leased_ha=60)  # industrial: separate pool
    before = get_zone(client, zone["id"])
    assert_problem(client.patch(zone_url(zone["id"]), json={"service_land_ha": 5.9999}), 409)
    assert get_zone(client, zone["id"]) == before
    response = client.patch(zone_url(zone["id"]), json={"service_land_ha": 6})
    assert response.status_code == 200, response.text


def test_patch_raising_land_is_always_allowed(client, overlapping_leases):
    response = client.patch(
        zone_url(overlapping_leases["id"]), json={"industrial_land_ha": 80, "service_land_ha": 20}
    )
    assert response.status_code == 200, response.text


# ---------------------------------------------------------------------------- delete


def test_delete_then_404(client):
    zone = create_zone(client)
    response = client.delete(zone_url(zone["id"]))
    assert response.status_code == 204
    assert response.content == b""
    assert_problem(client.get(zone_url(zone["id"])), 404)
    assert_problem(client.delete(zone_url(zone["id"])), 404)
    assert codes(client.get(ZONES, params={"code": zone["code"]}).json()) == []


def test_delete_frees_the_code(client):
    zone = create_zone(client, code="KCN-REUSE")
    assert client.delete(zone_url(zone["id"])).status_code == 204
    create_zone(client, code="KCN-REUSE")


def test_delete_unknown_zone_is_404(client):
    zone = create_zone(client)
    assert_problem(client.delete(zone_url(zone["id"] + 1000)), 404)
    assert get_zone(client, zone["id"]) == zone


def test_delete_bad_id_is_422(client):
    assert_problem(client.delete(zone_url("abc")), 422)


def test_delete_zone_with_projects_is_409(client):
    zone = create_zone(client)
    project = create_project(client, zone["id"])
    before = all_zones(client)
    assert_problem(client.delete(zone_url(zone["id"])), 409)
    assert all_zones(client) == before
    assert client.get(f"{PROJECTS}/{project['id']}").status_code == 200


def test_delete_zone_with_only_terminated_or_ended_projects_is_409(client):
    zone = create_zone(client)
    create_project(client, zone["id"], lease_start="2010-01-01", lease_end="2011-01-01")
    project = create_project(client, zone["id"])
    client.post(
        f"{PROJECTS}/{project['id']}/terminate", json={"terminated_on": "2021-01-01", "reason": "x"}
    )
    before = all_zones(client)
    assert_problem(client.delete(zone_url(zone["id"])), 409)
    assert all_zones(client) == before


def test_delete_zone_with_clearance_records_is_409(client):
    zone = create_zone(client, total_area_ha=100, clearance_required_ha=80)
    record = client.post(
        zone_url(zone["id"]) + "/clearance", json={"recorded_on": "2023-01-01", "cleared_ha": 10}
    )
    assert record.status_code == 201, record.text
    before = all_zones(client)
    assert_problem(client.delete(zone_url(zone["id"])), 409)
    assert all_zones(client) == before
    assert client.get(zone_url(zone["id"]) + "/clearance").json()["total"] == 1


def test_zone_clearance_block_follows_records(client):
    zone = create_zone(client, total_area_ha=100, clearance_required_ha=80)
    record = client.post(
        zone_url(zone["id"]) + "/clearance", json={"recorded_on": "2023-01-01", "cleared_ha": 40}
    )
    assert record.status_code == 201, record.text
    clearance = get_zone(client, zone["id"])["clearance"]
    assert clearance["required_ha"] == 80
    assert clearance["cleared_ha"] == 40
    assert clearance["clearance_rate"] == 0.5
    assert clearance["status"] == "in_progress"
    assert clearance["last_recorded_on"] == "2023-01-01"


def test_delete_zone_after_its_projects_are_deleted(client):
    zone = create_zone(client)
    project = create_project(client, zone["id"])
    assert client.delete(f"{PROJECTS}/{project['id']}").status_code == 204
    assert client.delete(zone_url(zone["id"])).status_code == 204


# ---------------------------------------------------------------------------- occupancy on a date


@pytest.fixture
def zone_history(client):
    """industrial 100 ha, service 10 ha:

    P1 industrial 10 ha from 2020-01-01, open
    P2 industrial 20 ha 2021-06-01 .. 2023-06-01 (expiry)
    P3 service 5 ha from 2022-01-01, terminated on 2022-06-01
    P4 industrial 7 ha from 2024-01-01, open
    """
    zone = create_zone(client, total_area_ha=120, industrial_land_ha=100, service_land_ha=10)
    create_project(client, zone["id"], leased_ha=10, lease_start="2020-01-01")
    create_project(
        client, zone["id"], leased_ha=20, lease_start="2021-06-01", lease_end="2023-06-01"
    )
    p3 = create_project(
        client, zone["id"], leased_ha=5, land_use="service", lease_start="2022-01-01"
    )
    response = client.post(
        f"{PROJECTS}/{p3['id']}/terminate",
        json={"terminated_on": "2022-06-01", "reason": "Thu hồi"},
    )
    assert response.status_code == 200, response.text
    create_project(client, zone["id"], leased_ha=7, lease_start="2024-01-01")
    return zone


@pytest.mark.parametrize(
    ("as_of", "industrial", "service", "rate", "rate_incl"),
    [
        ("2019-12-31", 0, 0, 0, 0),
        ("2020-01-01", 10, 0, 0.1, 0.0909),  # lease_start is included
        ("2021-05-31", 10, 0, 0.1, 0.0909),
        ("2021-06-01", 30, 0, 0.3, 0.2727),
        ("2022-01-01", 30, 5, 0.3, 0.3182),
        ("2022-05-31", 30, 5, 0.3, 0.3182),
        ("2022-06-01", 30, 0, 0.3, 0.2727),  # terminated_on: land free from that day
        ("2023-05-31", 30, 0, 0.3, 0.2727),
        ("2023-06-01", 10, 0, 0.1, 0.0909),  # lease_end is excluded
        ("2024-01-01", 17, 0, 0.17, 0.1545),
        ("2099-12-31", 17, 0, 0.17, 0.1545),
    ],
)
def test_occupancy_on_a_date(client, zone_history, as_of, industrial, service, rate, rate_incl):
    response = client.get(zone_url(zone_history["id"]) + "/occupancy", params={"as_of": as_of})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "as_of": as_of,
        "industrial_land_ha": 100,
        "leased_industrial_ha": industrial,
        "service_land_ha": 10,
        "leased_service_ha": service,
        "available_ha": 110 - industrial - service,
        "occupancy_rate": rate,
        "occupancy_rate_incl_service": rate_incl,
    }


def test_occupancy_defaults_to_today(client, zone_history):
    response = client.get(zone_url(zone_history["id"]) + "/occupancy")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["as_of"] in today_candidates()
    assert body["leased_industrial_ha"] == 17
    zone = get_zone(client, zone_history["id"])
    for name in (
        "leased_industrial_ha",
        "leased_service_ha",
        "available_ha",
        "occupancy_rate",
        "occupancy_rate_incl_service",
    ):
        assert body[name] == zone[name], name


def test_occupancy_rates_are_null_without_land(client):
    zone = create_zone(client, total_area_ha=10, industrial_land_ha=0, service_land_ha=0)
    body = client.get(zone_url(zone["id"]) + "/occupancy", params={"as_of": "2024-01-01"}).json()
    assert body["occupancy_rate"] is None
    assert body["occupancy_rate_incl_service"] is None


def test_occupancy_is_tagged_and_a_lease_registered_since_is_never_answered_304(client):
    """A zone's occupancy is tagged by the data version: a poller's copy stays current (304)
    until a write, and the lease that write registered is in the next answer."""
    zone = create_zone(client)
    url = zone_url(zone["id"]) + "/occupancy"
    params = {"as_of": "2024-01-01"}
    first = client.get(url, params=params)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert client.get(url, params=params, headers={"If-None-Match": etag}).status_code == 304
    create_project(client, zone["id"], leased_ha=7, lease_start="2023-06-01")
    after = client.get(url, params=params, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert after.json()["leased_industrial_ha"] == first.json()["leased_industrial_ha"] + 7


@pytest.mark.parametrize(
    "as_of",
    [
        "24/06/2024",
        "2024/06/24",
        "2024-6-24",
        "2024-13-01",
        "2023-02-29",
        "today",
        "",
        "2024-06-24T00:00:00",
    ],
)
def test_occupancy_bad_as_of_is_422(client, zone_history, as_of):
    response = client.get(zone_url(zone_history["id"]) + "/occupancy", params={"as_of": as_of})
    assert_invalid_param(response, "as_of")


def test_occupancy_unknown_zone_is_404(client, zone_history):
    response = client.get(
        zone_url(zone_history["id"] + 1000) + "/occupancy", params={"as_of": "2024-01-01"}
    )
    assert_problem(response, 404)


def test_occupancy_bad_zone_id_is_422(client):
    assert_problem(client.get(zone_url("abc") + "/occupancy"), 422)
