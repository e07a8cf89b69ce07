"""HTTP tests of the reports (docs/api.md §5) as JSON: occupancy, occupancy history,
clearance, investment and summary, with every parameter they take.

Each test starts from an empty database (the test transaction is rolled back), so totals are
exact. Reports are read-only: refusals also check that the data did not change.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from tests.factories import (
    assert_invalid_param,
    assert_problem,
    create_project,
    create_zone,
)

REPORTS = "/api/v1/reports"
OCCUPANCY = f"{REPORTS}/occupancy"
PROJECTS = "/api/v1/projects"
HISTORY = f"{REPORTS}/occupancy/history"
CLEARANCE = f"{REPORTS}/clearance"
INVESTMENT = f"{REPORTS}/investment"
SUMMARY = f"{REPORTS}/summary"
DATED_REPORTS = [OCCUPANCY, CLEARANCE, INVESTMENT, SUMMARY]
AS_OF = "2024-06-14"

BLOCK_FIELDS = {
    "as_of",
    "industrial_land_ha",
    "leased_industrial_ha",
    "service_land_ha",
    "leased_service_ha",
    "available_ha",
    "occupancy_rate",
    "occupancy_rate_incl_service",
}
ROW_FIELDS = {
    "id",
    "code",
    "name",
    "kind",
    "province",
    "status",
    "total_area_ha",
    "active_projects",
}
TOTALS_FIELDS = {"zones", "total_area_ha", "mean_occupancy_rate"} | BLOCK_FIELDS
CLEARANCE_ROW_FIELDS = {
    "id",
    "code",
    "name",
    "kind",
    "required_ha",
    "cleared_ha",
    "clearance_rate",
    "status",
    "last_recorded_on",
    "last_progress_on",
    "stalled",
    "households_total",
    "households_relocated",
    "compensation_paid_vnd",
}
CLEARANCE_TOTALS_FIELDS = {
    "required_ha",
    "cleared_ha",
    "clearance_rate",
    "not_started",
    "in_progress",
    "completed",
    "stalled",
}


# ---------------------------------------------------------------------------- helpers


def rate(numerator: Any, denominator: Any) -> float | None:
    """The contract's rounding: half-up to four places, None without a denominator."""
    if Decimal(str(denominator)) == 0:
        return None
    value = Decimal(str(numerator)) / Decimal(str(denominator))
    return float(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def get_ok(client, url: str, **params: Any) -> dict[str, Any]:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def row_of(report: dict[str, Any], zone: dict[str, Any]) -> dict[str, Any]:
    (row,) = [row for row in report["zones"] if row["id"] == zone["id"]]
    return row


def ids(report: dict[str, Any]) -> set[int]:
    return {row["id"] for row in report["zones"]}


def terminate(client, project: dict[str, Any], on: str) -> None:
    response = client.post(
        f"/api/v1/projects/{project['id']}/terminate",
        json={"terminated_on": on, "reason": "Chấm dứt hợp đồng thuê đất"},
    )
    assert response.status_code == 200, response.text


def add_clearance(
    client, zone: dict[str, Any], recorded_on: str, cleared_ha: Any, **extra: Any
) -> None:
    response = client.post(
        f"/api/v1/zones/{zone['id']}/clearance",
        json={"recorded_on": recorded_on, "cleared_ha": cleared_ha, **extra},
    )
    assert response.status_code == 201, response.text


def data_state(client) -> tuple[Any, Any]:
    zones = client.get("/api/v1/zones", params={"limit": 500}).json()
    projects = client.get("/api/v1/projects", params={"limit": 500}).json()
    return zones, projects


def block(**values: Any) -> dict[str, Any]:
    """An occupancy block with its derived fields computed the contract's way."""
    industrial = Decimal(str(values["industrial_land_ha"]))
    leased_industrial = Decimal(str(values["leased_industrial_ha"]))
    service = Decimal(str(values["service_land_ha"]))
    leased_service = Decimal(str(values["leased_service_ha"]))
    available = industrial + service - leased_industrial - leased_service
    return values | {
        "available_ha": float(available) if available % 1 else int(available),
        "occupancy_rate": rate(leased_industrial, industrial),
        "occupancy_rate_incl_service": rate(
            leased_industrial + leased_service, industrial + service
        ),
    }


def pick(data: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    return {key: data[key] for key in keys}


# ---------------------------------------------------------------------------- landscape


@pytest.fixture
def landscape(client) -> dict[str, dict[str, Any]]:
    """Parks and clusters in every status, with leases of both land uses.

    | zone | kind | status | province | total | industrial | service | leased ind | leased svc |
    | P1 | park | operating | Hòa Bình | 200 | 100 | 20 | 50 | 10 |
    | P2 | park | operating | Hòa Bình | 400 | 300 | 0 | 30 | 0 |
    | P3 | park | under_construction | Phú Thọ | 50 | 0 | 10 | 0 | 0 |
    | P4 | park | planned | Hòa Bình | 80 | 60 | 0 | 6 | 0 |
    | P5 | park | closed | Hòa Bình | 70 | 50 | 0 | 5 | 0 |
    | C1 | cluster | suspended | Hòa Bình | 60 | 40 | 5 | 10 | 0 |
    | C2 | cluster | operating | Phú Thọ | 75 | 50 | 0 | 25 | 0 |
    """
    zones = {
        "P1": create_zone(
            client,
            code="KCN-LUONG-SON",
            name="Khu công nghiệp Lương Sơn",
            kind="park",
            status="operating",
            province="Hòa Bình",
            total_area_ha=200,
            industrial_land_ha=100,
            service_land_ha=20,
        ),
        "P2": create_zone(
            client,
            code="KCN-BO-CAU",
            name="Khu công nghiệp bờ trái Sông Đà",
            kind="park",
            status="operating",
            province="Hòa Bình",
            total_area_ha=400,
            industrial_land_ha=300,
            service_land_ha=0,
        ),
        "P3": create_zone(
            client,
            code="KCN-PHU-HA",
            name="Khu công nghiệp Phú Hà",
            kind="park",
            status="under_construction",
            province="Phú Thọ",
            total_area_ha=50,
            industrial_land_ha=0,
            service_land_ha=10,
        ),
        "P4": create_zone(
            client,
            code="KCN-NAM-LS",
            name="Khu công nghiệp Nam Lương Sơn",
            kind="park",
            status="planned",
            province="Hòa Bình",
            total_area_ha=80,
            industrial_land_ha=60,
            service_land_ha=0,
        ),
        "P5": create_zone(
            client,
            code="KCN-DONG",
            name="Khu công nghiệp đã đóng",
            kind="park",
            status="closed",
            province="Hòa Bình",
            total_area_ha=70,
            industrial_land_ha=50,
            service_land_ha=0,
        ),
        "C1": create_zone(
            client,
            code="CCN-THANH-HA",
            name="Cụm công nghiệp Thanh Hà",
            kind="cluster",
            status="suspended",
            province="Hòa Bình",
            total_area_ha=60,
            industrial_land_ha=40,
            service_land_ha=5,
        ),
        "C2": create_zone(
            client,
            code="CCN-DONG-LAC",
            name="Cụm công nghiệp Đồng Lạc",
            kind="cluster",
            status="operating",
            province="Phú Thọ",
            total_area_ha=75,
            industrial_land_ha=50,
            service_land_ha=0,
        ),
    }
    create_project(client, zones["P1"]["id"], leased_ha=50)
    create_project(client, zones["P1"]["id"], leased_ha=10, land_use="service")
    create_project(client, zones["P2"]["id"], leased_ha=30, investor_country="JP")
    create_project(client, zones["P4"]["id"], leased_ha=6)
    create_project(client, zones["P5"]["id"], leased_ha=5)
    create_project(client, zones["C1"]["id"], leased_ha=10)
    create_project(client, zones["C2"]["id"], leased_ha=15)
    create_project(client, zones["C2"]["id"], leased_ha=10, investor_country="KR")
    return zones


# ---------------------------------------------------------------------------- occupancy report


def test_occupancy_report_shape(client, landscape):
    report = get_ok(client, OCCUPANCY, as_of=AS_OF)
    assert {"as_of", "scope", "zones", "totals"} <= set(report)
    assert report["as_of"] == AS_OF
    assert report["scope"] == "established"
    assert set(report["totals"]) == {"park", "cluster", "all"}
    for row in report["zones"]:
        assert ROW_FIELDS | BLOCK_FIELDS <= set(row)
        assert row["as_of"] == AS_OF
    for entry in report["totals"].values():
        assert TOTALS_FIELDS <= set(entry)
        assert entry["as_of"] == AS_OF


def test_occupancy_report_rows(client, landscape):
    report = get_ok(client, OCCUPANCY, as_of=AS_OF)
    p1, zone = row_of(report, landscape["P1"]), landscape["P1"]
    assert pick(p1, ROW_FIELDS | BLOCK_FIELDS) == {
        "id": zone["id"],
        "code": "KCN-LUONG-SON",
        "name": "Khu công nghiệp Lương Sơn",
        "kind": "park",
        "province": "Hòa Bình",
        "status": "operating",
        "total_area_ha": 200,
        "active_projects": 2,
        "as_of": AS_OF,
        "industrial_land_ha": 100,
        "leased_industrial_ha": 50,
        "service_land_ha": 20,
        "leased_service_ha": 10,
        "available_ha": 60,
        "occupancy_rate": 0.5,
        "occupancy_rate_incl_service": 0.5,
    }
    p3 = row_of(report, landscape["P3"])
    assert (p3["occupancy_rate"], p3["occupancy_rate_incl_service"]) == (None, 0)
    assert p3["available_ha"] == 10
    c2 = row_of(report, landscape["C2"])
    assert (c2["leased_industrial_ha"], c2["active_projects"], c2["occupancy_rate"]) == (25, 2, 0.5)


def test_occupancy_row_equals_zone_occupancy_endpoint(client, landscape):
    report = get_ok(client, OCCUPANCY, as_of=AS_OF)
    for key in ("P1", "P2", "C1", "C2"):
        single = get_ok(client, f"/api/v1/zones/{landscape[key]['id']}/occupancy", as_of=AS_OF)
        assert pick(row_of(report, landscape[key]), BLOCK_FIELDS) == single


def test_occupancy_totals_established_scope(client, landscape):
    totals = get_ok(client, OCCUPANCY, as_of=AS_OF)["totals"]
    park = block(
        as_of=AS_OF,
        industrial_land_ha=400,
        leased_industrial_ha=80,
        service_land_ha=30,
        leased_service_ha=10,
    )
    assert pick(totals["park"], TOTALS_FIELDS) == park | {
        "zones": 3,
        "total_area_ha": 650,
        # 80 / 400, area-weighted; not the mean of the zone rates
        "mean_occupancy_rate": 0.3,  # (0.5 + 0.1) / 2: P3 has no industrial land
    }
    assert totals["park"]["occupancy_rate"] == 0.2
    assert totals["park"]["occupancy_rate_incl_service"] == 0.2093  # 90 / 430
    cluster = block(
        as_of=AS_OF,
        industrial_land_ha=90,
        leased_industrial_ha=35,
        service_land_ha=5,
        leased_service_ha=0,
    )
    assert pick(totals["cluster"], TOTALS_FIELDS) == cluster | {
        "zones": 2,
        "total_area_ha": 135,
        "mean_occupancy_rate": 0.375,
    }
    assert totals["cluster"]["occupancy_rate"] == 0.3889  # 35 / 90
    everything = block(
        as_of=AS_OF,
        industrial_land_ha=490,
        leased_industrial_ha=115,
        service_land_ha=35,
        leased_service_ha=10,
    )
    assert pick(totals["all"], TOTALS_FIELDS) == everything | {
        "zones": 5,
        "total_area_ha": 785,
        "mean_occupancy_rate": 0.3375,
    }
    assert totals["all"]["occupancy_rate"] == 0.2347  # 115 / 490
    assert totals["all"]["occupancy_rate_incl_service"] == 0.2381  # 125 / 525


def test_occupancy_totals_match_the_rows(client, landscape):
    report = get_ok(client, OCCUPANCY, as_of=AS_OF)
    for kind in ("park", "cluster", None):
        rows = [r for r in report["zones"] if kind is None or r["kind"] == kind]
        entry = report["totals"][kind or "all"]
        assert entry["zones"] == len(rows)
        for field in (
            "total_area_ha",
            "industrial_land_ha",
            "leased_industrial_ha",
            "service_land_ha",
            "leased_service_ha",
            "available_ha",
        ):
            assert Decimal(str(entry[field])) == sum(Decimal(str(r[field])) for r in rows)
        rates = [Decimal(str(r["occupancy_rate"])) for r in rows if r["occupancy_rate"] is not None]
        assert entry["mean_occupancy_rate"] == rate(sum(rates), len(rates))


def test_mean_is_null_when_no_zone_has_industrial_land(client):
    create_zone(client, kind="cluster", industrial_land_ha=0, service_land_ha=10)
    totals = get_ok(client, OCCUPANCY, as_of=AS_OF)["totals"]
    assert totals["cluster"]["zones"] == 1
    assert totals["cluster"]["occupancy_rate"] is None
    assert totals["cluster"]["mean_occupancy_rate"] is None
    assert totals["cluster"]["occupancy_rate_incl_service"] == 0


def test_empty_totals(client):
    report = get_ok(client, OCCUPANCY, as_of=AS_OF)
    assert report["zones"] == []
    for entry in report["totals"].values():
        assert entry["zones"] == 0
        assert entry["total_area_ha"] == 0
        assert entry["occupancy_rate"] is None
        assert entry["occupancy_rate_incl_service"] is None
        assert entry["mean_occupancy_rate"] is None


def test_rates_round_half_up(client):
    zone = create_zone(client, total_area_ha=100, industrial_land_ha=16, service_land_ha=0)
    create_project(client, zone["id"], leased_ha=1.9752)  # 0.12345
    report = get_ok(client, OCCUPANCY, as_of=AS_OF)
    assert row_of(report, zone)["occupancy_rate"] == 0.1235
    assert report["totals"]["all"]["occupancy_rate"] == 0.1235
    assert report["totals"]["all"]["mean_occupancy_rate"] == 0.1235


def test_areas_sum_exactly(client):
    zone = create_zone(client, total_area_ha=1, industrial_land_ha=0.9, service_land_ha=0)
    for _ in range(3):
        create_project(client, zone["id"], leased_ha=0.1)
    report = get_ok(client, OCCUPANCY, as_of=AS_OF)
    assert row_of(report, zone)["leased_industrial_ha"] == 0.3
    assert row_of(report, zone)["available_ha"] == 0.6
    assert report["totals"]["all"]["leased_industrial_ha"] == 0.3


@pytest.mark.parametrize(
    ("scope", "keys"),
    [
        (None, {"P1", "P2", "P3", "C1", "C2"}),
        ("established", {"P1", "P2", "P3", "C1", "C2"}),
        ("operating", {"P1", "P2", "C2"}),
        ("all", {"P1", "P2", "P3", "P4", "C1", "C2"}),
    ],
)
def test_scope(client, landscape, scope, keys):
    params = {"as_of": AS_OF} | ({"scope": scope} if scope else {})
    report = get_ok(client, OCCUPANCY, **params)
    assert report["scope"] == (scope or "established")
    assert ids(report) == {landscape[k]["id"] for k in keys}
    assert report["totals"]["all"]["zones"] == len(keys)


def test_scope_all_includes_planned_and_excludes_closed(client, landscape):
    totals = get_ok(client, OCCUPANCY, as_of=AS_OF, scope="all")["totals"]
    assert totals["park"]["zones"] == 4
    assert totals["park"]["total_area_ha"] == 730
    assert totals["park"]["industrial_land_ha"] == 460
    assert totals["park"]["leased_industrial_ha"] == 86
    assert totals["park"]["mean_occupancy_rate"] == 0.2333  # (0.5 + 0.1 + 0.1) / 3


def test_scope_operating_totals(client, landscape):
    totals = get_ok(client, OCCUPANCY, as_of=AS_OF, scope="operating")["totals"]
    assert (totals["park"]["zones"], totals["cluster"]["zones"]) == (2, 1)
    assert totals["all"]["industrial_land_ha"] == 450
    assert totals["all"]["leased_industrial_ha"] == 105
    assert totals["all"]["occupancy_rate"] == 0.2333


@pytest.mark.parametrize(
    ("params", "keys"),
    [
        ({"kind": "park"}, {"P1", "P2", "P3"}),
        ({"kind": "cluster"}, {"C1", "C2"}),
        ({"province": "Phú Thọ"}, {"P3", "C2"}),
        ({"province": "Hòa Bình", "kind": "cluster"}, {"C1"}),
        ({"province": "Hòa Bình", "scope": "all"}, {"P1", "P2", "P4", "C1"}),
        ({"province": "Đà Nẵng"}, set()),
    ],
)
def test_filters(client, landscape, params, keys):
    report = get_ok(client, OCCUPANCY, as_of=AS_OF, **params)
    assert ids(report) == {landscape[k]["id"] for k in keys}
    assert report["totals"]["all"]["zones"] == len(keys)


def test_kind_filter_leaves_the_other_kind_empty(client, landscape):
    totals = get_ok(client, OCCUPANCY, as_of=AS_OF, kind="cluster")["totals"]
    assert totals["park"]["zones"] == 0
    assert totals["park"]["occupancy_rate"] is None
    assert totals["park"]["mean_occupancy_rate"] is None
    assert totals["cluster"] == totals["all"]


def test_as_of_defaults_to_today(client, landscape):
    report = get_ok(client, OCCUPANCY)
    now = date.today()
    assert report["as_of"] in {(now + timedelta(days=d)).isoformat() for d in (-1, 0, 1)}


@pytest.mark.parametrize(
    ("period", "as_of"),
    [
        ("2024-H1", "2024-06-14"),
        ("2024", "2024-12-14"),
        ("2019-H1", "2019-06-14"),
        ("2000", "2000-12-14"),
    ],
)
@pytest.mark.parametrize("url", DATED_REPORTS)
def test_period_sets_the_date(client, url, period, as_of):
    assert get_ok(client, url, period=period)["as_of"] == as_of


@pytest.mark.parametrize("url", DATED_REPORTS)
def test_as_of_sets_the_date(client, url):
    assert get_ok(client, url, as_of="2023-02-28")["as_of"] == "2023-02-28"


@pytest.fixture
def boundary_leases(client) -> dict[str, Any]:
    """Leases that start, end and are terminated around 14 June 2024."""
    zone = create_zone(client, total_area_ha=200, industrial_land_ha=100, service_land_ha=0)
    zid = zone["id"]
    create_project(client, zid, leased_ha=1, lease_start="2024-06-14")
    create_project(client, zid, leased_ha=2, lease_start="2024-06-15")
    create_project(client, zid, leased_ha=4, lease_start="2020-01-01", lease_end="2024-06-14")
    create_project(client, zid, leased_ha=8, lease_start="2020-01-01", lease_end="2024-06-15")
    terminate(
        client, create_project(client, zid, leased_ha=16, lease_start="2020-01-01"), "2024-06-14"
    )
    terminate(
        client, create_project(client, zid, leased_ha=32, lease_start="2020-01-01"), "2024-06-15"
    )
    return zone


@pytest.mark.parametrize(
    ("params", "leased", "active"),
    [
        ({"as_of": "2024-06-13"}, 60, 4),  # 4 + 8 + 16 + 32
        ({"as_of": "2024-06-14"}, 41, 3),  # 1 + 8 + 32
        ({"period": "2024-H1"}, 41, 3),
        ({"as_of": "2024-06-15"}, 3, 2),  # 1 + 2
        ({"period": "2024"}, 3, 2),
        ({"as_of": "2019-12-31"}, 0, 0),
    ],
)
def test_leases_in_effect_around_the_date(client, boundary_leases, params, leased, active):
    report = get_ok(client, OCCUPANCY, **params)
    row = row_of(report, boundary_leases)
    assert (row["leased_industrial_ha"], row["active_projects"]) == (leased, active)
    assert report["totals"]["all"]["leased_industrial_ha"] == leased


def test_service_land_counts_on_the_decree_35_basis_only(client):
    zone = create_zone(client, total_area_ha=100, industrial_land_ha=60, service_land_ha=20)
    create_project(client, zone["id"], leased_ha=30)
    create_project(client, zone["id"], leased_ha=20, land_use="service")
    row = row_of(get_ok(client, OCCUPANCY, as_of=AS_OF), zone)
    assert row["occupancy_rate"] == 0.5  # 30 / 60
    assert row["occupancy_rate_incl_service"] == 0.625  # 50 / 80
    assert row["available_ha"] == 30


# ---------------------------------------------------------------------------- parameter validation


BAD_DATE_PARAMS = [
    {"as_of": "2024-02-30"},
    {"as_of": "2024/06/14"},
    {"as_of": "14-06-2024"},
    {"as_of": "2024-6-14"},
    {"as_of": "yesterday"},
    {"as_of": ""},
    {"as_of": "2024-06-14T00:00:00"},
]
BAD_PERIODS = [
    "2024-H2",
    "24",
    "2024-h2",
    "2024-Q1",
    "H1-2024",
    "2024-H",
    "20245",
    "",
    "2024-12-14",
    "1899",
    " 2024",
    "2024 ",
    "2024\n",
    "2024-H1\n",
    "２０２４",
]


@pytest.mark.parametrize("url", DATED_REPORTS)
@pytest.mark.parametrize("params", BAD_DATE_PARAMS, ids=lambda p: repr(p["as_of"]))
def test_bad_as_of_is_422(client, landscape, url, params):
    before = data_state(client)
    assert_invalid_param(client.get(url, params=params), "as_of")
    assert data_state(client) == before


@pytest.mark.parametrize("url", DATED_REPORTS)
@pytest.mark.parametrize("period", BAD_PERIODS, ids=repr)
def test_bad_period_is_422(client, url, period):
    assert_invalid_param(client.get(url, params={"period": period}), "period")


@pytest.mark.parametrize("url", DATED_REPORTS)
def test_as_of_and_period_together_is_422(client, landscape, url):
    before = data_state(client)
    assert_invalid_param(
        client.get(url, params={"as_of": "2024-06-14", "period": "2024-H1"}), "period", "as_of"
    )
    assert data_state(client) == before


@pytest.mark.parametrize("url", DATED_REPORTS + [HISTORY])
@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"kind": "zone"}, "kind"),
        ({"kind": "PARKS"}, "kind"),
        ({"scope": "every"}, "scope"),
        ({"scope": "closed"}, "scope"),
        ({"scope": "ALLE"}, "scope"),
        ({"format": "pdf"}, "format"),
        ({"format": "JSONL"}, "format"),
        ({"province": "x" * 101}, "province"),
        ({"province": "Hòa\x00Bình"}, "province"),
    ],
    ids=lambda v: repr(v)[:30] if isinstance(v, dict) else None,
)
def test_unknown_filter_values_are_422(client, url, params, name):
    query = dict(params)
    if url == HISTORY:
        query |= {"from": "2024-01-01", "to": "2024-03-31"}
    assert_invalid_param(client.get(url, params=query), name)


