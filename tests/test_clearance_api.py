"""HTTP tests of land clearance (docs/api.md §4): records, the zone's clearance block,
and the rules that tie records to zones.

Every refusal also checks that nothing changed: the zone's records and the zone itself.
"""

import json
import random
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.kit.json_out import json_bytes
from app.kit.settings import Settings
from app.main import create_app
from app.reports import service
from app.reports.params import ZoneSelection
from tests.conftest import share_session
from tests.factories import assert_problem, create_zone, error_fields

ZONES = "/api/v1/zones"
CLEARANCE_REPORT = "/api/v1/reports/clearance"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
RECORD_FIELDS = {
    "id",
    "zone_id",
    "recorded_on",
    "cleared_ha",
    "households_total",
    "households_relocated",
    "compensation_paid_vnd",
    "note",
    "created_at",
}
BLOCK_FIELDS = {
    "required_ha",
    "cleared_ha",
    "clearance_rate",
    "status",
    "last_recorded_on",
    "last_progress_on",
    "stalled",
}


# ---------------------------------------------------------------------------- helpers


def clearance_url(zone_id: Any) -> str:
    return f"{ZONES}/{zone_id}/clearance"


def post_json(client, url: str, body: Any):
    """POST a body serialised with ASCII escapes (so it can carry any code point)."""
    return client.post(
        url, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )


def post_record(client, zone_id: Any, body: dict[str, Any]):
    return post_json(client, clearance_url(zone_id), body)


def add_record(client, zone_id: int, recorded_on: str, cleared_ha: Any, **extra: Any) -> dict:
    response = post_record(
        client, zone_id, {"recorded_on": recorded_on, "cleared_ha": cleared_ha, **extra}
    )
    assert response.status_code == 201, response.text
    return response.json()


def records(client, zone_id: int) -> list[dict[str, Any]]:
    response = client.get(clearance_url(zone_id), params={"limit": 500})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def get_zone(client, zone_id: int) -> dict[str, Any]:
    response = client.get(f"{ZONES}/{zone_id}")
    assert response.status_code == 200, response.text
    return response.json()


