"""Zones that change with time (§8): revisions, reads as of a date, reports and the
capacity invariant on the values in effect, and filed reports that stay reproducible."""

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import bearer
from tests.factories import assert_problem, create_project, create_zone

ZONES = "/api/v1/zones"


def today() -> date:
    return datetime.now(UTC).astimezone(timezone(timedelta(hours=7))).date()


OCCUPANCY = "/api/v1/reports/occupancy"


def patch(client: Any, zone_id: int, **body: Any) -> Any:
    return client.patch(f"{ZONES}/{zone_id}", json=body)


def zone_on(client: Any, zone_id: int, day: str) -> Any:
    return client.get(f"{ZONES}/{zone_id}", params={"as_of": day})


def history(client: Any, zone_id: int) -> list[dict[str, Any]]:
    response = client.get(f"{ZONES}/{zone_id}/history")
    assert response.status_code == 200, response.text
    return response.json()["items"]


@pytest.fixture
def park(client):
    """A park established on 2020-01-01 with 70 ha of industrial land."""
    return create_zone(client, established_on="2020-01-01", industrial_land_ha=70)


# ----------------------------------------------------------------- revisions and reads


def test_a_zone_starts_at_its_establishment_and_is_absent_before(client, park):
    items = history(client, park["id"])
    assert [i["effective_from"] for i in items] == ["2020-01-01"]
    assert items[0]["changes"]["industrial_land_ha"] == 70
    assert items[0]["recorded_by"] == "test-admin"
    assert zone_on(client, park["id"], "2020-01-01").status_code == 200
    problem = assert_problem(zone_on(client, park["id"], "2019-12-31"), 404)
    assert "2020-01-01" in problem["detail"]
    listed = client.get(ZONES, params={"as_of": "2019-12-31", "code": park["code"]}).json()
    assert listed["items"] == [] and listed["total"] == 0
    report = client.get(OCCUPANCY, params={"as_of": "2019-12-31", "scope": "all"}).json()
    assert park["id"] not in [z["id"] for z in report["zones"]]


def test_without_dates_the_first_revision_holds_on_every_earlier_date(client):
    zone = create_zone(client)
    assert history(client, zone["id"])[0]["effective_from"] is None
    assert zone_on(client, zone["id"], "1990-01-01").json()["name"] == zone["name"]


def test_effective_from_on_create_overrides_established_on(client):
    zone = create_zone(client, established_on="2020-01-01", effective_from="2018-01-01")
    assert zone_on(client, zone["id"], "2018-06-01").status_code == 200


def test_a_back_dated_correction_changes_the_past_and_not_the_present_alone(client, park):
    create_project(client, park["id"], leased_ha=35, lease_start="2021-01-01")
    before = client.get(OCCUPANCY, params={"as_of": "2024-06-14"}).json()
    row = next(z for z in before["zones"] if z["id"] == park["id"])
    assert row["occupancy_rate"] == 0.5

    response = patch(client, park["id"], industrial_land_ha=50, effective_from="2023-01-01")
    assert response.status_code == 200, response.text
    assert response.json()["industrial_land_ha"] == 50  # today
    assert zone_on(client, park["id"], "2022-12-31").json()["industrial_land_ha"] == 70
    assert zone_on(client, park["id"], "2023-01-01").json()["industrial_land_ha"] == 50
    after = client.get(OCCUPANCY, params={"as_of": "2024-06-14"}).json()
    row = next(z for z in after["zones"] if z["id"] == park["id"])
    assert (row["industrial_land_ha"], row["occupancy_rate"]) == (50, 0.7)
    earlier = client.get(OCCUPANCY, params={"as_of": "2022-06-14"}).json()
    assert next(z for z in earlier["zones"] if z["id"] == park["id"])["occupancy_rate"] == 0.5