@pytest.mark.parametrize("url", DATED_REPORTS)
def test_unknown_path_under_reports_is_404(client, url):
    assert_problem(client.get(url + "/nothing-here"), 404)


@pytest.mark.parametrize("url", DATED_REPORTS + [HISTORY])
def test_reports_are_read_only(client, url):
    assert_problem(client.post(url, json={}), 405)


# ---------------------------------------------------------------------------- history


@pytest.fixture
def history_zone(client) -> dict[str, Any]:
    """A park whose leased land changes during the first months of 2024."""
    zone = create_zone(client, total_area_ha=200, industrial_land_ha=100, service_land_ha=20)
    create_project(client, zone["id"], leased_ha=10, lease_start="2024-01-01")
    create_project(client, zone["id"], leased_ha=5, land_use="service", lease_start="2024-02-15")
    leased = create_project(client, zone["id"], leased_ha=20, lease_start="2024-03-10")
    terminate(client, leased, "2024-04-05")
    return zone


def test_history_monthly_points_and_net_absorption(client, history_zone):
    report = get_ok(
        client, HISTORY, **{"from": "2024-01-15", "to": "2024-04-20", "interval": "month"}
    )
    assert report["interval"] == "month"
    points = report["points"]
    assert [p["as_of"] for p in points] == ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-20"]
    for point in points:
        assert set(point) >= {"as_of", "park", "cluster", "all"}
        for kind in ("park", "cluster", "all"):
            assert TOTALS_FIELDS | {"net_absorption_ha"} <= set(point[kind])
            assert point[kind]["as_of"] == point["as_of"]
    industrial = [p["all"]["leased_industrial_ha"] for p in points]
    service = [p["all"]["leased_service_ha"] for p in points]
    assert industrial == [10, 10, 30, 10]
    assert service == [0, 5, 5, 5]
    assert [p["all"]["net_absorption_ha"] for p in points] == [None, 5, 20, -20]
    assert [p["park"]["net_absorption_ha"] for p in points] == [None, 5, 20, -20]
    assert [p["cluster"]["net_absorption_ha"] for p in points] == [None, 0, 0, 0]
    assert [p["all"]["occupancy_rate"] for p in points] == [0.1, 0.1, 0.3, 0.1]
    assert [p["all"]["occupancy_rate_incl_service"] for p in points] == [
        rate(10, 120),
        rate(15, 120),
        rate(35, 120),
        rate(15, 120),
    ]
    assert all(p["all"]["zones"] == 1 and p["all"]["total_area_ha"] == 200 for p in points)
    assert all(p["all"]["mean_occupancy_rate"] == p["all"]["occupancy_rate"] for p in points)


