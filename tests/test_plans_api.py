"""HTTP tests of plans, targets, reported actuals, the indicator catalogue and the plan
report (docs/api.md §6). Every refusal also checks that nothing changed."""

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from app.models import PlanActual, PlanTarget
from tests.factories import assert_problem, create_project, create_zone

PLANS = "/api/v1/plans"
INDICATORS = "/api/v1/indicators"
COMPUTED = {
    "park_occupancy_rate",
    "cluster_occupancy_rate",
    "park_mean_occupancy_rate",
    "cluster_mean_occupancy_rate",
    "industrial_area_ha",
    "leased_ha",
    "active_projects",
    "fdi_projects",
    "clearance_rate",
}
PLAN_BODY = {
    "code": "07-ĐA/TU",
    "title": "Đề án phát triển khu, cụm công nghiệp tỉnh Hòa Bình giai đoạn 2021–2025",
    "starts_on": "2021-01-01",
    "ends_on": "2025-12-31",
}


# ---------------------------------------------------------------------------- helpers


def plan_url(plan_id: Any) -> str:
    return f"{PLANS}/{plan_id}"


def send(client, method: str, url: str, body: Any):
    return client.request(
        method, url, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )


def create_plan(client, **overrides: Any) -> dict[str, Any]:
    response = send(client, "POST", PLANS, PLAN_BODY | overrides)
    assert response.status_code == 201, response.text
    return response.json()


def add_target(client, plan_id: int, indicator: str, target: Any, **extra: Any) -> dict[str, Any]:
    response = send(
        client,
        "POST",
        f"{plan_url(plan_id)}/targets",
        {"indicator": indicator, "target": target, **extra},
    )
    assert response.status_code == 201, response.text
    return response.json()


def add_actual(client, plan_id: int, indicator: str, value: Any, as_of: str, **extra: Any) -> dict:
    response = send(
        client,
        "POST",
        f"{plan_url(plan_id)}/actuals",
        {"indicator": indicator, "value": value, "as_of": as_of, **extra},
    )
    assert response.status_code == 201, response.text
    return response.json()


def all_plans(client) -> dict[str, Any]:
    response = client.get(PLANS, params={"limit": 500})
    assert response.status_code == 200, response.text
    return response.json()


def actuals(client, plan_id: int) -> dict[str, Any]:
    response = client.get(f"{plan_url(plan_id)}/actuals", params={"limit": 500})
    assert response.status_code == 200, response.text
    return response.json()


def state(client, plan_id: int | None = None) -> tuple[Any, Any]:
    """Every plan with its targets, and the actuals of one plan."""
    return all_plans(client), (actuals(client, plan_id) if plan_id else None)


def refuse(
    client, method: str, url: str, body: Any, status: int, *fields: str, plan_id: int | None = None
) -> dict[str, Any]:
    before = state(client, plan_id)
    problem = assert_problem(send(client, method, url, body), status)
    if fields:
        named = [e["field"] for e in problem.get("errors", [])]
        assert set(fields) & set(named), problem
    assert state(client, plan_id) == before
    return problem