def test_each_field_holds_until_the_next_revision_of_that_same_field(client, park):
    assert patch(client, park["id"], name="Tên A", effective_from="2022-01-01").status_code == 200
    assert (
        patch(client, park["id"], status="suspended", effective_from="2023-01-01").status_code
        == 200
    )
    # A back-dated name between the two: it holds until 2023... and on, since no later
    # revision sets the name; the status revision does not reset it.
    assert patch(client, park["id"], name="Tên B", effective_from="2022-06-01").status_code == 200
    on = {
        day: zone_on(client, park["id"], day).json()
        for day in ("2021-12-31", "2022-03-01", "2022-07-01", "2024-01-01")
    }
    assert on["2021-12-31"]["name"] == park["name"]
    assert on["2022-03-01"]["name"] == "Tên A"
    assert on["2022-07-01"]["name"] == "Tên B"
    assert (on["2024-01-01"]["name"], on["2024-01-01"]["status"]) == ("Tên B", "suspended")
    assert on["2022-07-01"]["status"] == "operating"
    dates = [i["effective_from"] for i in history(client, park["id"])]
    assert dates == ["2020-01-01", "2022-01-01", "2022-06-01", "2023-01-01"]


def test_two_revisions_on_one_date_the_later_write_wins(client, park):
    patch(client, park["id"], name="Một", developer="X", effective_from="2022-01-01")
    patch(client, park["id"], name="Hai", effective_from="2022-01-01")
    shown = zone_on(client, park["id"], "2022-01-01").json()
    assert (shown["name"], shown["developer"]) == ("Hai", "X")


def test_patch_defaults_to_today_and_refuses_a_date_before_the_zone_exists(client, park):
    response = patch(client, park["id"], developer="Công ty mới")
    assert response.status_code == 200
    assert history(client, park["id"])[-1]["effective_from"] == today().isoformat()
    before = history(client, park["id"])
    assert_problem(
        patch(client, park["id"], developer="Sớm", effective_from="2019-12-31"),
        422,
        field="effective_from",
    )
    assert history(client, park["id"]) == before


def test_a_rule_broken_on_some_later_state_is_refused(client, park):
    """Total area lowered from 2021 on, while a 2023 revision raised industrial land."""
    patch(client, park["id"], industrial_land_ha=80, effective_from="2023-01-01")
    before = history(client, park["id"])
    problem = assert_problem(
        patch(
            client,
            park["id"],
            total_area_ha=85,
            clearance_required_ha=85,
            effective_from="2021-01-01",
        ),
        422,
        field="industrial_land_ha",
    )
    assert "2023-01-01" in problem["errors"][0]["message"]
    assert history(client, park["id"]) == before


def test_fixed_fields_change_in_place_without_a_revision(client, park):
    before = history(client, park["id"])
    response = patch(client, park["id"], decision_no="12/QĐ-UBND", latitude=20.5, longitude=105.5)
    assert response.status_code == 200, response.text
    assert history(client, park["id"]) == before
    assert zone_on(client, park["id"], "2020-06-01").json()["decision_no"] == "12/QĐ-UBND"


def test_lists_filter_on_the_values_in_effect_on_the_date(client, park):
    patch(client, park["id"], province="Phú Thọ", effective_from="2025-07-01")

    def codes(day: str, province: str) -> list[str]:
        body = client.get(ZONES, params={"as_of": day, "province": province}).json()
        return [z["code"] for z in body["items"]]

    assert park["code"] in codes("2025-06-30", "Hòa Bình")
    assert park["code"] not in codes("2025-06-30", "Phú Thọ")
    assert park["code"] in codes("2025-07-01", "Phú Thọ")
    assert park["code"] not in codes("2025-07-01", "Hòa Bình")


# ---------------------------------------------------------------- capacity over time