def test_history_points_equal_the_occupancy_report_totals(client, landscape, history_zone):
    """Each history entry is a totals entry (plus net_absorption_ha) of that date."""
    later = create_zone(
        client,
        kind="cluster",
        status="operating",
        established_on="2024-03-01",
        total_area_ha=100,
        industrial_land_ha=50,
        service_land_ha=0,
    )
    create_project(client, later["id"], leased_ha=5, lease_start="2024-03-15")
    report = get_ok(client, HISTORY, **{"from": "2024-01-01", "to": "2024-05-10"})
    assert len(report["points"]) == 5
    for point in report["points"]:
        totals = get_ok(client, OCCUPANCY, as_of=point["as_of"])["totals"]
        for kind in ("park", "cluster", "all"):
            entry = dict(point[kind])
            entry.pop("net_absorption_ha")
            assert pick(entry, TOTALS_FIELDS) == pick(totals[kind], TOTALS_FIELDS), point["as_of"]
            assert entry == totals[kind], point["as_of"]


def test_history_active_projects_if_given_counts_leases_in_effect(client, history_zone):
    """A history entry that carries active_projects must state the real count, as the
    occupancy report's totals entry of the same date does."""
    report = get_ok(client, HISTORY, **{"from": "2024-03-01", "to": "2024-03-31"})
    (point,) = report["points"]
    expected = get_ok(client, OCCUPANCY, as_of="2024-03-31")["totals"]["all"]["active_projects"]
    assert expected == 3
    if "active_projects" in point["all"]:
        assert point["all"]["active_projects"] == expected