def report(client, plan_id: int, **params: Any) -> dict[str, Any]:
    response = client.get(f"{plan_url(plan_id)}/report", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def rows_by_indicator(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["indicator"]: row for row in data["rows"]}


# ---------------------------------------------------------------------------- plans


def test_create_plan_returns_201_location_and_the_plan(client):
    response = send(client, "POST", PLANS, PLAN_BODY)
    assert response.status_code == 201, response.text
    plan = response.json()
    assert plan == plan | PLAN_BODY
    assert isinstance(plan["id"], int)
    assert plan["targets"] == []
    assert plan["created_at"].endswith("Z") and plan["updated_at"].endswith("Z")
    location = response.headers["location"]
    assert location.endswith(f"/api/v1/plans/{plan['id']}")
    fetched = client.get(location)
    assert fetched.status_code == 200, fetched.text
    assert fetched.json() == plan


def test_plan_code_and_title_round_trip_and_are_trimmed(client):
    plan = create_plan(client, code="  07-ĐA/TU  ", title="  Nghị quyết số 07  ")
    assert (plan["code"], plan["title"]) == ("07-ĐA/TU", "Nghị quyết số 07")


def test_duplicate_plan_code_is_409(client):
    create_plan(client)
    refuse(client, "POST", PLANS, PLAN_BODY | {"title": "Khác"}, 409)


@pytest.mark.parametrize("ends_on", ["2021-01-01", "2020-12-31"])
def test_plan_ending_on_or_before_its_start_is_422(client, ends_on):
    refuse(client, "POST", PLANS, PLAN_BODY | {"ends_on": ends_on}, 422, "ends_on", "starts_on")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "   "}, "code"),
        ({"code": "x" * 51}, "code"),
        ({"code": "07\x00ĐA"}, "code"),
        ({"title": ""}, "title"),
        ({"title": "t" * 301}, "title"),
        ({"title": "dòng 1\ndòng 2"}, "title"),
        ({"title": 7}, "title"),
        ({"starts_on": "2021-02-30"}, "starts_on"),
        ({"starts_on": "01/01/2021"}, "starts_on"),
        ({"ends_on": None}, "ends_on"),
        ({"unknown": 1}, "unknown"),
        ({"id": 1}, "id"),
        ({"targets": []}, "targets"),
        ({"created_at": "2024-01-01T00:00:00Z"}, "created_at"),
    ],
    ids=lambda v: repr(v)[:40] if isinstance(v, dict) else None,
)
def test_create_plan_refuses_invalid_fields(client, overrides, field):
    refuse(client, "POST", PLANS, PLAN_BODY | overrides, 422, field)


@pytest.mark.parametrize("field", ["code", "title", "starts_on", "ends_on"])
def test_create_plan_requires_every_field(client, field):
    body = dict(PLAN_BODY)
    del body[field]
    refuse(client, "POST", PLANS, body, 422, field)


def test_get_unknown_plan_is_404(client):
    assert_problem(client.get(plan_url(999_999)), 404)


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1"])
def test_get_plan_bad_id_is_422(client, bad_id):
    assert_problem(client.get(plan_url(bad_id)), 422)


def test_list_plans(client):
    later = create_plan(client, code="KH-2026", starts_on="2026-01-01", ends_on="2030-12-31")
    earlier = create_plan(client)
    add_target(client, earlier["id"], "park_occupancy_rate", 0.6)
    page = all_plans(client)
    assert page["total"] == 2 and (page["limit"], page["offset"]) == (500, 0)
    assert [p["id"] for p in page["items"]] == [earlier["id"], later["id"]]
    assert page["items"][0]["targets"][0]["indicator"] == "park_occupancy_rate"
    first = client.get(PLANS, params={"limit": 1, "offset": 1}).json()
    assert [p["id"] for p in first["items"]] == [later["id"]] and first["total"] == 2


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}])
def test_list_plans_bad_pagination_is_422(client, params):
    assert_problem(client.get(PLANS, params=params), 422)


def test_patch_plan(client):
    plan = create_plan(client)
    response = send(
        client, "PATCH", plan_url(plan["id"]), {"title": "Đề án sửa đổi", "ends_on": "2026-06-30"}
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["title"] == "Đề án sửa đổi"
    assert updated["ends_on"] == "2026-06-30"
    assert updated["code"] == plan["code"] and updated["starts_on"] == plan["starts_on"]
    assert client.get(plan_url(plan["id"])).json() == updated


def test_patch_plan_empty_body_changes_nothing_but_is_200(client):
    plan = create_plan(client)
    response = send(client, "PATCH", plan_url(plan["id"]), {})
    assert response.status_code == 200, response.text
    assert {k: v for k, v in response.json().items() if k != "updated_at"} == {
        k: v for k, v in plan.items() if k != "updated_at"
    }


def test_patch_plan_own_code_is_not_a_duplicate(client):
    plan = create_plan(client)
    response = send(client, "PATCH", plan_url(plan["id"]), {"code": plan["code"]})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("field", ["code", "title", "starts_on", "ends_on"])
def test_patch_plan_to_null_is_422(client, field):
    plan = create_plan(client)
    refuse(client, "PATCH", plan_url(plan["id"]), {field: None}, 422, field)


@pytest.mark.parametrize(
    "body",
    [
        {"ends_on": "2021-01-01"},
        {"ends_on": "2020-06-30"},
        {"starts_on": "2025-12-31"},
        {"starts_on": "2027-01-01"},
    ],
    ids=repr,
)
def test_patch_plan_dates_out_of_order_is_422(client, body):
    plan = create_plan(client)
    refuse(client, "PATCH", plan_url(plan["id"]), body, 422, "ends_on", "starts_on")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"unknown": 1}, "unknown"),
        ({"id": 3}, "id"),
        ({"targets": []}, "targets"),
        ({"code": "a\x07b"}, "code"),
    ],
    ids=repr,
)
def test_patch_plan_invalid_fields_is_422(client, body, field):
    plan = create_plan(client)
    refuse(client, "PATCH", plan_url(plan["id"]), body, 422, field)