def test_a_lease_must_fit_the_land_in_effect_on_every_day_of_its_period(client, park):
    patch(client, park["id"], industrial_land_ha=40, effective_from="2024-01-01")
    # 50 ha fit 2020-2023 (70 ha), not 2024 on (40 ha).
    response = client.post(
        "/api/v1/projects",
        json={
            "zone_id": park["id"],
            "name": "A",
            "investor": "B",
            "investor_country": "VN",
            "leased_ha": 50,
            "lease_start": "2021-01-01",
        },
    )
    problem = assert_problem(response, 409)
    assert problem["type"].endswith("/capacity-exceeded")
    assert problem["available_ha"] == 40
    ok = create_project(
        client, park["id"], leased_ha=50, lease_start="2021-01-01", lease_end="2024-01-01"
    )
    assert ok["leased_ha"] == 50


def test_a_lease_before_the_zone_exists_is_refused(client, park):
    response = client.post(
        "/api/v1/projects",
        json={
            "zone_id": park["id"],
            "name": "A",
            "investor": "B",
            "investor_country": "VN",
            "leased_ha": 1,
            "lease_start": "2019-06-01",
        },
    )
    problem = assert_problem(response, 409)
    assert problem["available_ha"] == 0


def test_a_revision_that_leaves_leases_above_the_land_is_409(client, park):
    create_project(
        client, park["id"], leased_ha=30, lease_start="2021-01-01", lease_end="2023-01-01"
    )
    before = history(client, park["id"])
    problem = assert_problem(
        patch(client, park["id"], industrial_land_ha=20, effective_from="2022-01-01"), 409
    )
    assert problem["type"].endswith("/capacity-exceeded")
    assert (problem["from"], problem["to"], problem["held_ha"]) == ("2022-01-01", "2023-01-01", 30)
    assert history(client, park["id"]) == before
    # From the lease's end on, 20 ha is enough.
    assert (
        patch(client, park["id"], industrial_land_ha=20, effective_from="2023-01-01").status_code
        == 200
    )


def test_the_history_report_uses_the_land_of_each_point(client, park):
    create_project(client, park["id"], leased_ha=35, lease_start="2021-01-01")
    patch(client, park["id"], industrial_land_ha=50, effective_from="2022-01-01")
    body = client.get(
        "/api/v1/reports/occupancy/history",
        params={
            "from": "2021-01-01",
            "to": "2022-12-31",
            "interval": "year",
            "province": "Hòa Bình",
        },
    ).json()
    mine = [
        (p["as_of"], p["park"]["industrial_land_ha"], p["park"]["leased_industrial_ha"])
        for p in body["points"]
    ]
    point_reports = [
        client.get(OCCUPANCY, params={"as_of": day, "province": "Hòa Bình"}).json()["totals"][
            "park"
        ]
        for day, _land, _leased in mine
    ]
    assert [(t["industrial_land_ha"], t["leased_industrial_ha"]) for t in point_reports] == [
        (land, leased) for _day, land, leased in mine
    ]


# ------------------------------------------------------------------ province merge


def test_merge_moves_the_zones_of_the_provinces_from_the_date(client, park):
    other = create_zone(client, province="Vĩnh Phúc")
    stay = create_zone(client, province="Hà Nội")
    response = client.post(
        "/api/v1/provinces/merge",
        json={
            "from": ["Hòa Bình", "Vĩnh Phúc", "Phú Thọ"],
            "into": "Phú Thọ",
            "effective_from": "2025-07-01",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    moved = {z["id"]: z["from_province"] for z in body["moved"]}
    assert moved[park["id"]] == "Hòa Bình" and moved[other["id"]] == "Vĩnh Phúc"
    assert stay["id"] not in moved
    assert body["by_province"]["Vĩnh Phúc"] >= 1
    before = client.get("/api/v1/provinces", params={"as_of": "2025-06-30"}).json()["items"]
    after = client.get("/api/v1/provinces", params={"as_of": "2025-07-01"}).json()["items"]
    assert {p["name"] for p in after} == {"Phú Thọ", "Hà Nội"}
    assert "Hòa Bình" in {p["name"] for p in before}
    assert sum(p["zones"] for p in before) == sum(p["zones"] for p in after)
    assert zone_on(client, park["id"], "2025-06-30").json()["province"] == "Hòa Bình"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"from": [], "into": "X", "effective_from": "2025-07-01"}, "from"),
        ({"from": ["A", "A"], "into": "X", "effective_from": "2025-07-01"}, "from"),
        ({"from": ["A"], "into": "", "effective_from": "2025-07-01"}, "into"),
        ({"from": ["A"], "into": "X"}, "effective_from"),
        ({"from": ["A"], "into": "X", "effective_from": "2025-07-01", "extra": 1}, "extra"),
    ],
)
def test_bad_merges_are_refused_and_change_nothing(client, park, body, field):
    before = history(client, park["id"])
    assert_problem(client.post("/api/v1/provinces/merge", json=body), 422, field=field)
    assert history(client, park["id"]) == before


