"""The forecast and the alerts end to end, on lease histories built so that every answer
can be worked out by hand (docs/api.md, Forecast and alerts)."""

from datetime import date, timedelta
from typing import Any

import pytest

from tests.factories import assert_problem, create_project, create_zone

FORECAST = "/api/v1/reports/forecast"
AS_OF = date(2024, 6, 24)  # the window runs from 2022-06-24: 731 days, 2024-02-29 included
PROVINCE = "Tỉnh Dự Báo"


@pytest.fixture
def world(client) -> dict[str, Any]:
    """F: 100 ha, leases 40 ha at the window's start, 60 a year on, 50 at its end.
    G: 10 ha, 9 ha leased since 2023-03-01 (90 %: above an 80 % target since then).
    H: 50 ha, exists from 2023-06-24 (inside the window), 10 ha leased from 2023-12-24."""
    common = {"province": PROVINCE, "kind": "park", "status": "operating", "service_land_ha": 0}
    f = create_zone(
        client, established_on="2020-01-01", total_area_ha=150, industrial_land_ha=100, **common
    )
    g = create_zone(
        client, established_on="2020-01-01", total_area_ha=20, industrial_land_ha=10, **common
    )
    h = create_zone(
        client, established_on="2023-06-24", total_area_ha=60, industrial_land_ha=50, **common
    )
    create_project(client, f["id"], leased_ha=20, lease_start="2021-01-01")
    create_project(client, f["id"], leased_ha=10, lease_start="2022-06-24")
    create_project(client, f["id"], leased_ha=20, lease_start="2023-06-24")
    ended = create_project(client, f["id"], leased_ha=10, lease_start="2021-01-01")
    response = client.post(
        f"/api/v1/projects/{ended['id']}/terminate",
        json={"terminated_on": "2024-01-01", "reason": "Nhà đầu tư rút"},
    )
    assert response.status_code == 200, response.text
    create_project(client, g["id"], leased_ha=9, lease_start="2023-03-01")
    create_project(client, h["id"], leased_ha=10, lease_start="2023-12-24")
    plan = client.post(
        "/api/v1/plans",
        json={
            "code": "99-ĐA/TU",
            "title": "Đề án thử",
            "starts_on": "2021-01-01",
            "ends_on": "2025-12-31",
        },
    )
    assert plan.status_code == 201, plan.text
    return {"F": f, "G": g, "H": h, "plan": plan.json()}


def forecast(client, **params: Any) -> dict[str, Any]:
    response = client.get(
        FORECAST, params={"as_of": AS_OF.isoformat(), "province": PROVINCE, "target": 0.8} | params
    )
    assert response.status_code == 200, response.text
    return response.json()


def rounded(value: float) -> float:
    return round(value, 4)


def in_days(days: int) -> str:
    return (AS_OF + timedelta(days=days)).isoformat()


def test_a_zone_at_a_known_pace(client, world):
    body = forecast(client)
    assert (body["window_from"], body["plan"]["code"]) == ("2022-06-24", "99-ĐA/TU")
    f = next(z for z in body["zones"] if z["id"] == world["F"]["id"])
    # 40 ha leased on 2022-06-24, 50 on 2024-06-24: 10 ha in 731 days.
    assert f["leased_industrial_ha"] == 50 and f["occupancy_rate"] == 0.5
    assert f["absorption_ha_per_year"] == rounded(10 * 365.25 / 731)
    # 30 ha more at 10 ha per 731 days: 2,193 days.
    assert f["reaches_target_on"] == in_days(2193) == "2030-06-26"
    # Slowest 12 months: -10 ha (the termination) over 366 days; fastest: +20 over 365.
    assert f["absorption_low_ha_per_year"] == rounded(-10 * 365.25 / 366)
    assert f["absorption_high_ha_per_year"] == rounded(20 * 365.25 / 365)
    assert f["reaches_target_on_low"] is None  # a shrinking pace never gets there
    assert f["reaches_target_on_high"] == in_days(548)  # 30 ha at 20 ha per 365 days
    # At the plan's end (555 days on): 50 + 10 * 555 / 731 ha of 100.
    assert f["projected_occupancy_rate"] == rounded((50 + 10 * 555 / 731) / 100)
    assert f["projected_occupancy_rate_low"] == rounded((50 - 10 * 555 / 366) / 100)
    assert f["target_reached"] is False


