"""The demo data set reproduces the review's figures on the review's date, read back through the
API's occupancy report."""

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import cli
from app.demo import DemoRefused, database_is_empty, load_demo
from app.kit import migrate
from app.kit.countries import DOMESTIC
from app.kit.settings import get_settings
from app.models import Project, Zone
from app.models.enums import LandUse, ZoneKind

# The provincial review of plan 07-ĐA/TU is dated 2024-06-24; the 2024-H1 reporting cut-off
# (Circular 14/2024/TT-BCT, `period=2024-H1`) is 14 June. The demo reproduces the review's
# figures on the review's own date, 2024-06-24 (app.demo.review): it plans the leases in effect
# on that date to hold exactly the review's occupancy, with starts on any day up to it, and a
# park lease starting between 15 and 24 June makes the cut-off's park figure 46.51 %, not
# 46.77 %. So these tests ask for as_of=2024-06-24, not period=2024-H1.
REVIEW_DATE = date(2024, 6, 24)


def _occupancy(client: TestClient, scope: str, as_of: date | None = None) -> Any:
    """GET /api/v1/reports/occupancy, its numbers read as exact decimals (as_of None: today)."""
    params = {"scope": scope} | ({} if as_of is None else {"as_of": as_of.isoformat()})
    response = client.get("/api/v1/reports/occupancy", params=params)
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)


def test_demo_reproduces_the_seed_figures(session: Session, client: TestClient) -> None:
    summary = load_demo(session)

    # Area-weighted occupancy of the established parks and of the established clusters.
    established = _occupancy(client, "established", REVIEW_DATE)["totals"]
    assert established["park"]["occupancy_rate"] == Decimal("0.4677")
    assert established["cluster"]["occupancy_rate"] == Decimal("0.4130")
    # Land for industry: the total area of every zone that is not closed (scope=all).
    every_zone = _occupancy(client, "all", REVIEW_DATE)["totals"]
    assert every_zone["all"]["total_area_ha"] == Decimal("6113.48")

    assert "synthetic" in summary.lower()
    # The summary also names the plan and the clearance picture on the review's date.
    assert "07-ĐA/TU" in summary
    assert "completed" in summary and "stalled" in summary and "KCN-BINH-PHU" in summary


def test_demo_contents(session: Session, client: TestClient) -> None:
    load_demo(session)

    zones = list(session.scalars(select(Zone)))
    assert sum(1 for z in zones if z.kind == ZoneKind.PARK) >= 8
    assert sum(1 for z in zones if z.kind == ZoneKind.CLUSTER) >= 12
    luong_son = client.get("/api/v1/zones", params={"code": "KCN-LUONG-SON"}).json()["items"]
    assert [z["name"] for z in luong_son] == ["Khu công nghiệp Lương Sơn"]

    projects = list(session.scalars(select(Project)))
    assert 150 <= len(projects) <= 300
    assert any(p.investor_country == DOMESTIC for p in projects)
    assert any(p.investor_country != DOMESTIC for p in projects)
    assert any(p.terminated_on is not None and p.terminated_on < REVIEW_DATE for p in projects)
    assert any(p.land_use == LandUse.SERVICE for p in projects)
    assert any(p.lease_end is not None and p.lease_end <= REVIEW_DATE for p in projects)
    assert any(p.lease_start > REVIEW_DATE for p in projects)

    # Every zone's occupancy on the review's date and today (the report's default date).
    by_day = [
        {
            row["code"]: {name: value for name, value in row.items() if name != "as_of"}
            for row in _occupancy(client, "all", day)["zones"]
        }
        for day in (REVIEW_DATE, None)
    ]
    assert by_day[0].keys() == by_day[1].keys() == {z.code for z in zones}
    assert any(by_day[0][z.code] != by_day[1][z.code] for z in zones), (
        "some leases start or end after the review's date"
    )


def test_demo_loads_only_into_an_empty_database(session: Session) -> None:
    assert database_is_empty(session)
    load_demo(session)
    assert not database_is_empty(session)
    with pytest.raises(DemoRefused):
        load_demo(session)