def test_history_defaults_to_monthly(client, history_zone):
    report = get_ok(client, HISTORY, **{"from": "2024-01-01", "to": "2024-03-31"})
    assert report["interval"] == "month"
    assert [p["as_of"] for p in report["points"]] == ["2024-01-31", "2024-02-29", "2024-03-31"]


def test_history_to_defaults_to_today(client, history_zone):
    start = (date.today() - timedelta(days=40)).isoformat()
    report = get_ok(client, HISTORY, **{"from": start})
    last = date.fromisoformat(report["points"][-1]["as_of"])
    assert abs((last - date.today()).days) <= 1
    assert 2 <= len(report["points"]) <= 3


@pytest.mark.parametrize(
    ("start", "end", "interval", "expected"),
    [
        ("2023-11-15", "2024-05-20", "quarter", ["2023-12-31", "2024-03-31", "2024-05-20"]),
        ("2022-06-01", "2024-03-01", "year", ["2022-12-31", "2023-12-31", "2024-03-01"]),
        ("2024-02-10", "2024-02-10", "month", ["2024-02-10"]),
        ("2024-02-29", "2024-02-29", "year", ["2024-02-29"]),
        ("2024-03-31", "2024-06-30", "quarter", ["2024-03-31", "2024-06-30"]),
    ],
)
def test_history_intervals(client, history_zone, start, end, interval, expected):
    report = get_ok(client, HISTORY, **{"from": start, "to": end, "interval": interval})
    assert report["interval"] == interval
    assert [p["as_of"] for p in report["points"]] == expected
    assert report["points"][0]["all"]["net_absorption_ha"] is None