def state(client, zone_id: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    return records(client, zone_id), get_zone(client, zone_id)


def refuse_record(client, zone_id: int, body: dict[str, Any], status: int, *fields: str) -> dict:
    """POST is refused with `status` (naming one of `fields` when given); nothing changes."""
    before = state(client, zone_id)
    problem = assert_problem(post_record(client, zone_id, body), status)
    if fields:
        assert set(fields) & set(error_fields(problem)), problem
        for error in problem["errors"]:
            assert error["message"]
    assert state(client, zone_id) == before
    return problem


def clearance_row(client, zone_id: int, as_of: str, **params: Any) -> dict[str, Any]:
    response = client.get(CLEARANCE_REPORT, params={"as_of": as_of, **params})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["as_of"] == as_of
    (row,) = [row for row in report["zones"] if row["id"] == zone_id]
    return row


def block_of(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row[key] for key in BLOCK_FIELDS}


def iso(day: date) -> str:
    return day.isoformat()


@pytest.fixture
def zone(client) -> dict[str, Any]:
    """An operating park of 100 ha of which 80 ha need clearing."""
    return create_zone(client, total_area_ha=100, clearance_required_ha=80)


# ---------------------------------------------------------------------------- create


def test_create_returns_201_location_and_the_record(client, zone):
    body = {
        "recorded_on": "2023-03-31",
        "cleared_ha": 12.5,
        "households_total": 120,
        "households_relocated": 45,
        "compensation_paid_vnd": 38_500_000_000,
        "note": "Đợt 1: xã Lương Sơn, huyện Lương Sơn",
    }
    response = post_record(client, zone["id"], body)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("application/json")
    created = response.json()
    assert set(created) == RECORD_FIELDS
    assert created == created | body | {"zone_id": zone["id"]}
    assert isinstance(created["id"], int)
    assert TIMESTAMP.match(created["created_at"]), created["created_at"]
    location = response.headers["location"]
    assert location.endswith(f"/api/v1/zones/{zone['id']}/clearance/{created['id']}")
    fetched = client.get(location)
    assert fetched.status_code == 200, fetched.text
    assert fetched.json() == created


def test_create_with_only_required_fields(client, zone):
    created = add_record(client, zone["id"], "2023-01-01", 0)
    assert created["cleared_ha"] == 0
    assert created["households_total"] is None
    assert created["households_relocated"] is None
    assert created["compensation_paid_vnd"] is None
    assert created["note"] is None


def test_create_keeps_four_decimal_places_exactly(client, zone):
    created = add_record(client, zone["id"], "2023-01-01", 12.3456)
    assert created["cleared_ha"] == 12.3456
    assert records(client, zone["id"])[0]["cleared_ha"] == 12.3456


def test_create_accepts_cleared_equal_to_required(client, zone):
    created = add_record(client, zone["id"], "2023-01-01", 80)
    assert created["cleared_ha"] == 80


def test_create_accepts_relocated_equal_to_total(client, zone):
    created = add_record(
        client, zone["id"], "2023-01-01", 5, households_total=10, households_relocated=10
    )
    assert (created["households_total"], created["households_relocated"]) == (10, 10)


@pytest.mark.parametrize(
    "note",
    [
        "Dòng 1\nDòng 2",
        "Cột\tgiá trị",
        "Đã chi trả bồi thường cho 45 hộ; còn 75 hộ chưa đồng ý phương án.",
        "x" * 2000,
        "ư" * 2000,
    ],
    ids=["newline", "tab", "vietnamese", "2000-ascii", "2000-vietnamese"],
)
def test_create_note_accepts_newline_tab_vietnamese_and_2000_chars(client, zone, note):
    created = add_record(client, zone["id"], "2023-01-01", 1, note=note)
    assert created["note"] == note
    assert records(client, zone["id"])[0]["note"] == note


def test_create_trims_note(client, zone):
    created = add_record(client, zone["id"], "2023-01-01", 1, note="  Ghi chú  ")
    assert created["note"] == "Ghi chú"


def test_create_on_a_zone_without_records_of_other_zones_interfering(client, zone):
    other = create_zone(client, total_area_ha=100, clearance_required_ha=100)
    add_record(client, other["id"], "2023-06-01", 90)
    # The other zone's larger, earlier and later figures do not constrain this zone.
    add_record(client, zone["id"], "2023-07-01", 10)
    add_record(client, zone["id"], "2023-05-01", 5)
    assert [r["cleared_ha"] for r in records(client, zone["id"])] == [5, 10]
    assert [r["cleared_ha"] for r in records(client, other["id"])] == [90]


# ---------------------------------------------------------------------------- refusals


def test_duplicate_date_is_409(client, zone):
    add_record(client, zone["id"], "2023-01-01", 10)
    problem = refuse_record(
        client, zone["id"], {"recorded_on": "2023-01-01", "cleared_ha": 10}, 409
    )
    assert problem["type"] != "about:blank"


def test_duplicate_date_with_other_figures_is_409(client, zone):
    add_record(client, zone["id"], "2023-01-01", 10)
    refuse_record(client, zone["id"], {"recorded_on": "2023-01-01", "cleared_ha": 20}, 409)


def test_same_date_in_another_zone_is_allowed(client, zone):
    other = create_zone(client)
    add_record(client, zone["id"], "2023-01-01", 10)
    add_record(client, other["id"], "2023-01-01", 10)


def test_cleared_above_required_is_422(client, zone):
    refuse_record(
        client, zone["id"], {"recorded_on": "2023-01-01", "cleared_ha": 80.0001}, 422, "cleared_ha"
    )


def test_cleared_above_required_when_required_is_below_total_is_422(client):
    zone = create_zone(client, total_area_ha=100, clearance_required_ha=30)
    refuse_record(
        client, zone["id"], {"recorded_on": "2023-01-01", "cleared_ha": 31}, 422, "cleared_ha"
    )


def test_cleared_below_an_earlier_record_is_422(client, zone):
    add_record(client, zone["id"], "2023-01-01", 20)
    refuse_record(
        client, zone["id"], {"recorded_on": "2023-02-01", "cleared_ha": 19.9999}, 422, "cleared_ha"
    )


def test_cleared_above_a_later_record_is_422(client, zone):
    add_record(client, zone["id"], "2023-06-01", 20)
    refuse_record(
        client, zone["id"], {"recorded_on": "2023-01-01", "cleared_ha": 20.0001}, 422, "cleared_ha"
    )


@pytest.mark.parametrize("cleared_ha", [9.9999, 0, 30.0001, 80])
def test_record_between_two_records_outside_them_is_422(client, zone, cleared_ha):
    add_record(client, zone["id"], "2023-01-01", 10)
    add_record(client, zone["id"], "2023-03-01", 30)
    refuse_record(
        client,
        zone["id"],
        {"recorded_on": "2023-02-01", "cleared_ha": cleared_ha},
        422,
        "cleared_ha",
    )


@pytest.mark.parametrize("cleared_ha", [10, 20, 30])
def test_record_between_two_records_within_them_is_201(client, zone, cleared_ha):
    add_record(client, zone["id"], "2023-01-01", 10)
    add_record(client, zone["id"], "2023-03-01", 30)
    add_record(client, zone["id"], "2023-02-01", cleared_ha)
    assert [r["cleared_ha"] for r in records(client, zone["id"])] == [10, cleared_ha, 30]


def test_record_is_checked_against_every_earlier_and_later_record(client, zone):
    add_record(client, zone["id"], "2023-01-01", 10)
    add_record(client, zone["id"], "2023-02-01", 20)
    add_record(client, zone["id"], "2023-05-01", 50)
    add_record(client, zone["id"], "2023-06-01", 60)
    # Between 2023-02-01 (20) and 2023-05-01 (50): the nearest neighbours bound it.
    refuse_record(
        client, zone["id"], {"recorded_on": "2023-03-01", "cleared_ha": 15}, 422, "cleared_ha"
    )
    refuse_record(
        client, zone["id"], {"recorded_on": "2023-03-01", "cleared_ha": 55}, 422, "cleared_ha"
    )
    add_record(client, zone["id"], "2023-03-01", 35)


def test_households_relocated_above_total_is_422(client, zone):
    refuse_record(
        client,
        zone["id"],
        {
            "recorded_on": "2023-01-01",
            "cleared_ha": 1,
            "households_total": 10,
            "households_relocated": 11,
        },
        422,
        "households_relocated",
        "households_total",
        "body",
    )


NUMBER_FIELDS = ["cleared_ha", "households_total", "households_relocated", "compensation_paid_vnd"]


@pytest.mark.parametrize("field", NUMBER_FIELDS)
@pytest.mark.parametrize("value", [-1, -0.0001, "5", "abc", True, [], {}], ids=repr)
def test_negative_or_non_number_is_422(client, zone, field, value):
    body = {"recorded_on": "2023-01-01", "cleared_ha": 1, field: value}
    refuse_record(client, zone["id"], body, 422, field)


@pytest.mark.parametrize(
    "field", ["households_total", "households_relocated", "compensation_paid_vnd"]
)
def test_fractional_counts_are_422(client, zone, field):
    body = {"recorded_on": "2023-01-01", "cleared_ha": 1, field: 1.5}
    refuse_record(client, zone["id"], body, 422, field)


def test_more_than_four_decimal_places_is_422(client, zone):
    refuse_record(
        client, zone["id"], {"recorded_on": "2023-01-01", "cleared_ha": 1.00001}, 422, "cleared_ha"
    )


@pytest.mark.parametrize(
    "note",
    ["a\x00b", "a\x07b", "a\rb", "a\x1bb", "a\x7fb", "a\x85b", "a\x9fb", "a\x0bb", "a\x0cb"],
    ids=["NUL", "BEL", "CR", "ESC", "DEL", "NEL", "APC", "VT", "FF"],
)
def test_control_characters_in_note_are_422(client, zone, note):
    body = {"recorded_on": "2023-01-01", "cleared_ha": 1, "note": note}
    refuse_record(client, zone["id"], body, 422, "note")


def test_note_over_2000_chars_is_422(client, zone):
    body = {"recorded_on": "2023-01-01", "cleared_ha": 1, "note": "ư" * 2001}
    refuse_record(client, zone["id"], body, 422, "note")


def test_note_with_unpaired_surrogate_is_422(client, zone):
    body = {"recorded_on": "2023-01-01", "cleared_ha": 1, "note": "a\ud800b"}
    refuse_record(client, zone["id"], body, 422, "note")


@pytest.mark.parametrize("field", ["recorded_on", "cleared_ha"])
def test_missing_required_field_is_422(client, zone, field):
    body = {"recorded_on": "2023-01-01", "cleared_ha": 1}
    del body[field]
    refuse_record(client, zone["id"], body, 422, field)


@pytest.mark.parametrize(
    "recorded_on",
    [
        "2023-02-30",
        "2023/01/01",
        "01-01-2023",
        "2023-1-1",
        "",
        None,
        20230101,
        "2023-01-01T00:00:00",
    ],
    ids=repr,
)
def test_bad_recorded_on_is_422(client, zone, recorded_on):
    refuse_record(
        client, zone["id"], {"recorded_on": recorded_on, "cleared_ha": 1}, 422, "recorded_on"
    )


@pytest.mark.parametrize(
    "extra",
    [{"unknown": 1}, {"id": 5}, {"zone_id": 1}, {"created_at": "2023-01-01T00:00:00Z"}],
    ids=lambda e: next(iter(e)),
)
def test_unknown_and_read_only_fields_are_422(client, zone, extra):
    body = {"recorded_on": "2023-01-01", "cleared_ha": 1, **extra}
    refuse_record(client, zone["id"], body, 422, next(iter(extra)))


@pytest.mark.parametrize("body", [[], "x", 1, None], ids=repr)
def test_body_that_is_not_an_object_is_422(client, zone, body):
    refuse_record(client, zone["id"], body, 422)


def test_malformed_json_is_400(client, zone):
    before = state(client, zone["id"])
    response = client.post(
        clearance_url(zone["id"]),
        content=b'{"recorded_on": ',
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 400)
    assert state(client, zone["id"]) == before


def test_create_in_unknown_zone_is_404(client, zone):
    before = records(client, zone["id"])
    response = post_record(client, 999_999, {"recorded_on": "2023-01-01", "cleared_ha": 1})
    assert_problem(response, 404)
    assert records(client, zone["id"]) == before
    assert_problem(client.get(clearance_url(999_999)), 404)


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", "1.5"])
def test_create_with_bad_zone_id_is_422(client, bad_id):
    response = post_record(client, bad_id, {"recorded_on": "2023-01-01", "cleared_ha": 1})
    assert_problem(response, 422)


# ---------------------------------------------------------------------------- read and list


def test_get_record(client, zone):
    created = add_record(client, zone["id"], "2023-01-01", 3, note="Ghi chú")
    response = client.get(f"{clearance_url(zone['id'])}/{created['id']}")
    assert response.status_code == 200, response.text
    assert response.json() == created


def test_get_unknown_record_is_404(client, zone):
    assert_problem(client.get(f"{clearance_url(zone['id'])}/999999"), 404)


def test_get_record_through_another_zone_is_404(client, zone):
    created = add_record(client, zone["id"], "2023-01-01", 3)
    other = create_zone(client)
    assert_problem(client.get(f"{clearance_url(other['id'])}/{created['id']}"), 404)


def test_get_record_of_unknown_zone_is_404(client, zone):
    created = add_record(client, zone["id"], "2023-01-01", 3)
    assert_problem(client.get(f"{clearance_url(999_999)}/{created['id']}"), 404)


@pytest.mark.parametrize("bad_id", ["abc", "0", "-3"])
def test_get_record_with_bad_id_is_422(client, zone, bad_id):
    assert_problem(client.get(f"{clearance_url(zone['id'])}/{bad_id}"), 422)


def test_list_unknown_zone_is_404(client):
    assert_problem(client.get(clearance_url(999_999)), 404)


def test_list_empty(client, zone):
    response = client.get(clearance_url(zone["id"]))
    assert response.status_code == 200, response.text
    assert response.json() == {"items": [], "total": 0, "limit": 50, "offset": 0}


def test_list_is_oldest_first_whatever_the_order_of_entry(client, zone):
    add_record(client, zone["id"], "2023-06-01", 30)
    add_record(client, zone["id"], "2022-01-01", 5)
    add_record(client, zone["id"], "2023-01-01", 20)
    add_record(client, zone["id"], "2024-01-01", 40)
    add_record(client, zone["id"], "2022-06-30", 10)
    listed = records(client, zone["id"])
    assert [r["recorded_on"] for r in listed] == [
        "2022-01-01",
        "2022-06-30",
        "2023-01-01",
        "2023-06-01",
        "2024-01-01",
    ]
    assert [r["cleared_ha"] for r in listed] == [5, 10, 20, 30, 40]
    assert all(r["zone_id"] == zone["id"] for r in listed)


def test_list_only_holds_the_zones_own_records(client, zone):
    other = create_zone(client)
    add_record(client, other["id"], "2023-01-01", 3)
    add_record(client, zone["id"], "2023-02-01", 4)
    assert [r["cleared_ha"] for r in records(client, zone["id"])] == [4]


def test_list_pagination(client, zone):
    for month in range(1, 8):
        add_record(client, zone["id"], f"2023-{month:02d}-01", month)
    page = client.get(clearance_url(zone["id"]), params={"limit": 3, "offset": 2}).json()
    assert page["total"] == 7
    assert (page["limit"], page["offset"]) == (3, 2)
    assert [r["recorded_on"] for r in page["items"]] == ["2023-03-01", "2023-04-01", "2023-05-01"]
    last = client.get(clearance_url(zone["id"]), params={"limit": 3, "offset": 6}).json()
    assert [r["recorded_on"] for r in last["items"]] == ["2023-07-01"]
    beyond = client.get(clearance_url(zone["id"]), params={"offset": 100}).json()
    assert beyond["items"] == [] and beyond["total"] == 7
    everything = client.get(clearance_url(zone["id"]), params={"limit": 500}).json()
    assert len(everything["items"]) == 7


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": "x"}, "offset"),
    ],
)
def test_list_bad_pagination_is_422(client, zone, params, name):
    body = assert_problem(client.get(clearance_url(zone["id"]), params=params), 422)
    assert any(f == name or f.endswith("." + name) for f in error_fields(body)), body