def test_demo_command(
    scratch_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate.upgrade(scratch_url)
    monkeypatch.setenv("OCCUPANCY_DATABASE_URL", scratch_url)
    get_settings.cache_clear()
    try:
        assert cli.main(["demo"]) == 0
        assert "synthetic" in capsys.readouterr().out.lower()

        assert cli.main(["demo"]) == 1
        assert "demo not loaded" in capsys.readouterr().err

        assert cli.main(["demo", "--if-empty"]) == 0
        assert "database already holds data; demo not loaded" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()


def test_demo_lives_through_the_2025_merger(session: Session, client: TestClient) -> None:
    """Hòa Bình's zones are in Hòa Bình until 2025-06-30 and in Phú Thọ from 2025-07-01,
    with localities without districts; the seed's figures still come out for Hòa Bình on
    the seed's date, and a report for Phú Thọ after the merger shows the same zones."""
    load_demo(session)

    def provinces(day: str) -> list[tuple[str, int]]:
        body = client.get("/api/v1/provinces", params={"as_of": day}).json()
        return [(p["name"], p["zones"]) for p in body["items"]]

    assert provinces("2025-06-30") == [("Hòa Bình", 27)]
    assert provinces("2025-07-01") == [("Phú Thọ", 27)]

    seed = client.get(
        "/api/v1/reports/occupancy", params={"as_of": "2024-06-24", "province": "Hòa Bình"}
    ).json()
    assert seed["totals"]["park"]["occupancy_rate"] == 0.4677
    assert seed["totals"]["cluster"]["occupancy_rate"] == 0.413
    assert {row["province"] for row in seed["zones"]} == {"Hòa Bình"}
    gone = client.get(
        "/api/v1/reports/occupancy", params={"as_of": "2026-06-14", "province": "Hòa Bình"}
    ).json()
    assert gone["zones"] == []
    later = client.get(
        "/api/v1/reports/occupancy",
        params={"as_of": "2026-06-14", "province": "Phú Thọ", "scope": "all"},
    ).json()
    earlier = client.get(
        "/api/v1/reports/occupancy",
        params={"as_of": "2025-06-30", "province": "Hòa Bình", "scope": "all"},
    ).json()
    assert [z["id"] for z in later["zones"]] == [z["id"] for z in earlier["zones"]]
    assert len(later["zones"]) == 27
    # Under today's boundaries the seed's date reads as Phú Thọ, with the same figures.
    current = client.get(
        "/api/v1/reports/occupancy",
        params={"as_of": "2024-06-24", "province": "Phú Thọ", "boundaries": "current"},
    ).json()
    assert current["totals"] == seed["totals"]

    zone = client.get("/api/v1/zones", params={"code": "KCN-LUONG-SON"}).json()["items"][0]
    history = client.get(f"/api/v1/zones/{zone['id']}/history").json()["items"]
    assert [item["effective_from"] for item in history] == [
        "2006-04-12",
        "2025-07-01",
        "2025-07-01",
    ]
    assert history[1]["changes"] == {"locality": "xã Hòa Sơn"}
    assert history[2]["changes"] == {"province": "Phú Thọ"}
    then = client.get(f"/api/v1/zones/{zone['id']}", params={"as_of": "2025-06-30"}).json()
    now = client.get(f"/api/v1/zones/{zone['id']}", params={"as_of": "2025-07-01"}).json()
    assert (then["province"], then["locality"]) == ("Hòa Bình", "xã Hòa Sơn, huyện Lương Sơn")
    assert (now["province"], now["locality"]) == ("Phú Thọ", "xã Hòa Sơn")


def test_demo_answers_when_the_parks_reach_80_percent(session: Session, client: TestClient) -> None:
    """The seed's question, printed by the demo and answered by the forecast report alike."""
    summary = load_demo(session)
    body = client.get(
        "/api/v1/reports/forecast",
        params={"as_of": "2024-06-24", "kind": "park", "province": "Hòa Bình", "target": 0.8},
    ).json()
    park = body["totals"]["park"]
    assert park["occupancy_rate"] == 0.4677 and park["target_reached"] is False
    assert park["absorption_ha_per_year"] > 0
    line = next(line for line in summary.splitlines() if line.startswith("Forecast:"))
    for date_text in (
        park["reaches_target_on"],
        park["reaches_target_on_low"],
        park["reaches_target_on_high"],
    ):
        assert date_text in line
    assert (
        park["reaches_target_on_high"] <= park["reaches_target_on"] <= park["reaches_target_on_low"]
    )