def test_patch_plan_to_a_taken_code_is_409(client):
    create_plan(client)
    other = create_plan(client, code="KH-KHAC")
    refuse(client, "PATCH", plan_url(other["id"]), {"code": PLAN_BODY["code"]}, 409)


def test_patch_unknown_plan_is_404(client):
    refuse(client, "PATCH", plan_url(999_999), {"title": "x"}, 404)


def test_delete_plan_removes_targets_and_actuals(client, session):
    plan = create_plan(client)
    keep = create_plan(client, code="KH-GIU")
    add_target(client, plan["id"], "park_occupancy_rate", 0.6)
    add_target(client, plan["id"], "industrial_production_index", 115)
    add_actual(client, plan["id"], "industrial_production_index", 110, "2024-06-30")
    add_target(client, keep["id"], "leased_ha", 100)
    add_actual(client, keep["id"], "industrial_production_index", 90, "2024-06-30")
    response = client.delete(plan_url(plan["id"]))
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_problem(client.get(plan_url(plan["id"])), 404)
    assert_problem(client.get(f"{plan_url(plan['id'])}/actuals"), 404)
    assert_problem(client.get(f"{plan_url(plan['id'])}/report"), 404)
    assert_problem(client.delete(plan_url(plan["id"])), 404)
    for model in (PlanTarget, PlanActual):
        count = session.scalar(
            select(func.count()).select_from(model).where(model.plan_id == plan["id"])
        )
        assert count == 0, model.__name__
    # The other plan keeps its own.
    assert len(client.get(plan_url(keep["id"])).json()["targets"]) == 1
    assert actuals(client, keep["id"])["total"] == 1
    assert all_plans(client)["total"] == 1


def test_delete_plan_frees_its_code(client):
    plan = create_plan(client)
    assert client.delete(plan_url(plan["id"])).status_code == 204
    create_plan(client)


def test_delete_unknown_plan_is_404(client):
    create_plan(client)
    before = all_plans(client)
    assert_problem(client.delete(plan_url(999_999)), 404)
    assert all_plans(client) == before


# ---------------------------------------------------------------------------- targets


def test_add_target_returns_201_and_shows_in_the_plan(client):
    plan = create_plan(client)
    response = send(
        client,
        "POST",
        f"{plan_url(plan['id'])}/targets",
        {"indicator": "park_occupancy_rate", "target": 0.6, "label": "Tỷ lệ lấp đầy KCN"},
    )
    assert response.status_code == 201, response.text
    assert response.headers.get("location")
    target = response.json()
    assert target == target | {
        "indicator": "park_occupancy_rate",
        "target": 0.6,
        "label": "Tỷ lệ lấp đầy KCN",
    }
    assert isinstance(target["id"], int)
    assert client.get(plan_url(plan["id"])).json()["targets"] == [target]


def test_add_target_without_label(client):
    plan = create_plan(client)
    target = add_target(client, plan["id"], "industrial_production_index", 115)
    assert target["label"] is None and target["target"] == 115