# ---------------------------------------------------------------------------- zone clearance block


def test_zone_without_records_is_not_started(client, zone):
    block = get_zone(client, zone["id"])["clearance"]
    assert set(block) >= BLOCK_FIELDS
    assert block_of(block) == {
        "required_ha": 80,
        "cleared_ha": 0,
        "clearance_rate": 0,
        "status": "not_started",
        "last_recorded_on": None,
        "last_progress_on": None,
        "stalled": False,
    }


def test_required_defaults_to_total_area(client):
    zone = create_zone(client, total_area_ha=123.5)
    assert get_zone(client, zone["id"])["clearance"]["required_ha"] == 123.5


def test_zone_with_only_a_zero_record_is_not_started(client, zone):
    long_ago = iso(date.today() - timedelta(days=400))
    add_record(client, zone["id"], long_ago, 0)
    block = get_zone(client, zone["id"])["clearance"]
    assert block["status"] == "not_started"
    assert block["cleared_ha"] == 0
    assert block["last_recorded_on"] == long_ago
    assert block["stalled"] is False


def test_zone_in_progress(client, zone):
    day = iso(date.today() - timedelta(days=20))
    add_record(client, zone["id"], day, 30)
    block = get_zone(client, zone["id"])["clearance"]
    assert block_of(block) == {
        "required_ha": 80,
        "cleared_ha": 30,
        "clearance_rate": 0.375,
        "status": "in_progress",
        "last_recorded_on": day,
        "last_progress_on": day,
        "stalled": False,
    }