def test_history_quarterly_absorption(client, history_zone):
    report = get_ok(
        client, HISTORY, **{"from": "2023-10-01", "to": "2024-06-30", "interval": "quarter"}
    )
    assert [p["as_of"] for p in report["points"]] == ["2023-12-31", "2024-03-31", "2024-06-30"]
    assert [p["all"]["net_absorption_ha"] for p in report["points"]] == [None, 35, -20]


def test_history_follows_scope_and_kind(client, landscape):
    established = get_ok(client, HISTORY, **{"from": "2024-01-01", "to": "2024-01-31"})
    assert established["points"][0]["all"]["zones"] == 5
    every = get_ok(client, HISTORY, **{"from": "2024-01-01", "to": "2024-01-31", "scope": "all"})
    assert every["points"][0]["all"]["zones"] == 6
    clusters = get_ok(
        client, HISTORY, **{"from": "2024-01-01", "to": "2024-01-31", "kind": "cluster"}
    )
    assert clusters["points"][0]["park"]["zones"] == 0
    assert clusters["points"][0]["all"]["zones"] == 2


def test_history_of_400_points_is_allowed(client):
    report = get_ok(client, HISTORY, **{"from": "2000-01-01", "to": "2033-04-30"})
    assert len(report["points"]) == 400
    assert report["points"][-1]["as_of"] == "2033-04-30"


@pytest.mark.parametrize("end", ["2033-05-01", "2033-05-31", "2040-01-01"])
def test_history_of_more_than_400_points_is_422(client, end):
    response = client.get(HISTORY, params={"from": "2000-01-01", "to": end})
    if response.status_code == 200:  # keep the failure message short
        points = response.json()["points"]
        pytest.fail(f"200 with {len(points)} points, the last as of {points[-1]['as_of']}")
    body = assert_problem(response, 422)
    assert body["errors"], body


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"from": "2024-05-01", "to": "2024-04-30"}, ("from", "to")),
        ({"to": "2024-04-30"}, ("from",)),
        ({}, ("from",)),
        ({"from": "2024-13-01", "to": "2024-04-30"}, ("from",)),
        ({"from": "2024-01-01", "to": "30/04/2024"}, ("to",)),
        ({"from": "2024-01-01", "to": "2024-04-30", "interval": "week"}, ("interval",)),
        ({"from": "2024-01-01", "to": "2024-04-30", "interval": "Months"}, ("interval",)),
        ({"from": "2024-01-01", "to": "2024-04-30", "interval": ""}, ("interval",)),
        ({"from": "2024-01-01", "to": "2024-04-30", "format": "geojson"}, ("format",)),
    ],
    ids=lambda v: repr(v)[:50] if isinstance(v, dict) else None,
)
def test_history_bad_parameters_are_422(client, history_zone, params, names):
    before = data_state(client)
    assert_invalid_param(client.get(HISTORY, params=params), *names)
    assert data_state(client) == before


# ---------------------------------------------------------------------------- clearance report


@pytest.fixture
def clearance_zones(client) -> dict[str, dict[str, Any]]:
    zones = {
        "done": create_zone(
            client,
            code="KCN-XONG",
            kind="park",
            status="operating",
            total_area_ha=100,
            clearance_required_ha=80,
        ),
        "stalled": create_zone(
            client,
            code="KCN-TRE",
            kind="park",
            status="under_construction",
            total_area_ha=100,
            clearance_required_ha=50,
        ),
        "fresh": create_zone(
            client,
            code="CCN-MOI",
            kind="cluster",
            status="operating",
            total_area_ha=100,
            clearance_required_ha=40,
        ),
        "moving": create_zone(
            client,
            code="CCN-DANG-LAM",
            kind="cluster",
            status="suspended",
            total_area_ha=100,
            clearance_required_ha=30,
        ),
        "planned": create_zone(
            client,
            code="KCN-QUY-HOACH",
            kind="park",
            status="planned",
            total_area_ha=100,
            clearance_required_ha=100,
        ),
    }
    add_clearance(client, zones["done"], "2023-01-01", 40)
    add_clearance(
        client,
        zones["done"],
        "2023-06-01",
        80,
        households_total=100,
        households_relocated=100,
        compensation_paid_vnd=50_000_000_000,
    )
    add_clearance(
        client,
        zones["stalled"],
        "2023-01-01",
        20,
        households_total=40,
        households_relocated=10,
        compensation_paid_vnd=7_000_000_000,
    )
    add_clearance(client, zones["stalled"], "2024-05-01", 20, note="Vướng mắc 12 hộ")
    add_clearance(client, zones["moving"], "2024-05-01", 10)
    add_clearance(client, zones["planned"], "2024-01-01", 5)
    return zones