@pytest.mark.parametrize("value", [0, -5, 1234567.123456, 0.000001])
def test_target_values_round_trip(client, value):
    plan = create_plan(client)
    assert add_target(client, plan["id"], "new_jobs", value)["target"] == value


@pytest.mark.parametrize(
    "indicator",
    [
        "Park_occupancy_rate",
        "park occupancy",
        "park-occupancy",
        "parkOccupancy",
        "1st_index",
        "_index",
        "a",
        "",
        "chỉ_số",
        "x" * 65,
        "rate\x00",
        7,
        None,
    ],
    ids=repr,
)
def test_target_indicator_must_be_snake_case(client, indicator):
    plan = create_plan(client)
    refuse(
        client,
        "POST",
        f"{plan_url(plan['id'])}/targets",
        {"indicator": indicator, "target": 1},
        422,
        "indicator",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"indicator": "x_index", "target": "1"}, "target"),
        ({"indicator": "x_index", "target": True}, "target"),
        ({"indicator": "x_index", "target": None}, "target"),
        ({"indicator": "x_index"}, "target"),
        ({"target": 1}, "indicator"),
        ({"indicator": "x_index", "target": 0.0000001}, "target"),
        ({"indicator": "x_index", "target": 1, "label": "l" * 301}, "label"),
        ({"indicator": "x_index", "target": 1, "unknown": 1}, "unknown"),
        ({"indicator": "x_index", "target": 1, "id": 1}, "id"),
    ],
    ids=lambda v: repr(v)[:50] if isinstance(v, dict) else None,
)
def test_target_invalid_fields_are_422(client, body, field):
    plan = create_plan(client)
    refuse(client, "POST", f"{plan_url(plan['id'])}/targets", body, 422, field)


def test_second_target_for_an_indicator_is_409(client):
    plan = create_plan(client)
    add_target(client, plan["id"], "park_occupancy_rate", 0.6)
    refuse(
        client,
        "POST",
        f"{plan_url(plan['id'])}/targets",
        {"indicator": "park_occupancy_rate", "target": 0.7},
        409,
    )


def test_same_indicator_in_two_plans_is_allowed(client):
    one, two = create_plan(client), create_plan(client, code="KH-2")
    add_target(client, one["id"], "park_occupancy_rate", 0.6)
    add_target(client, two["id"], "park_occupancy_rate", 0.7)


def test_target_for_unknown_plan_is_404(client):
    refuse(
        client, "POST", f"{plan_url(999_999)}/targets", {"indicator": "x_index", "target": 1}, 404
    )


def test_delete_target(client):
    plan = create_plan(client)
    gone = add_target(client, plan["id"], "park_occupancy_rate", 0.6)
    kept = add_target(client, plan["id"], "leased_ha", 100)
    response = client.delete(f"{plan_url(plan['id'])}/targets/{gone['id']}")
    assert response.status_code == 204, response.text
    assert client.get(plan_url(plan["id"])).json()["targets"] == [kept]
    assert_problem(client.delete(f"{plan_url(plan['id'])}/targets/{gone['id']}"), 404)
    # The indicator may be targeted again.
    add_target(client, plan["id"], "park_occupancy_rate", 0.65)


def test_delete_unknown_target_is_404(client):
    plan = create_plan(client)
    add_target(client, plan["id"], "leased_ha", 100)
    before = all_plans(client)
    assert_problem(client.delete(f"{plan_url(plan['id'])}/targets/999999"), 404)
    assert all_plans(client) == before


def test_delete_target_of_another_plan_is_404(client):
    plan, other = create_plan(client), create_plan(client, code="KH-2")
    target = add_target(client, other["id"], "leased_ha", 100)
    before = all_plans(client)
    assert_problem(client.delete(f"{plan_url(plan['id'])}/targets/{target['id']}"), 404)
    assert all_plans(client) == before
    assert client.get(plan_url(other["id"])).json()["targets"] == [target]


def test_delete_target_of_unknown_plan_is_404(client):
    plan = create_plan(client)
    target = add_target(client, plan["id"], "leased_ha", 100)
    before = all_plans(client)
    assert_problem(client.delete(f"{plan_url(999_999)}/targets/{target['id']}"), 404)
    assert all_plans(client) == before