def test_zone_completed_when_cleared_reaches_required(client, zone):
    first = iso(date.today() - timedelta(days=1000))
    last = iso(date.today() - timedelta(days=900))
    add_record(client, zone["id"], first, 40)
    add_record(client, zone["id"], last, 80)
    block = get_zone(client, zone["id"])["clearance"]
    assert block["status"] == "completed"
    assert block["clearance_rate"] == 1
    assert block["cleared_ha"] == 80
    # Long without progress, but nothing is left to clear.
    assert block["stalled"] is False


def test_clearance_rate_rounds_half_up(client):
    zone = create_zone(client, total_area_ha=100, clearance_required_ha=16)
    add_record(client, zone["id"], iso(date.today() - timedelta(days=1)), 1.9752)  # 0.12345
    assert get_zone(client, zone["id"])["clearance"]["clearance_rate"] == 0.1235


def test_zone_block_uses_the_latest_record_on_or_before_today(client, zone):
    past = iso(date.today() - timedelta(days=30))
    future = iso(date.today() + timedelta(days=30))
    add_record(client, zone["id"], past, 10)
    add_record(client, zone["id"], future, 50)
    block = get_zone(client, zone["id"])["clearance"]
    assert block["cleared_ha"] == 10
    assert block["last_recorded_on"] == past