def test_clearance_report_rows(client, clearance_zones):
    report = get_ok(client, CLEARANCE, as_of=AS_OF)
    assert report["as_of"] == AS_OF
    assert ids(report) == {clearance_zones[k]["id"] for k in ("done", "stalled", "fresh", "moving")}
    for row in report["zones"]:
        assert CLEARANCE_ROW_FIELDS <= set(row)
    done = row_of(report, clearance_zones["done"])
    assert pick(done, CLEARANCE_ROW_FIELDS) == {
        "id": clearance_zones["done"]["id"],
        "code": "KCN-XONG",
        "name": clearance_zones["done"]["name"],
        "kind": "park",
        "required_ha": 80,
        "cleared_ha": 80,
        "clearance_rate": 1,
        "status": "completed",
        "last_recorded_on": "2023-06-01",
        "last_progress_on": "2023-06-01",
        "stalled": False,
        "households_total": 100,
        "households_relocated": 100,
        "compensation_paid_vnd": 50_000_000_000,
    }
    stalled = row_of(report, clearance_zones["stalled"])
    assert (stalled["status"], stalled["stalled"], stalled["clearance_rate"]) == (
        "in_progress",
        True,
        0.4,
    )
    assert (stalled["last_recorded_on"], stalled["last_progress_on"]) == (
        "2024-05-01",
        "2023-01-01",
    )
    fresh = row_of(report, clearance_zones["fresh"])
    assert (fresh["status"], fresh["cleared_ha"], fresh["clearance_rate"], fresh["stalled"]) == (
        "not_started",
        0,
        0,
        False,
    )
    assert fresh["last_recorded_on"] is None and fresh["households_total"] is None
    moving = row_of(report, clearance_zones["moving"])
    assert (moving["status"], moving["stalled"], moving["clearance_rate"]) == (
        "in_progress",
        False,
        0.3333,
    )


def test_clearance_report_totals(client, clearance_zones):
    totals = get_ok(client, CLEARANCE, as_of=AS_OF)["totals"]
    assert pick(totals, CLEARANCE_TOTALS_FIELDS) == {
        "required_ha": 200,
        "cleared_ha": 110,
        "clearance_rate": 0.55,
        "not_started": 1,
        "in_progress": 2,
        "completed": 1,
        "stalled": 1,
    }


def test_clearance_report_scope_all_adds_planned(client, clearance_zones):
    report = get_ok(client, CLEARANCE, as_of=AS_OF, scope="all")
    assert clearance_zones["planned"]["id"] in ids(report)
    totals = report["totals"]
    assert (totals["required_ha"], totals["cleared_ha"], totals["in_progress"]) == (300, 115, 3)
    assert totals["clearance_rate"] == 0.3833


def test_clearance_report_filters(client, clearance_zones):
    parks = get_ok(client, CLEARANCE, as_of=AS_OF, kind="park")
    assert ids(parks) == {clearance_zones["done"]["id"], clearance_zones["stalled"]["id"]}
    assert parks["totals"]["required_ha"] == 130
    operating = get_ok(client, CLEARANCE, as_of=AS_OF, scope="operating")
    assert ids(operating) == {clearance_zones["done"]["id"], clearance_zones["fresh"]["id"]}
    none = get_ok(client, CLEARANCE, as_of=AS_OF, province="Lào Cai")
    assert none["zones"] == []
    assert none["totals"]["clearance_rate"] is None
    assert none["totals"]["required_ha"] == 0


def test_clearance_report_on_an_earlier_date(client, clearance_zones):
    report = get_ok(client, CLEARANCE, as_of="2023-03-01")
    done = row_of(report, clearance_zones["done"])
    assert (done["cleared_ha"], done["status"]) == (40, "in_progress")
    stalled = row_of(report, clearance_zones["stalled"])
    assert stalled["stalled"] is False
    assert report["totals"]["cleared_ha"] == 60
    assert (report["totals"]["in_progress"], report["totals"]["not_started"]) == (2, 2)


def test_clearance_report_period(client, clearance_zones):
    report = get_ok(client, CLEARANCE, period="2023-H1")
    assert report["as_of"] == "2023-06-14"
    assert row_of(report, clearance_zones["done"])["status"] == "completed"


# ---------------------------------------------------------------------------- investment report


@pytest.fixture
def investors(client) -> dict[str, Any]:
    zone = create_zone(
        client, status="operating", total_area_ha=300, industrial_land_ha=200, service_land_ha=50
    )
    planned = create_zone(client, status="planned", total_area_ha=100, industrial_land_ha=50)
    zid = zone["id"]
    create_project(
        client,
        zid,
        investor_country="VN",
        status="operating",
        leased_ha=10,
        sector="10",
        registered_capital=5_000_000_000,
        capital_currency="VND",
        employees=100,
    )
    create_project(
        client,
        zid,
        investor_country="VN",
        status="registered",
        leased_ha=5,
        sector="25",
        registered_capital=2_000_000,
        capital_currency="USD",
    )
    create_project(
        client,
        zid,
        investor_country="JP",
        status="operating",
        leased_ha=20,
        sector="26",
        registered_capital=30_000_000.5,
        capital_currency="USD",
        employees=500,
    )
    create_project(
        client,
        zid,
        investor_country="KR",
        status="under_construction",
        leased_ha=8,
        sector="26",
        registered_capital=1_000_000_000_000,
        capital_currency="VND",
        employees=50,
        land_use="service",
    )
    # Not in effect on 2024-06-14:
    create_project(
        client,
        zid,
        investor_country="US",
        leased_ha=7,
        lease_start="2025-01-01",
        registered_capital=1_000_000,
        capital_currency="USD",
        employees=10,
    )
    create_project(
        client,
        zid,
        investor_country="CN",
        leased_ha=7,
        lease_start="2020-01-01",
        lease_end="2023-12-31",
        employees=10,
    )
    ended = create_project(
        client,
        zid,
        investor_country="SG",
        leased_ha=7,
        employees=10,
        registered_capital=9,
        capital_currency="USD",
    )
    terminate(client, ended, "2024-01-01")
    # Outside the established scope:
    create_project(client, planned["id"], investor_country="TW", leased_ha=3, employees=10)
    return {"zone": zone, "planned": planned}


def test_investment_report(client, investors):
    report = get_ok(client, INVESTMENT, as_of=AS_OF)
    assert report["as_of"] == AS_OF
    projects = report["projects"]
    assert (projects["total"], projects["fdi"], projects["domestic"]) == (4, 2, 2)
    by_status = projects["by_status"]
    assert by_status["registered"] == 1
    assert by_status["under_construction"] == 1
    assert by_status["operating"] == 2
    assert by_status.get("suspended", 0) == 0
    assert sum(by_status.values()) == 4
    assert report["registered_capital"] == {
        "fdi_usd": 30_000_000.5,
        "fdi_vnd": 1_000_000_000_000,
        "domestic_usd": 2_000_000,
        "domestic_vnd": 5_000_000_000,
    }
    assert report["employees"] == 650
    assert sorted(report["by_country"], key=lambda r: r["country"]) == [
        {"country": "JP", "projects": 1, "leased_ha": 20},
        {"country": "KR", "projects": 1, "leased_ha": 8},
        {"country": "VN", "projects": 2, "leased_ha": 15},
    ]
    assert sorted(report["by_sector"], key=lambda r: r["sector"]) == [
        {"sector": "10", "projects": 1, "leased_ha": 10},
        {"sector": "25", "projects": 1, "leased_ha": 5},
        {"sector": "26", "projects": 2, "leased_ha": 28},
    ]