def test_a_target_already_met_reports_the_day_it_was_first_met(client, world):
    g = next(z for z in forecast(client)["zones"] if z["id"] == world["G"]["id"])
    assert g["target_reached"] is True and g["occupancy_rate"] == 0.9
    assert g["reaches_target_on"] == "2023-03-01"


def test_a_zone_established_inside_the_window_is_paced_from_its_first_day(client, world):
    h = next(z for z in forecast(client)["zones"] if z["id"] == world["H"]["id"])
    assert h["absorption_ha_per_year"] == rounded(10 * 365.25 / 366)
    assert (
        h["absorption_low_ha_per_year"]
        == h["absorption_high_ha_per_year"]
        == rounded(10 * 365.25 / 366)
    )


def test_the_kind_adds_its_zones_up(client, world):
    park = forecast(client)["totals"]["park"]
    # 40 ha leased at the window's start (H did not exist), 69 at its end, of 160 ha.
    assert (park["zones"], park["leased_industrial_ha"], park["industrial_land_ha"]) == (3, 69, 160)
    assert park["absorption_ha_per_year"] == rounded(29 * 365.25 / 731)
    # 128 ha wanted, 59 missing at 29 ha per 731 days: 1,488 days.
    assert park["reaches_target_on"] == in_days(1488)


def test_land_revisions_count_in_the_denominator(client, world):
    # F grows to 200 ha from 2026: 80 % then means 160 ha.
    response = client.patch(
        f"/api/v1/zones/{world['F']['id']}",
        json={"total_area_ha": 250, "industrial_land_ha": 200, "effective_from": "2026-01-01"},
    )
    assert response.status_code == 200, response.text
    f = next(z for z in forecast(client)["zones"] if z["id"] == world["F"]["id"])
    # 110 ha missing at 10 ha per 731 days: 8,041 days.
    assert f["reaches_target_on"] == in_days(8041)
    assert f["projected_occupancy_rate"] == rounded((50 + 10 * 555 / 731) / 100)  # 2025: 100 ha


def test_the_plan_report_projects_occupancy_to_the_plan_end(client, world):
    plan = world["plan"]
    response = client.post(
        f"/api/v1/plans/{plan['id']}/targets",
        json={"indicator": "park_occupancy_rate", "target": 0.6},
    )
    assert response.status_code == 201, response.text
    rows = client.get(
        f"/api/v1/plans/{plan['id']}/report", params={"as_of": AS_OF.isoformat()}
    ).json()["rows"]
    row = next(r for r in rows if r["indicator"] == "park_occupancy_rate")
    # Every established park of the province... and of the whole database: here only ours.
    park = forecast(client)["totals"]["park"]
    assert row["projected"] == park["projected_occupancy_rate"]
    assert row["on_track"] is (park["projected_occupancy_rate"] >= 0.6)


def test_csv_has_a_row_per_zone(client, world):
    response = client.get(
        FORECAST, params={"as_of": AS_OF.isoformat(), "province": PROVINCE, "format": "csv"}
    )
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 3
    assert "reaches_target_on" in lines[0]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"target": 0}, "query.target"),
        ({"target": 1.5}, "query.target"),
        ({"target": "abc"}, "query.target"),
        ({"window": 0}, "query.window"),
        ({"window": 241}, "query.window"),
        ({"as_of": "2024-13-01"}, "query.as_of"),
    ],
)
def test_bad_forecast_parameters_are_refused(client, params, field):
    assert_problem(client.get(FORECAST, params=params), 422, field=field)


def test_a_window_reaching_back_before_the_year_1_is_refused(client, world):
    # Found by the schema fuzzer: as_of 0002-01-01 with 120 months once answered 500.
    refused = client.get(FORECAST, params={"as_of": "0002-01-01", "window": 120})
    body = assert_problem(refused, 422, field="window")
    assert "0001-01-01" in body["errors"][0]["message"] and body["detail_vi"]
    # Exactly 120 months after January of the year 1 is the earliest such a window fits.
    assert client.get(FORECAST, params={"as_of": "0011-01-01", "window": 120}).status_code == 200
    assert client.get(FORECAST, params={"as_of": "0010-12-31", "window": 120}).status_code == 422