# ---------------------------------------------------------------------------- actuals


def test_add_actual_returns_201_and_is_listed(client):
    plan = create_plan(client)
    body = {
        "indicator": "industrial_production_index",
        "value": 112.5,
        "as_of": "2024-06-30",
        "source": "Cục Thống kê tỉnh Hòa Bình",
    }
    response = send(client, "POST", f"{plan_url(plan['id'])}/actuals", body)
    assert response.status_code == 201, response.text
    assert response.headers.get("location")
    actual = response.json()
    assert actual == actual | body
    assert isinstance(actual["id"], int)
    assert actual["created_at"].endswith("Z")
    listed = actuals(client, plan["id"])
    assert listed["total"] == 1 and listed["items"] == [actual]


def test_list_actuals_filters_by_indicator_and_pages(client):
    plan = create_plan(client)
    add_actual(client, plan["id"], "industrial_production_index", 105, "2024-03-31")
    add_actual(client, plan["id"], "industrial_production_index", 110, "2024-06-30")
    add_actual(client, plan["id"], "export_value_musd", 1200, "2024-06-30")
    page = actuals(client, plan["id"])
    assert page["total"] == 3
    only = client.get(
        f"{plan_url(plan['id'])}/actuals", params={"indicator": "industrial_production_index"}
    ).json()
    assert [a["value"] for a in only["items"]] == [105, 110] and only["total"] == 2
    first = client.get(f"{plan_url(plan['id'])}/actuals", params={"limit": 1}).json()
    assert len(first["items"]) == 1 and first["total"] == 3


def test_list_actuals_of_unknown_plan_is_404(client):
    assert_problem(client.get(f"{plan_url(999_999)}/actuals"), 404)


@pytest.mark.parametrize("indicator", sorted(COMPUTED))
def test_actual_for_a_computed_indicator_is_422(client, indicator):
    plan = create_plan(client)
    refuse(
        client,
        "POST",
        f"{plan_url(plan['id'])}/actuals",
        {"indicator": indicator, "value": 0.5, "as_of": "2024-06-30"},
        422,
        "indicator",
        plan_id=plan["id"],
    )


def test_duplicate_actual_is_409(client):
    plan = create_plan(client)
    add_actual(client, plan["id"], "industrial_production_index", 110, "2024-06-30")
    refuse(
        client,
        "POST",
        f"{plan_url(plan['id'])}/actuals",
        {"indicator": "industrial_production_index", "value": 111, "as_of": "2024-06-30"},
        409,
        plan_id=plan["id"],
    )


def test_same_indicator_on_another_date_or_plan_is_allowed(client):
    plan, other = create_plan(client), create_plan(client, code="KH-2")
    add_actual(client, plan["id"], "industrial_production_index", 110, "2024-06-30")
    add_actual(client, plan["id"], "industrial_production_index", 111, "2024-07-31")
    add_actual(client, other["id"], "industrial_production_index", 110, "2024-06-30")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"indicator": "Chỉ số", "value": 1, "as_of": "2024-06-30"}, "indicator"),
        ({"indicator": "x_index", "value": "1", "as_of": "2024-06-30"}, "value"),
        ({"indicator": "x_index", "value": None, "as_of": "2024-06-30"}, "value"),
        ({"indicator": "x_index", "as_of": "2024-06-30"}, "value"),
        ({"indicator": "x_index", "value": 1}, "as_of"),
        ({"indicator": "x_index", "value": 1, "as_of": "30/06/2024"}, "as_of"),
        ({"indicator": "x_index", "value": 1, "as_of": "2024-06-31"}, "as_of"),
        (
            {"indicator": "x_index", "value": 1, "as_of": "2024-06-30", "source": "s" * 301},
            "source",
        ),
        ({"indicator": "x_index", "value": 1, "as_of": "2024-06-30", "source": "a\x1bb"}, "source"),
        ({"indicator": "x_index", "value": 1, "as_of": "2024-06-30", "unknown": 2}, "unknown"),
        ({"indicator": "x_index", "value": 1, "as_of": "2024-06-30", "plan_id": 2}, "plan_id"),
    ],
    ids=lambda v: repr(v)[:50] if isinstance(v, dict) else None,
)
def test_actual_invalid_fields_are_422(client, body, field):
    plan = create_plan(client)
    refuse(client, "POST", f"{plan_url(plan['id'])}/actuals", body, 422, field, plan_id=plan["id"])