def test_investment_breakdowns_list_the_most_leased_land_first(client, investors):
    report = get_ok(client, INVESTMENT, as_of=AS_OF)
    assert [row["country"] for row in report["by_country"]] == ["JP", "VN", "KR"]
    assert [row["sector"] for row in report["by_sector"]] == ["26", "10", "25"]


def test_investment_breakdown_ties_go_by_name_with_no_sector_last(client):
    zone = create_zone(client)
    for country, sector in (("KR", None), ("JP", "20"), ("US", "10"), ("JP", "30")):
        create_project(client, zone["id"], investor_country=country, sector=sector, leased_ha=2)
    report = get_ok(client, INVESTMENT, as_of=AS_OF)
    assert report["by_country"] == [
        {"country": "JP", "projects": 2, "leased_ha": 4},
        {"country": "KR", "projects": 1, "leased_ha": 2},
        {"country": "US", "projects": 1, "leased_ha": 2},
    ]
    assert [row["sector"] for row in report["by_sector"]] == ["10", "20", "30", None]


def test_investment_report_totals_are_the_summarys(client, investors):
    """The report adds its totals up from one grouping by country, status and sector; the
    summary from a grouping by FDI and status: the same figures."""
    report = get_ok(client, INVESTMENT, as_of=AS_OF)
    summary = get_ok(client, SUMMARY, as_of=AS_OF)["investment"]
    assert summary == {key: report[key] for key in ("projects", "registered_capital", "employees")}


def test_investment_report_counts_leases_in_effect_on_the_date(client, investors):
    before = get_ok(client, INVESTMENT, as_of="2023-12-31")
    # The SG project is terminated 2024-01-01; the CN lease ends 2023-12-31 (not in effect).
    countries = {row["country"]: row for row in before["by_country"]}
    assert "SG" in countries and "CN" not in countries and "US" not in countries
    assert before["projects"]["total"] == 5
    assert before["projects"]["fdi"] == 3
    assert before["registered_capital"]["fdi_usd"] == 30_000_009.5
    later = get_ok(client, INVESTMENT, as_of="2025-01-01")
    assert {row["country"] for row in later["by_country"]} == {"VN", "JP", "KR", "US"}
    assert later["employees"] == 660


def test_investment_report_scope_all_counts_planned_zones(client, investors):
    report = get_ok(client, INVESTMENT, as_of=AS_OF, scope="all")
    assert report["projects"]["total"] == 5
    assert report["employees"] == 660
    assert {"country": "TW", "projects": 1, "leased_ha": 3} in report["by_country"]


def test_investment_report_without_sector(client):
    zone = create_zone(client)
    create_project(client, zone["id"], leased_ha=4, sector=None)
    report = get_ok(client, INVESTMENT, as_of=AS_OF)
    assert report["by_sector"] == [{"sector": None, "projects": 1, "leased_ha": 4}]
    assert report["employees"] == 0


def test_investment_report_empty(client):
    report = get_ok(client, INVESTMENT, as_of=AS_OF)
    assert report["projects"]["total"] == 0
    assert report["by_country"] == [] and report["by_sector"] == []
    assert report["registered_capital"] == {
        "fdi_usd": 0,
        "fdi_vnd": 0,
        "domestic_usd": 0,
        "domestic_vnd": 0,
    }


def test_investment_report_filters(client, investors):
    assert get_ok(client, INVESTMENT, as_of=AS_OF, kind="cluster")["projects"]["total"] == 0
    assert get_ok(client, INVESTMENT, as_of=AS_OF, province="Hòa Bình")["projects"]["total"] == 4
    assert get_ok(client, INVESTMENT, as_of=AS_OF, province="Sơn La")["projects"]["total"] == 0


# ---------------------------------------------------------------------------- summary


def test_summary_report(client, landscape, clearance_zones):
    summary = get_ok(client, SUMMARY, as_of=AS_OF)
    assert summary["as_of"] == AS_OF
    assert {"zones", "occupancy", "clearance", "investment"} <= set(summary)
    zones = summary["zones"]
    # Landscape: parks operating x2, under_construction, planned, closed; clusters suspended,
    # operating. Clearance zones: parks operating, under_construction, planned; clusters
    # operating, suspended.
    assert zones["total"] == 12
    assert zones["by_kind"] == {"park": 8, "cluster": 4}
    assert zones["by_status"] == {
        "planned": 2,
        "under_construction": 2,
        "operating": 5,
        "suspended": 2,
        "closed": 1,
    }
    assert zones["by_kind_and_status"]["park"]["operating"] == 3
    assert zones["by_kind_and_status"]["cluster"]["suspended"] == 2
    occupancy = get_ok(client, OCCUPANCY, as_of=AS_OF)["totals"]
    assert summary["occupancy"] == occupancy
    clearance = get_ok(client, CLEARANCE, as_of=AS_OF)["totals"]
    assert summary["clearance"] == clearance
    investment = get_ok(client, INVESTMENT, as_of=AS_OF)
    assert summary["investment"]["projects"] == investment["projects"]
    assert summary["investment"]["registered_capital"] == investment["registered_capital"]
    assert summary["investment"]["employees"] == investment["employees"]


def test_summary_follows_the_filters(client, landscape):
    summary = get_ok(client, SUMMARY, as_of=AS_OF, kind="cluster", scope="operating")
    assert (
        summary["occupancy"]
        == get_ok(client, OCCUPANCY, as_of=AS_OF, kind="cluster", scope="operating")["totals"]
    )
    assert summary["investment"]["projects"]["total"] == 2
    assert summary["zones"]["by_kind"].get("park", 0) == 0


def test_summary_on_a_period(client, boundary_leases):
    summary = get_ok(client, SUMMARY, period="2024-H1")
    assert summary["as_of"] == "2024-06-14"
    assert summary["occupancy"]["all"]["leased_industrial_ha"] == 41
    assert summary["investment"]["projects"]["total"] == 3


def test_the_occupancy_document_is_exactly_what_its_schema_describes(client):
    """The report is written straight from whole square metres; read back through the
    OccupancyReport schema it must come out the same, key for key and number for number."""
    from app.reports.schemas import OccupancyReport

    park = create_zone(
        client, total_area_ha=100.0001, industrial_land_ha=70.3333, service_land_ha=3
    )
    cluster = create_zone(client, kind="cluster", industrial_land_ha=0, service_land_ha=0)
    create_project(client, park["id"], leased_ha=23.4567, lease_start="2020-01-01")
    create_project(client, park["id"], leased_ha=1.5, land_use="service", lease_start="2020-01-01")
    for params in ({"as_of": "2024-06-24"}, {"as_of": "2019-01-01"}, {"kind": "cluster"}):
        body = client.get(OCCUPANCY, params=params).json()
        assert OccupancyReport.model_validate(body).model_dump(mode="json") == body
        assert [zone["id"] for zone in body["zones"]] == [
            z["id"] for z in (park, cluster) if params.get("kind", z["kind"]) == z["kind"]
        ]
    totals = client.get(OCCUPANCY, params={"as_of": "2024-06-24"}).json()["totals"]["park"]
    assert totals["leased_industrial_ha"] == 23.4567
    assert totals["occupancy_rate"] == 0.3335  # 23.4567 / 70.3333 = 0.333508…
    assert totals["occupancy_rate_incl_service"] == 0.3403  # 24.9567 / 73.3333 = 0.340318…
    assert client.get(OCCUPANCY).json()["totals"]["cluster"]["occupancy_rate"] is None


