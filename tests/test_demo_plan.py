"""The demo's plan 07-ĐA/TU and land-clearance histories, read back through the API."""

from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo import load_demo
from app.models import ClearanceRecord, Plan, ZoneState

SEED_DATE = "2024-06-24"

# The review's table (docs/domain.md, "The review's figures"): indicator -> (actual, achievement).
# Achievement is actual / target rounded half-up to 4 places, so the CCN row is 82.6 %, not
# the 82.4 % the review prints.
SEED_ROWS = {
    "park_occupancy_rate": (0.4677, 0.5846),
    "cluster_occupancy_rate": (0.413, 0.826),
    "industrial_area_ha": (6113.48, 1.329),
    "industrial_production_index_growth": (0.0041, 0.0456),
    "industry_construction_share": (0.3947, 0.7309),
    "grid_households_rate": (1, 1.001),
}
REPORTED = {
    "industrial_production_index_growth",
    "industry_construction_share",
    "grid_households_rate",
}


def _loaded(session: Session) -> int:
    load_demo(session)
    session.flush()
    plan_id = session.scalar(select(Plan.id).where(Plan.code == "07-ĐA/TU"))
    assert plan_id is not None
    return plan_id


def test_plan_report_reproduces_the_review(session: Session, client: TestClient) -> None:
    plan_id = _loaded(session)

    response = client.get(f"/api/v1/plans/{plan_id}/report", params={"as_of": SEED_DATE})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["plan"]["code"] == "07-ĐA/TU"
    assert report["as_of"] == SEED_DATE
    rows = {row["indicator"]: row for row in report["rows"]}
    assert {name: (row["actual"], row["achievement"]) for name, row in rows.items()} == SEED_ROWS
    for name, row in rows.items():
        assert row["source"] == ("reported" if name in REPORTED else "computed")
        assert row["label"]
        assert row["as_of_value"] == SEED_DATE
    # JSON numbers, not strings.
    assert all(isinstance(row["actual"], (int, float)) for row in rows.values())


def test_plan_report_takes_the_latest_actual_on_or_before_the_date(
    session: Session, client: TestClient
) -> None:
    plan_id = _loaded(session)

    response = client.get(f"/api/v1/plans/{plan_id}/report", params={"as_of": "2023-06-30"})
    assert response.status_code == 200, response.text
    rows = {row["indicator"]: row for row in response.json()["rows"]}
    for name in REPORTED:
        assert rows[name]["as_of_value"] == "2022-12-31"
        assert rows[name]["actual"] != SEED_ROWS[name][0]

    response = client.get(f"/api/v1/plans/{plan_id}/report", params={"as_of": "2022-12-30"})
    rows = {row["indicator"]: row for row in response.json()["rows"]}
    for name in REPORTED:
        assert rows[name]["actual"] is None
        assert rows[name]["achievement"] is None


def test_clearance_report_on_the_seed_date(session: Session, client: TestClient) -> None:
    _loaded(session)

    response = client.get("/api/v1/reports/clearance", params={"as_of": SEED_DATE, "scope": "all"})
    assert response.status_code == 200, response.text
    report = response.json()
    totals, zones = report["totals"], {z["code"]: z for z in report["zones"]}
    assert totals["completed"] >= 1
    assert totals["in_progress"] >= 1
    assert totals["stalled"] >= 1
    assert totals["not_started"] >= 1
    assert totals["completed"] + totals["in_progress"] + totals["not_started"] == len(zones)

    stalled = zones["KCN-BINH-PHU"]
    assert stalled["status"] == "in_progress"
    assert stalled["stalled"] is True
    # Later records repeat the cleared area: recorded recently, progressed long ago.
    assert stalled["last_recorded_on"] > stalled["last_progress_on"]
    idle = date.fromisoformat(SEED_DATE) - date.fromisoformat(stalled["last_progress_on"])
    assert idle.days > report["stall_days"]

    assert zones["KCN-LUONG-SON"]["status"] == "completed"
    assert zones["KCN-YEN-QUANG"]["status"] == "in_progress"
    assert zones["KCN-YEN-QUANG"]["stalled"] is False
    assert zones["KCN-BAO-HIEU"]["status"] == "not_started"
    # A record with nothing cleared yet (households counted) is still not started.
    assert zones["KCN-TAN-VINH"]["status"] == "not_started"
    assert zones["KCN-TAN-VINH"]["last_recorded_on"] is not None


def test_clearance_records_are_cumulative_and_within_bounds(session: Session) -> None:
    _loaded(session)

    # The demo's zones never change the area needing clearance: one state says it.
    zones = {state.zone_id: state for state in session.scalars(select(ZoneState))}
    records = session.scalars(
        select(ClearanceRecord).order_by(ClearanceRecord.zone_id, ClearanceRecord.recorded_on)
    )
    by_zone: dict[int, list[ClearanceRecord]] = {}
    for record in records:
        by_zone.setdefault(record.zone_id, []).append(record)
    assert len(by_zone) >= 15
    assert any(r.note for rs in by_zone.values() for r in rs)

    for zone_id, history in by_zone.items():
        required = zones[zone_id].clearance_required_ha
        assert history[0].recorded_on >= date(2015, 1, 1)
        for earlier, later in zip(history, history[1:], strict=False):
            assert earlier.cleared_ha <= later.cleared_ha
            assert earlier.households_relocated <= later.households_relocated
            assert earlier.compensation_paid_vnd <= later.compensation_paid_vnd
        for record in history:
            assert Decimal(0) <= record.cleared_ha <= required
            assert record.households_relocated <= record.households_total
            assert record.compensation_paid_vnd >= 0