def test_zone_stalled_when_no_progress_for_long(client, zone):
    day = iso(date.today() - timedelta(days=400))
    add_record(client, zone["id"], day, 10)
    block = get_zone(client, zone["id"])["clearance"]
    assert block["status"] == "in_progress"
    assert block["stalled"] is True


def test_zone_list_items_carry_the_block(client, zone):
    add_record(client, zone["id"], iso(date.today() - timedelta(days=5)), 20)
    listed = client.get(ZONES, params={"limit": 500}).json()["items"]
    (item,) = [z for z in listed if z["id"] == zone["id"]]
    assert item["clearance"] == get_zone(client, zone["id"])["clearance"]


def test_last_progress_on_is_the_latest_record_that_raised_cleared_area(client, zone):
    add_record(client, zone["id"], "2022-01-01", 10)
    add_record(client, zone["id"], "2022-03-01", 25)
    add_record(client, zone["id"], "2022-06-01", 25)  # no progress
    add_record(client, zone["id"], "2022-09-01", 25, households_total=10)  # no progress
    row = clearance_row(client, zone["id"], "2022-12-31")
    assert row["last_recorded_on"] == "2022-09-01"
    assert row["last_progress_on"] == "2022-03-01"
    assert row["cleared_ha"] == 25
    assert row["status"] == "in_progress"