def test_actual_for_unknown_plan_is_404(client):
    refuse(
        client,
        "POST",
        f"{plan_url(999_999)}/actuals",
        {"indicator": "x_index", "value": 1, "as_of": "2024-06-30"},
        404,
    )


# ---------------------------------------------------------------------------- indicators


def test_indicators_lists_the_nine_computed_indicators(client):
    response = client.get(INDICATORS)
    assert response.status_code == 200, response.text
    listed = response.json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert {item["indicator"] for item in items} == COMPUTED
    assert len(items) == 9
    for item in items:
        assert item.get("description") or item.get("label"), item
        assert isinstance(item.get("label", ""), str)


# ---------------------------------------------------------------------------- plan report


@pytest.fixture
def province(client) -> None:
    """Zones and leases for the computed indicators.

    Established parks: P1 100 ha industrial, 50 leased (JP); P2 300 ha, 30 leased.
    Established cluster: C1 40 ha, 10 leased. Planned park P3 (80 ha total, 6 leased).
    Closed park P4 (70 ha total, 5 leased). Clearance: P1 requires 200, cleared 100;
    P3 requires 80, cleared 20.
    """
    p1 = create_zone(
        client,
        kind="park",
        status="operating",
        total_area_ha=200,
        industrial_land_ha=100,
        service_land_ha=20,
        clearance_required_ha=200,
    )
    p2 = create_zone(
        client,
        kind="park",
        status="operating",
        total_area_ha=400,
        industrial_land_ha=300,
        service_land_ha=0,
        clearance_required_ha=0,
    )
    c1 = create_zone(
        client,
        kind="cluster",
        status="suspended",
        total_area_ha=60,
        industrial_land_ha=40,
        service_land_ha=5,
        clearance_required_ha=0,
    )
    p3 = create_zone(
        client,
        kind="park",
        status="planned",
        total_area_ha=80,
        industrial_land_ha=60,
        service_land_ha=0,
        clearance_required_ha=80,
    )
    p4 = create_zone(
        client,
        kind="park",
        status="closed",
        total_area_ha=70,
        industrial_land_ha=50,
        service_land_ha=0,
        clearance_required_ha=70,
    )
    create_project(client, p1["id"], leased_ha=50, investor_country="JP")
    create_project(client, p1["id"], leased_ha=4, land_use="service")
    create_project(client, p2["id"], leased_ha=30)
    create_project(client, c1["id"], leased_ha=10, investor_country="KR")
    create_project(client, p3["id"], leased_ha=6, investor_country="SG")
    create_project(client, p4["id"], leased_ha=5, investor_country="CN")
    create_project(client, p2["id"], leased_ha=10, lease_start="2025-01-01", investor_country="US")
    for zone, cleared in ((p1, 100), (p3, 20), (p4, 70)):
        response = client.post(
            f"/api/v1/zones/{zone['id']}/clearance",
            json={"recorded_on": "2023-01-01", "cleared_ha": cleared},
        )
        assert response.status_code == 201, response.text