def test_land_from_the_first_date_there_is_adds_up(client):
    # Found by the schema fuzzer: a zone whose land is in effect from 0001-01-01 once made
    # the kind's sum look for the day before it, which does not exist (500).
    province = "Tỉnh Ngày Đầu"
    create_zone(
        client,
        province=province,
        effective_from="0001-01-01",
        total_area_ha=100,
        industrial_land_ha=70,
    )
    create_zone(client, province=province, total_area_ha=40, industrial_land_ha=30)
    response = client.get(FORECAST, params={"as_of": "2024-06-24", "province": province})
    assert response.status_code == 200, response.text
    assert response.json()["totals"]["park"]["industrial_land_ha"] == 100


# ---------------------------------------------------------------------------- alerts


def test_alerts_name_what_needs_attention(client, world):
    expiring = create_project(
        client, world["F"]["id"], leased_ha=5, lease_start="2020-06-01", lease_end="2024-09-01"
    )
    create_project(client, world["G"]["id"], leased_ha=0.5, lease_start="2024-01-01")  # 95 %
    client.post(
        f"/api/v1/zones/{world['H']['id']}/clearance",
        json={"recorded_on": "2023-07-01", "cleared_ha": 10},
    )
    target = client.post(
        f"/api/v1/plans/{world['plan']['id']}/targets",
        json={"indicator": "park_occupancy_rate", "target": 0.95},
    )
    assert target.status_code == 201
    response = client.get(
        "/api/v1/alerts", params={"as_of": AS_OF.isoformat(), "days": 90, "province": PROVINCE}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for alert in body["alerts"]:
        by_kind.setdefault(alert["kind"], []).append(alert)
    assert body["counts"] == {kind: len(items) for kind, items in by_kind.items()} | {
        kind: 0 for kind in body["counts"] if kind not in by_kind
    }
    (lease,) = by_kind["lease_expiring"]
    assert lease["project"]["id"] == expiring["id"]
    assert lease["figures"]["days_left"] == 69
    assert "01/09/2024" in lease["message_vi"] and "2024-09-01" in lease["message_en"]
    (full,) = by_kind["zone_nearly_full"]
    assert full["zone"]["id"] == world["G"]["id"]
    assert "95,00 %" in full["message_vi"] and "95.00 %" in full["message_en"]
    (stalled,) = by_kind["clearance_stalled"]  # no progress for 359 days > 180
    assert stalled["zone"]["id"] == world["H"]["id"]
    assert stalled["figures"]["days_without_progress"] == 359
    (off,) = by_kind["indicator_off_track"]
    assert off["figures"]["indicator"] == "park_occupancy_rate"
    assert off["figures"]["projected"] < 0.95
    # Outside the look-ahead the lease is not an alert.
    near = client.get(
        "/api/v1/alerts", params={"as_of": AS_OF.isoformat(), "days": 60, "province": PROVINCE}
    ).json()
    assert near["counts"]["lease_expiring"] == 0
    csv = client.get(
        "/api/v1/alerts",
        params={"as_of": AS_OF.isoformat(), "days": 90, "province": PROVINCE, "format": "csv"},
    )
    assert csv.status_code == 200
    assert len(csv.content.decode("utf-8-sig").splitlines()) == 1 + len(body["alerts"])


@pytest.mark.parametrize(
    ("params", "field"), [({"days": 0}, "query.days"), ({"days": 4000}, "query.days")]
)
def test_bad_alert_parameters_are_refused(client, params, field):
    assert_problem(client.get("/api/v1/alerts", params=params), 422, field=field)


def test_a_look_ahead_past_the_last_date_there_is_stops_there(client, world):
    # Found by probing the dates the API takes: as_of 9999-12-30 with 90 days to look
    # ahead once answered 500 (the day 90 days on does not exist).
    last = create_project(
        client, world["F"]["id"], leased_ha=1, lease_start="2024-01-01", lease_end="9999-12-31"
    )
    response = client.get(
        "/api/v1/alerts", params={"as_of": "9999-12-30", "days": 90, "province": PROVINCE}
    )
    assert response.status_code == 200, response.text
    (lease,) = [a for a in response.json()["alerts"] if a["kind"] == "lease_expiring"]
    assert lease["project"]["id"] == last["id"]
    assert lease["figures"]["days_left"] == 1