def test_block_on_a_date_counts_only_records_up_to_it(client, zone):
    add_record(client, zone["id"], "2022-01-01", 10)
    add_record(client, zone["id"], "2022-03-01", 25)
    add_record(client, zone["id"], "2022-06-01", 80)
    before_any = clearance_row(client, zone["id"], "2021-12-31")
    assert block_of(before_any) == {
        "required_ha": 80,
        "cleared_ha": 0,
        "clearance_rate": 0,
        "status": "not_started",
        "last_recorded_on": None,
        "last_progress_on": None,
        "stalled": False,
    }
    on_first = clearance_row(client, zone["id"], "2022-01-01")
    assert (on_first["cleared_ha"], on_first["last_recorded_on"], on_first["last_progress_on"]) == (
        10,
        "2022-01-01",
        "2022-01-01",
    )
    between = clearance_row(client, zone["id"], "2022-05-31")
    assert (between["cleared_ha"], between["status"], between["last_progress_on"]) == (
        25,
        "in_progress",
        "2022-03-01",
    )
    assert between["clearance_rate"] == 0.3125
    after = clearance_row(client, zone["id"], "2022-06-01")
    assert (after["cleared_ha"], after["status"], after["clearance_rate"]) == (80, "completed", 1)


def test_first_record_that_clears_nothing_is_not_progress(client, zone):
    add_record(client, zone["id"], "2022-01-01", 0)
    add_record(client, zone["id"], "2022-05-01", 5)
    row = clearance_row(client, zone["id"], "2022-04-01")
    assert (row["status"], row["last_progress_on"], row["last_recorded_on"]) == (
        "not_started",
        None,
        "2022-01-01",
    )
    row = clearance_row(client, zone["id"], "2022-06-01")
    assert (row["status"], row["last_progress_on"]) == ("in_progress", "2022-05-01")