def test_plan_report_computed_rows(client, province):
    plan = create_plan(client)
    targets = {
        "park_occupancy_rate": 0.6,
        "cluster_occupancy_rate": 0.5,
        "park_mean_occupancy_rate": 0.5,
        "cluster_mean_occupancy_rate": 0.5,
        "industrial_area_ha": 1000,
        "leased_ha": 200,
        "active_projects": 10,
        "fdi_projects": 4,
        "clearance_rate": 0.5,
    }
    for indicator, value in targets.items():
        add_target(client, plan["id"], indicator, value)
    data = report(client, plan["id"], as_of="2024-06-14")
    assert data["as_of"] == "2024-06-14"
    assert data["plan"]["id"] == plan["id"] and data["plan"]["code"] == PLAN_BODY["code"]
    rows = rows_by_indicator(data)
    assert set(rows) == set(targets)
    expected_actuals = {
        "park_occupancy_rate": 0.2,  # 80 / 400
        "cluster_occupancy_rate": 0.25,  # 10 / 40
        "park_mean_occupancy_rate": 0.3,  # (0.5 + 0.1) / 2
        "cluster_mean_occupancy_rate": 0.25,
        "industrial_area_ha": 740,  # 200 + 400 + 60 + 80: planned included, closed not
        "leased_ha": 100,  # 50 + 4 + 30 + 10 + 6
        "active_projects": 5,
        "fdi_projects": 3,  # JP, KR, SG
        # every zone not closed: cleared 100 + 20 of required 200 + 0 + 0 + 80
        "clearance_rate": 0.4286,
    }
    for indicator, row in rows.items():
        assert set(row) >= {
            "indicator",
            "label",
            "target",
            "actual",
            "achievement",
            "source",
            "as_of_value",
        }
        assert row["source"] == "computed", indicator
        assert row["target"] == targets[indicator]
        assert row["actual"] == expected_actuals[indicator], indicator
        assert row["as_of_value"] == "2024-06-14"
    assert rows["park_occupancy_rate"]["achievement"] == 0.3333  # 0.2 / 0.6
    assert rows["leased_ha"]["achievement"] == 0.5
    assert rows["fdi_projects"]["achievement"] == 0.75


def test_plan_report_computed_indicators_follow_the_date(client, province):
    plan = create_plan(client)
    add_target(client, plan["id"], "active_projects", 10)
    add_target(client, plan["id"], "fdi_projects", 4)
    rows = rows_by_indicator(report(client, plan["id"], as_of="2025-01-01"))
    assert rows["active_projects"]["actual"] == 6
    assert rows["fdi_projects"]["actual"] == 4
    assert rows["fdi_projects"]["achievement"] == 1
    rows = rows_by_indicator(report(client, plan["id"], as_of="2019-12-31"))
    assert rows["active_projects"]["actual"] == 0
    assert rows["active_projects"]["achievement"] == 0


@pytest.fixture
def reported_plan(client) -> dict[str, Any]:
    plan = create_plan(client)
    add_target(client, plan["id"], "industrial_production_index", 115, label="Chỉ số IIP")
    add_actual(client, plan["id"], "industrial_production_index", 105, "2024-03-31")
    add_actual(client, plan["id"], "industrial_production_index", 110, "2024-06-30")
    add_actual(client, plan["id"], "industrial_production_index", 120, "2024-09-30")
    return plan


@pytest.mark.parametrize(
    ("params", "actual", "as_of_value", "achievement"),
    [
        ({"as_of": "2024-06-30"}, 110, "2024-06-30", 0.9565),
        ({"as_of": "2024-07-15"}, 110, "2024-06-30", 0.9565),
        ({"as_of": "2024-06-29"}, 105, "2024-03-31", 0.913),
        ({"as_of": "2024-03-30"}, None, None, None),
        ({"period": "2024-H1"}, 105, "2024-03-31", 0.913),
        ({"period": "2024"}, 120, "2024-09-30", 1.0435),
        ({"as_of": "2030-01-01"}, 120, "2024-09-30", 1.0435),
    ],
)
def test_plan_report_reported_rows_take_the_latest_actual(
    client, reported_plan, params, actual, as_of_value, achievement
):
    data = report(client, reported_plan["id"], **params)
    (row,) = data["rows"]
    assert row == {
        "indicator": "industrial_production_index",
        "label": "Chỉ số IIP",
        "target": 115,
        "actual": actual,
        "achievement": achievement,
        "source": "reported",
        "as_of_value": as_of_value,
        "projected": None,  # reported indicators have no pace
        "on_track": None,
    }