def test_an_editor_may_not_merge(app, api_keys, park):
    body = {"from": ["Hòa Bình"], "into": "Phú Thọ", "effective_from": "2025-07-01"}
    with TestClient(app, headers=bearer(api_keys["editor"])) as editor:
        assert_problem(editor.post("/api/v1/provinces/merge", json=body), 403)


# --------------------------------------------------------------------- filings


def file(client: Any, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/filings", json=body)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/api/v1/filings/{response.json()['id']}"
    return response.json()


def test_a_filing_stores_the_report_as_served_and_restates_a_correction(client, park):
    create_project(client, park["id"], leased_ha=35, lease_start="2021-01-01")
    params = {"period": "2024-H1", "province": "Hòa Bình"}
    served = client.get(OCCUPANCY, params=params)
    filing = file(client, report="occupancy", params=params, note="Báo cáo 6 tháng")
    assert (filing["as_of"], filing["period"], filing["note"]) == (
        "2024-06-14",
        "2024-H1",
        "Báo cáo 6 tháng",
    )
    stored = client.get(f"/api/v1/filings/{filing['id']}")
    assert stored.content == served.content
    assert hashlib.sha256(stored.content).hexdigest() == filing["sha256"]
    assert stored.headers["etag"] == f'"{filing["sha256"]}"'

    unchanged = client.get(f"/api/v1/filings/{filing['id']}/restatement").json()
    assert unchanged["unchanged"] is True and unchanged["changes"] == []

    patch(client, park["id"], industrial_land_ha=50, effective_from="2023-01-01")
    restated = client.get(f"/api/v1/filings/{filing['id']}/restatement").json()
    assert restated["unchanged"] is False
    zone = f"zones[id={park['id']}]"
    changed = {c["path"]: (c["filed"], c["now"]) for c in restated["changes"]}
    assert set(changed) == {
        f"{zone}.industrial_land_ha",
        f"{zone}.available_ha",
        f"{zone}.occupancy_rate",
        f"{zone}.occupancy_rate_incl_service",
        *(
            f"totals.{kind}.{name}"
            for kind in ("park", "all")
            for name in (
                "industrial_land_ha",
                "available_ha",
                "occupancy_rate",
                "occupancy_rate_incl_service",
                "mean_occupancy_rate",
                "mean_occupancy_rate_incl_service",
            )
        ),
    }
    assert changed[f"{zone}.occupancy_rate"] == (0.5, 0.7)
    # The filing itself never changes.
    assert client.get(f"/api/v1/filings/{filing['id']}").content == served.content


def test_filings_are_immutable(client):
    filing = file(client, report="summary", params={"as_of": "2024-06-14"})
    for method in ("PATCH", "DELETE", "PUT"):
        response = client.request(method, f"/api/v1/filings/{filing['id']}", json={})
        assert_problem(response, 405)


def test_filings_list_by_report_and_period_and_render_as_csv(client, park):
    a = file(client, report="occupancy", params={"as_of": "2024-06-14"})
    b = file(client, report="clearance", params={"period": "2024"})
    file(client, report="occupancy/history", params={"from": "2024-01-01", "to": "2024-06-30"})
    listed = client.get("/api/v1/filings", params={"period": "2024-H1"}).json()
    assert [f["id"] for f in listed["items"]] == [a["id"]]
    listed = client.get("/api/v1/filings", params={"report": "clearance"}).json()
    assert [f["id"] for f in listed["items"]] == [b["id"]]
    csv = client.get(f"/api/v1/filings/{a['id']}", params={"format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert park["code"] in csv.content.decode("utf-8-sig")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"report": "occupancy", "params": {"from": "2024-01-01"}}, "params.from"),
        ({"report": "occupancy/history", "params": {}}, "params.from"),
        ({"report": "plan", "params": {"as_of": "2024-06-14"}}, "params.plan_id"),
        ({"report": "plan", "params": {"plan_id": 987654}}, "params.plan_id"),
        (
            {"report": "occupancy", "params": {"as_of": "2024-06-14", "period": "2024"}},
            "params.period",
        ),
        ({"report": "occupancy", "params": {"bogus": 1}}, "params.bogus"),
        ({"report": "occupancy", "params": {"period": "2024-h3"}}, "params.period"),
        ({"report": "nonsense"}, "report"),
    ],
)
def test_bad_filings_are_refused_and_store_nothing(client, body, field):
    assert_problem(client.post("/api/v1/filings", json=body), 422, field=field)
    assert client.get("/api/v1/filings").json()["total"] == 0


# ------------------------------------------------------------- clearance over time


def test_a_clearance_record_before_the_zone_exists_is_refused(client, park):
    response = client.post(
        f"{ZONES}/{park['id']}/clearance", json={"recorded_on": "2019-12-31", "cleared_ha": 1}
    )
    assert_problem(response, 422, field="recorded_on")
    assert client.get(f"{ZONES}/{park['id']}/clearance").json()["total"] == 0


def test_a_cleared_area_must_stay_within_what_needs_clearing_while_it_holds(client, park):
    """A cumulative record holds until the next one: 90 ha cleared in 2021 cannot stand
    beside 80 ha needing clearance from 2023, whichever is written first."""
    patch(client, park["id"], clearance_required_ha=80, effective_from="2023-01-01")
    response = client.post(
        f"{ZONES}/{park['id']}/clearance", json={"recorded_on": "2021-01-01", "cleared_ha": 90}
    )
    assert_problem(response, 422, field="cleared_ha")
    ok = client.post(
        f"{ZONES}/{park['id']}/clearance", json={"recorded_on": "2021-01-01", "cleared_ha": 80}
    )
    assert ok.status_code == 201, ok.text
    before = history(client, park["id"])
    problem = assert_problem(
        patch(client, park["id"], clearance_required_ha=79, effective_from="2024-01-01"), 409
    )
    assert problem["type"].endswith("/land-in-use")
    assert (problem["cleared_ha"], problem["recorded_on"]) == (80, "2021-01-01")
    assert history(client, park["id"]) == before


def test_the_clearance_report_uses_the_area_needing_clearance_on_its_date(client, park):
    client.post(
        f"{ZONES}/{park['id']}/clearance", json={"recorded_on": "2021-01-01", "cleared_ha": 50}
    )
    patch(client, park["id"], clearance_required_ha=50, effective_from="2023-01-01")

    def row(day: str) -> dict[str, Any]:
        body = client.get("/api/v1/reports/clearance", params={"as_of": day}).json()
        return next(z for z in body["zones"] if z["id"] == park["id"])

    assert (row("2022-06-14")["required_ha"], row("2022-06-14")["status"]) == (100, "in_progress")
    assert (row("2023-06-14")["required_ha"], row("2023-06-14")["status"]) == (50, "completed")


def test_effective_from_without_a_time_varying_field_is_refused(client, park):
    before = history(client, park["id"])
    assert_problem(
        patch(client, park["id"], decision_no="1/QĐ", effective_from="2024-01-01"),
        422,
        field="effective_from",
    )
    assert zone_on(client, park["id"], "2024-06-01").json()["decision_no"] is None
    assert history(client, park["id"]) == before