def test_the_report_and_a_zone_read_find_the_same_latest_record_and_progress(client):
    """The report finds each zone's latest record and last progress in one statement over
    all zones (app.land.queries); a zone read folds its own records in Python
    (app.land.clearance.last_progress). Over histories with first records of nothing, flat
    spells and rises, on dates before, between, on and after the records, they agree."""
    chooser = random.Random(20261201)
    zones = [create_zone(client, total_area_ha=100, clearance_required_ha=80) for _ in range(6)]
    for zone in zones[1:]:  # the first has no record at all
        day, cleared = date(2021, 1, 1), 0
        for _ in range(chooser.randint(1, 6)):
            day += timedelta(days=chooser.randint(1, 200))
            cleared = min(80, cleared + chooser.choice([0, 0, 5, 12.5]))
            add_record(client, zone["id"], iso(day), cleared)
    for as_of in ("2020-12-31", "2021-01-01", "2021-07-01", "2022-03-15", "2024-12-31"):
        report = client.get(CLEARANCE_REPORT, params={"as_of": as_of}).json()
        rows = {row["id"]: row for row in report["zones"]}
        for zone in zones:
            read = client.get(f"{ZONES}/{zone['id']}", params={"as_of": as_of})
            assert read.status_code == 200, read.text
            assert block_of(rows[zone["id"]]) == read.json()["clearance"], (as_of, zone["id"])


def test_the_clearance_document_reads_as_the_api_answer(client, session):
    """Code that takes the clearance report as a document (alerts, filings, CSV and XLSX)
    reads what a client of the API reads: text dates and statuses, not the dates and enums
    the rows are made with for the JSON writer (app.reports.service._clearance_json)."""
    zones = [create_zone(client, total_area_ha=100, clearance_required_ha=80) for _ in range(3)]
    add_record(client, zones[1]["id"], "2022-01-10", 20)
    add_record(client, zones[2]["id"], "2022-01-10", 80)
    day = date(2024, 6, 30)
    document = service.clearance_document(session, ZoneSelection(), day, 180)
    answer = client.get(CLEARANCE_REPORT, params={"as_of": day.isoformat()})
    assert answer.status_code == 200, answer.text
    assert document == answer.json()
    rows = {row["id"]: row for row in document["zones"]}
    assert rows[zones[1]["id"]]["last_recorded_on"] == "2022-01-10"
    assert [type(rows[z["id"]]["status"]) for z in zones] == [str, str, str]
    assert [rows[z["id"]]["status"] for z in zones] == ["not_started", "in_progress", "completed"]
    assert (
        json_bytes(service.clearance_document(session, ZoneSelection(), day, 180, written=True))
        == answer.content
    )


STALL_START = date(2023, 1, 1)


@pytest.mark.parametrize(
    ("days", "stalled"),
    [(0, False), (1, False), (179, False), (180, False), (181, True), (1000, True)],
)
def test_stalled_after_more_than_180_days_without_progress(client, zone, days, stalled):
    add_record(client, zone["id"], iso(STALL_START), 10)
    row = clearance_row(client, zone["id"], iso(STALL_START + timedelta(days=days)))
    assert row["status"] == "in_progress"
    assert row["stalled"] is stalled


@pytest.mark.parametrize(("days", "stalled"), [(180, False), (181, True)])
def test_records_without_progress_do_not_reset_the_stall_clock(client, zone, days, stalled):
    add_record(client, zone["id"], iso(STALL_START), 10)
    add_record(client, zone["id"], iso(STALL_START + timedelta(days=100)), 10)
    add_record(
        client, zone["id"], iso(STALL_START + timedelta(days=175)), 10, note="Không tiến triển"
    )
    row = clearance_row(client, zone["id"], iso(STALL_START + timedelta(days=days)))
    assert row["last_recorded_on"] == iso(STALL_START + timedelta(days=175))
    assert row["last_progress_on"] == iso(STALL_START)
    assert row["stalled"] is stalled


def test_progress_resets_the_stall_clock(client, zone):
    add_record(client, zone["id"], iso(STALL_START), 10)
    add_record(client, zone["id"], iso(STALL_START + timedelta(days=150)), 11)
    row = clearance_row(client, zone["id"], iso(STALL_START + timedelta(days=300)))
    assert row["last_progress_on"] == iso(STALL_START + timedelta(days=150))
    assert row["stalled"] is False
    row = clearance_row(client, zone["id"], iso(STALL_START + timedelta(days=331)))
    assert row["stalled"] is True


def test_not_started_and_completed_are_never_stalled(client, zone):
    completed = create_zone(client, total_area_ha=100, clearance_required_ha=50)
    add_record(client, completed["id"], iso(STALL_START), 50)
    late = iso(STALL_START + timedelta(days=2000))
    assert clearance_row(client, zone["id"], late)["stalled"] is False
    row = clearance_row(client, completed["id"], late)
    assert (row["status"], row["stalled"]) == ("completed", False)