def test_plan_report_ignores_actuals_of_other_plans_and_indicators(client, reported_plan):
    other = create_plan(client, code="KH-2")
    add_actual(client, other["id"], "industrial_production_index", 200, "2024-06-30")
    add_actual(client, reported_plan["id"], "export_value_musd", 999, "2024-06-30")
    (row,) = report(client, reported_plan["id"], as_of="2024-06-30")["rows"]
    assert row["actual"] == 110


@pytest.mark.parametrize(
    ("target", "actual", "achievement"),
    [
        (1, 0.00005, 0.0001),  # half-up, not half-even
        (1, 0.00025, 0.0003),
        (1, 0.00004, 0),
        (3, 2, 0.6667),
        (3, 1, 0.3333),
        (8, 1, 0.125),
        (100, 150, 1.5),
        (0, 50, None),
        (0, 0, None),
    ],
)
def test_plan_report_achievement(client, target, actual, achievement):
    plan = create_plan(client)
    add_target(client, plan["id"], "some_index", target)
    add_actual(client, plan["id"], "some_index", actual, "2024-01-01")
    (row,) = report(client, plan["id"], as_of="2024-06-30")["rows"]
    assert row["actual"] == actual
    assert row["achievement"] == achievement


def test_plan_report_zero_target_of_a_computed_indicator(client, province):
    plan = create_plan(client)
    add_target(client, plan["id"], "active_projects", 0)
    (row,) = report(client, plan["id"], as_of="2024-06-14")["rows"]
    assert row["actual"] == 5 and row["achievement"] is None


def test_plan_report_computed_rate_without_land_is_null(client):
    plan = create_plan(client)
    add_target(client, plan["id"], "cluster_occupancy_rate", 0.5)
    (row,) = report(client, plan["id"], as_of="2024-06-14")["rows"]
    assert row["source"] == "computed"
    assert row["actual"] is None
    assert row["achievement"] is None


def test_plan_without_targets_has_no_rows(client):
    plan = create_plan(client)
    data = report(client, plan["id"], as_of="2024-06-14")
    assert data["rows"] == [] and data["as_of"] == "2024-06-14"


def test_plan_report_mixes_computed_and_reported(client, province, reported_plan):
    add_target(client, reported_plan["id"], "park_occupancy_rate", 0.4)
    rows = rows_by_indicator(report(client, reported_plan["id"], period="2024-H1"))
    assert rows["park_occupancy_rate"]["source"] == "computed"
    assert rows["park_occupancy_rate"]["actual"] == 0.2
    assert rows["park_occupancy_rate"]["achievement"] == 0.5
    assert rows["park_occupancy_rate"]["as_of_value"] == "2024-06-14"
    assert rows["industrial_production_index"]["source"] == "reported"


def test_plan_report_of_unknown_plan_is_404(client):
    assert_problem(client.get(f"{plan_url(999_999)}/report"), 404)


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"as_of": "2024-02-30"}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"period": "2024-H2"}, "period"),
        ({"period": "24"}, "period"),
        ({"period": "2024-h3"}, "period"),
        ({"as_of": "2024-06-14", "period": "2024-H1"}, "period"),
        ({"format": "pdf"}, "format"),
    ],
    ids=repr,
)
def test_plan_report_bad_parameters_are_422(client, reported_plan, params, name):
    body = assert_problem(client.get(f"{plan_url(reported_plan['id'])}/report", params=params), 422)
    assert any(e["field"] == name or e["field"].endswith("." + name) for e in body["errors"]), body


def test_created_targets_and_actuals_carry_an_etag(client):
    plan = create_plan(client)
    target = send(
        client,
        "POST",
        f"{plan_url(plan['id'])}/targets",
        {"indicator": "park_occupancy_rate", "target": 0.8},
    )
    actual = send(
        client,
        "POST",
        f"{plan_url(plan['id'])}/actuals",
        {"indicator": "grid_households_rate", "value": 1, "as_of": "2024-06-24"},
    )
    assert (target.status_code, actual.status_code) == (201, 201), (target.text, actual.text)
    assert target.headers["etag"].startswith('"')
    assert actual.headers["etag"].startswith('"')
    assert target.headers["etag"] != actual.headers["etag"]