@pytest.mark.parametrize(
    "path",
    [
        OCCUPANCY,
        f"{OCCUPANCY}?format=csv",
        f"{OCCUPANCY}?format=geojson",
        f"{REPORTS}/clearance",
        f"{REPORTS}/investment",
        f"{REPORTS}/summary",
        f"{REPORTS}/occupancy/history?from=2024-01-01&to=2024-06-30",
    ],
)
def test_an_unchanged_report_is_304_until_a_write(client, path):
    zone = create_zone(client)
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200
    create_project(client, zone["id"], leased_ha=1)
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_each_question_has_its_own_etag(client):
    create_zone(client)
    tags = {
        client.get(OCCUPANCY, params=params).headers["etag"]
        for params in ({}, {"as_of": "2024-06-24"}, {"kind": "park"}, {"format": "csv"})
    }
    assert len(tags) == 4


def test_history_agrees_with_the_occupancy_report_at_every_point(client):
    """The history sweeps over lease events; the occupancy report sums the leases in effect
    on its date. Built on random leases (ends, terminations, zones established in the
    middle), the two must give the same totals at every point."""
    import random

    rng = random.Random(20241)
    zones = [
        create_zone(client, kind="park", industrial_land_ha=60, service_land_ha=10),
        create_zone(client, kind="park", established_on="2022-05-17"),
        create_zone(client, kind="cluster", industrial_land_ha=40, service_land_ha=0),
        create_zone(client, kind="cluster", established_on="2023-02-01", service_land_ha=5),
        create_zone(client, kind="park", industrial_land_ha=0, service_land_ha=0),
    ]
    for _ in range(45):
        zone = rng.choice(zones[:4])
        start = date(2021, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        body: dict[str, Any] = {
            "leased_ha": rng.choice([0.5, 1, 1.2345, 2]),
            "lease_start": start.isoformat(),
            "land_use": "service"
            if zone["service_land_ha"] and rng.random() < 0.3
            else "industrial",
        }
        if rng.random() < 0.3:
            body["lease_end"] = (start + timedelta(days=rng.randrange(30, 700))).isoformat()
        project = client.post(
            PROJECTS,
            json={
                "zone_id": zone["id"],
                "name": "P",
                "investor": "I",
                "investor_country": "VN",
                **body,
            },
        )
        assert project.status_code in (201, 409), project.text
        if project.status_code == 201 and rng.random() < 0.25:
            ended = start + timedelta(days=rng.randrange(0, 500))
            terminated = client.post(
                f"{PROJECTS}/{project.json()['id']}/terminate",
                json={"terminated_on": ended.isoformat(), "reason": "test"},
            )
            assert terminated.status_code == 200, terminated.text
    for interval in ("month", "quarter"):
        history = client.get(
            f"{OCCUPANCY}/history",
            params={"from": "2021-01-01", "to": "2024-03-31", "interval": interval},
        ).json()
        previous = None
        for point in history["points"]:
            totals = client.get(OCCUPANCY, params={"as_of": point["as_of"]}).json()["totals"]
            for kind in ("park", "cluster", "all"):
                swept = {k: v for k, v in point[kind].items() if k != "net_absorption_ha"}
                assert swept == totals[kind], (interval, point["as_of"], kind)
            held = point["all"]["leased_industrial_ha"] + point["all"]["leased_service_ha"]
            if previous is not None:
                assert point["all"]["net_absorption_ha"] == pytest.approx(held - previous)
            previous = held


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (f"{REPORTS}/clearance?as_of=2024-06-24", "ClearanceReport"),
        (f"{REPORTS}/summary?as_of=2024-06-24", "SummaryReport"),
        (f"{REPORTS}/investment?as_of=2024-06-24", "InvestmentReport"),
        (f"{OCCUPANCY}/history?from=2023-01-01&to=2024-06-30&interval=quarter", "HistoryReport"),
    ],
)
def test_every_report_document_is_exactly_what_its_schema_describes(client, path, schema):
    from app.reports import schemas

    zone = create_zone(client, clearance_required_ha=50)
    create_project(client, zone["id"], leased_ha=12.3456, lease_start="2023-05-02")
    recorded = client.post(
        f"/api/v1/zones/{zone['id']}/clearance",
        json={"recorded_on": "2023-03-01", "cleared_ha": 20.5, "households_total": 9},
    )
    assert recorded.status_code == 201, recorded.text
    body = client.get(path).json()
    model = getattr(schemas, schema)
    # Validation reads the field `from_` that the JSON names `from`.
    given = {("from_" if k == "from" else k): v for k, v in body.items()}
    assert model.model_validate(given).model_dump(mode="json", by_alias=True) == body


def test_reports_written_part_by_part_are_the_same_bytes(
    client, session, landscape, clearance_zones, monkeypatch
):
    """A JSON answer is read and written a part of the zones at a time (app.kit.json_out.
    WrittenList, app.kit.written_rows), each part adding up its totals column by column; the bytes served are the
    report's values written at once, whichever rows end a part and whatever its kinds."""
    from app.kit.json_out import json_bytes
    from app.reports import service
    from app.reports.params import ZoneSelection

    create_project(client, clearance_zones["done"]["id"], leased_ha=12.3456)
    create_project(client, clearance_zones["fresh"]["id"], leased_ha=7, land_use="service")
    day = date.fromisoformat(AS_OF)
    selections = (
        (ZoneSelection(), {}),
        (ZoneSelection(scope="all"), {"scope": "all"}),
        (ZoneSelection(kind="park"), {"kind": "park"}),
    )
    whole = [  # every zone in one part
        (
            service.occupancy_document(session, selection, day),
            service.clearance_document(session, selection, day, 180),
        )
        for selection, _ in selections
    ]
    monkeypatch.setattr(service, "PART_ROWS", 2)
    for (selection, params), (occupancy, clearance) in zip(selections, whole, strict=True):
        # Parts of two: some end early, where a part's zones change kind.
        assert len(occupancy["zones"]) >= 5
        assert len(clearance["zones"]) >= 5
        for written in (False, True):
            in_parts = service.occupancy_document(session, selection, day, written=written)
            assert json_bytes(in_parts) == json_bytes(occupancy)
            in_parts = service.clearance_document(session, selection, day, 180, written=written)
            assert json_bytes(in_parts) == json_bytes(clearance)
        served = client.get(OCCUPANCY, params={"as_of": AS_OF, **params})
        assert served.content == json_bytes(occupancy)
        served = client.get(CLEARANCE, params={"as_of": AS_OF, **params})
        assert served.content == json_bytes(clearance)