@pytest.fixture
def client_stall_30(database_url, engine, session) -> Iterator[TestClient]:
    """The same database and session, served by an app configured with 30 stall days."""
    app = share_session(
        create_app(Settings(database_url=database_url, stall_days=30), engine), session
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(("days", "stalled"), [(30, False), (31, True)])
def test_stall_days_setting_is_honoured(client, client_stall_30, zone, days, stalled):
    add_record(client, zone["id"], iso(STALL_START), 10)
    as_of = iso(STALL_START + timedelta(days=days))
    assert clearance_row(client_stall_30, zone["id"], as_of)["stalled"] is stalled
    # The default app still waits 180 days.
    assert clearance_row(client, zone["id"], as_of)["stalled"] is False


def test_stall_days_setting_reaches_the_zone_block(client, client_stall_30, zone):
    add_record(client, zone["id"], iso(date.today() - timedelta(days=60)), 10)
    assert get_zone(client, zone["id"])["clearance"]["stalled"] is False
    response = client_stall_30.get(f"{ZONES}/{zone['id']}")
    assert response.status_code == 200, response.text
    assert response.json()["clearance"]["stalled"] is True


def test_stall_days_read_from_the_environment(
    monkeypatch, database_url, engine, session, client, zone
):
    monkeypatch.setenv("OCCUPANCY_STALL_DAYS", "30")
    settings = Settings(database_url=database_url)
    assert settings.stall_days == 30
    app = share_session(create_app(settings, engine), session)
    add_record(client, zone["id"], iso(STALL_START), 10)
    with TestClient(app, raise_server_exceptions=False) as env_client:
        assert clearance_row(env_client, zone["id"], iso(STALL_START + timedelta(days=31)))[
            "stalled"
        ]


# ---------------------------------------------------------------------------- zone rules


def test_patch_lowering_required_below_recorded_cleared_is_409(client, zone):
    add_record(client, zone["id"], "2022-01-01", 30)
    add_record(client, zone["id"], "2022-06-01", 60)
    before = state(client, zone["id"])
    response = client.patch(f"{ZONES}/{zone['id']}", json={"clearance_required_ha": 59.9999})
    assert_problem(response, 409)
    assert state(client, zone["id"]) == before


def test_patch_lowering_required_below_a_future_record_is_409(client, zone):
    add_record(client, zone["id"], iso(date.today() + timedelta(days=365)), 70)
    before = state(client, zone["id"])
    response = client.patch(f"{ZONES}/{zone['id']}", json={"clearance_required_ha": 50})
    assert_problem(response, 409)
    assert state(client, zone["id"]) == before


def test_patch_lowering_required_to_the_cleared_area_is_allowed(client, zone):
    add_record(client, zone["id"], "2022-06-01", 60)
    response = client.patch(f"{ZONES}/{zone['id']}", json={"clearance_required_ha": 60})
    assert response.status_code == 200, response.text
    block = response.json()["clearance"]
    assert (block["required_ha"], block["status"], block["clearance_rate"]) == (60, "completed", 1)


def test_patch_raising_required_reopens_clearance(client, zone):
    add_record(client, zone["id"], "2022-06-01", 80)
    assert get_zone(client, zone["id"])["clearance"]["status"] == "completed"
    response = client.patch(f"{ZONES}/{zone['id']}", json={"clearance_required_ha": 100})
    assert response.status_code == 200, response.text
    assert response.json()["clearance"]["status"] == "in_progress"
    assert response.json()["clearance"]["clearance_rate"] == 0.8


def test_delete_zone_with_clearance_records_is_409(client, zone):
    add_record(client, zone["id"], "2022-06-01", 0)
    before = state(client, zone["id"])
    assert_problem(client.delete(f"{ZONES}/{zone['id']}"), 409)
    assert state(client, zone["id"]) == before


def test_delete_zone_without_records_is_204(client, zone):
    assert client.delete(f"{ZONES}/{zone['id']}").status_code == 204
    assert_problem(client.get(clearance_url(zone["id"])), 404)
