"""Reports are computed in the database (docs/api.md §5): the number of SQL statements a
report takes does not grow with the number of projects. Also table-driven tests of the date
arithmetic behind reports: history points and period dates."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, event

from app.kit.errors import InvalidValues
from app.reports.params import period_date
from app.reports.service import history_points
from tests.factories import create_project, create_zone

MAX_STATEMENTS = 12
REPORTS = [
    ("/api/v1/reports/occupancy", {"as_of": "2024-06-14"}),
    ("/api/v1/reports/occupancy", {"as_of": "2024-06-14", "format": "csv"}),
    ("/api/v1/reports/occupancy", {"as_of": "2024-06-14", "format": "geojson"}),
    ("/api/v1/reports/clearance", {"as_of": "2024-06-14"}),
    ("/api/v1/reports/investment", {"as_of": "2024-06-14"}),
    ("/api/v1/reports/summary", {"as_of": "2024-06-14"}),
    ("/api/v1/reports/summary", {"period": "2024-H1", "scope": "all"}),
    (
        "/api/v1/reports/occupancy/history",
        {"from": "2020-01-01", "to": "2024-12-31", "interval": "month"},
    ),
    (
        "/api/v1/reports/occupancy/history",
        {"from": "2020-01-01", "to": "2024-12-31", "interval": "quarter"},
    ),
    ("/api/v1/reports/forecast", {"as_of": "2024-06-14"}),
    ("/api/v1/reports/forecast", {"as_of": "2024-06-14", "target": "0.05", "format": "csv"}),
    ("/api/v1/alerts", {"as_of": "2024-06-14", "days": "3650"}),
]


# ---------------------------------------------------------------------------- statement counts


@contextmanager
def counting(connection: Connection) -> Iterator[list[str]]:
    """Collect every SQL statement sent on the test connection meanwhile."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # Savepoints belong to the test's transaction around each request, not to the report.
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", record)


def answered(
    client, connection: Connection, url: str, params: dict[str, Any]
) -> tuple[Any, list[str]]:
    """The response to GET `url` and the statements the database ran to give it."""
    with counting(connection) as statements:
        response = client.get(url, params=params)
    return response, statements


def statements_for(client, connection: Connection, url: str, params: dict[str, Any]) -> list[str]:
    response, statements = answered(client, connection, url, params)
    assert response.status_code == 200, response.text
    return statements


def make_zones(client) -> list[dict[str, Any]]:
    zones = []
    for index, (kind, status) in enumerate(
        [
            ("park", "operating"),
            ("park", "under_construction"),
            ("cluster", "operating"),
            ("cluster", "suspended"),
            ("park", "planned"),
        ]
    ):
        zones.append(
            create_zone(
                client,
                kind=kind,
                status=status,
                total_area_ha=200,
                industrial_land_ha=150,
                service_land_ha=30,
                clearance_required_ha=100,
                latitude=20 + index / 10,
                longitude=105 + index / 10,
            )
        )
    return zones


COUNTRIES = ["VN", "JP", "KR", "SG", "CN", "US", "TW"]


def add_projects(client, zones: list[dict[str, Any]], count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        zone = zones[n % len(zones)]
        create_project(
            client,
            zone["id"],
            leased_ha=1,
            land_use="service" if n % 6 == 5 else "industrial",
            lease_start=f"{2020 + n % 4}-{1 + n % 12:02d}-01",
            investor_country=COUNTRIES[n % len(COUNTRIES)],
            sector=str(10 + n % 9),
            registered_capital=1000 * (n + 1),
            capital_currency="USD" if n % 2 else "VND",
            employees=n,
            status=["registered", "under_construction", "operating", "suspended"][n % 4],
        )


def add_clearance(client, zones: list[dict[str, Any]], per_zone: int) -> None:
    for zone in zones:
        for month in range(1, per_zone + 1):
            response = client.post(
                f"/api/v1/zones/{zone['id']}/clearance",
                json={"recorded_on": f"2023-{month:02d}-01", "cleared_ha": month},
            )
            assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("url", "params"), REPORTS, ids=lambda v: v if isinstance(v, str) else None
)
def test_statement_count_does_not_grow_with_projects(client, connection, url, params):
    zones = make_zones(client)
    add_clearance(client, zones, 1)
    add_projects(client, zones, 5)
    few = statements_for(client, connection, url, params)
    add_projects(client, zones, 55, start=5)
    assert client.get("/api/v1/projects", params={"limit": 1}).json()["total"] == 60
    many = statements_for(client, connection, url, params)
    assert len(few) == len(many), (len(few), len(many))
    assert len(many) <= MAX_STATEMENTS, many


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/reports/clearance", {"as_of": "2024-06-14"}),
        ("/api/v1/reports/summary", {"as_of": "2024-06-14"}),
    ],
)
def test_statement_count_does_not_grow_with_clearance_records(client, connection, url, params):
    zones = make_zones(client)
    add_clearance(client, zones, 1)
    few = statements_for(client, connection, url, params)
    for zone in zones:
        for month in range(2, 12):
            response = client.post(
                f"/api/v1/zones/{zone['id']}/clearance",
                json={"recorded_on": f"2023-{month:02d}-01", "cleared_ha": month},
            )
            assert response.status_code == 201, response.text
    many = statements_for(client, connection, url, params)
    assert len(few) == len(many), (len(few), len(many))
    assert len(many) <= MAX_STATEMENTS, many


def test_history_statement_count_does_not_grow_with_points(client, connection):
    zones = make_zones(client)
    add_projects(client, zones, 10)
    url = "/api/v1/reports/occupancy/history"
    short = statements_for(client, connection, url, {"from": "2024-01-01", "to": "2024-03-31"})
    long = statements_for(client, connection, url, {"from": "2000-01-01", "to": "2030-12-31"})
    assert len(short) == len(long), (len(short), len(long))
    assert len(long) <= MAX_STATEMENTS


def test_zone_statement_count_does_not_grow_with_zones(client, connection):
    make_zones(client)
    few = statements_for(client, connection, "/api/v1/reports/occupancy", {"as_of": "2024-06-14"})
    make_zones(client)
    make_zones(client)
    many = statements_for(client, connection, "/api/v1/reports/occupancy", {"as_of": "2024-06-14"})
    assert len(few) == len(many)


def test_counting_sees_the_statements(client, connection):
    """The listener is on the connection the app uses."""
    with counting(connection) as statements:
        assert client.get("/api/v1/zones").status_code == 200
    assert statements


# ---------------------------------------------------------------------------- history_points


D = date.fromisoformat


@pytest.mark.parametrize(
    ("start", "end", "interval", "expected"),
    [
        # whole periods
        ("2024-01-01", "2024-03-31", "month", ["2024-01-31", "2024-02-29", "2024-03-31"]),
        (
            "2023-01-01",
            "2023-12-31",
            "quarter",
            ["2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31"],
        ),
        ("2021-01-01", "2023-12-31", "year", ["2021-12-31", "2022-12-31", "2023-12-31"]),
        # from in the middle of a period: that period's end is the first point
        ("2024-01-15", "2024-03-31", "month", ["2024-01-31", "2024-02-29", "2024-03-31"]),
        ("2024-02-10", "2024-09-30", "quarter", ["2024-03-31", "2024-06-30", "2024-09-30"]),
        ("2022-07-01", "2023-12-31", "year", ["2022-12-31", "2023-12-31"]),
        # to in the middle of a period: the last point is `to`
        ("2024-01-01", "2024-03-10", "month", ["2024-01-31", "2024-02-29", "2024-03-10"]),
        ("2024-01-01", "2024-05-20", "quarter", ["2024-03-31", "2024-05-20"]),
        ("2022-01-01", "2024-03-01", "year", ["2022-12-31", "2023-12-31", "2024-03-01"]),
        # both in the middle
        (
            "2023-11-20",
            "2024-02-10",
            "month",
            ["2023-11-30", "2023-12-31", "2024-01-31", "2024-02-10"],
        ),
        ("2023-11-15", "2024-05-20", "quarter", ["2023-12-31", "2024-03-31", "2024-05-20"]),
        ("2022-06-01", "2024-03-01", "year", ["2022-12-31", "2023-12-31", "2024-03-01"]),
        # within one period
        ("2024-05-05", "2024-05-20", "month", ["2024-05-20"]),
        ("2024-04-02", "2024-06-29", "quarter", ["2024-06-29"]),
        ("2024-02-01", "2024-11-30", "year", ["2024-11-30"]),
        # the same day
        ("2024-05-05", "2024-05-05", "month", ["2024-05-05"]),
        ("2024-05-05", "2024-05-05", "quarter", ["2024-05-05"]),
        ("2024-05-05", "2024-05-05", "year", ["2024-05-05"]),
        ("2024-05-31", "2024-05-31", "month", ["2024-05-31"]),
        ("2024-12-31", "2024-12-31", "year", ["2024-12-31"]),
        # from on the last day of a period, to on the first day of the next
        ("2023-12-31", "2024-01-01", "month", ["2023-12-31", "2024-01-01"]),
        ("2023-12-31", "2024-01-01", "quarter", ["2023-12-31", "2024-01-01"]),
        ("2023-12-31", "2024-01-01", "year", ["2023-12-31", "2024-01-01"]),
        ("2024-03-31", "2024-06-30", "quarter", ["2024-03-31", "2024-06-30"]),
        # leap years: 2000 (divisible by 400) and 2024 are, 1900 and 2100 are not
        ("2000-02-01", "2000-03-31", "month", ["2000-02-29", "2000-03-31"]),
        ("1900-02-01", "1900-03-31", "month", ["1900-02-28", "1900-03-31"]),
        ("2100-02-01", "2100-02-28", "month", ["2100-02-28"]),
        ("2023-02-01", "2024-02-29", "year", ["2023-12-31", "2024-02-29"]),
        ("2024-02-29", "2024-02-29", "month", ["2024-02-29"]),
        (
            "2024-01-31",
            "2024-04-30",
            "month",
            ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"],
        ),
        ("2023-01-31", "2023-03-01", "month", ["2023-01-31", "2023-02-28", "2023-03-01"]),
        (
            "2023-12-01",
            "2024-12-31",
            "quarter",
            ["2023-12-31", "2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"],
        ),
    ],
)
def test_history_points(start, end, interval, expected):
    points = history_points(D(start), D(end), interval)
    assert [p.isoformat() for p in points] == expected
    # Every point lies inside [from, to], in order, the last one is `to`.
    assert all(D(start) <= p <= D(end) for p in points)
    assert points == sorted(set(points))
    assert points[-1] == D(end)


@pytest.mark.parametrize("interval", ["month", "quarter", "year"])
@pytest.mark.parametrize(
    ("start", "end"), [("2024-05-02", "2024-05-01"), ("2025-01-01", "2024-12-31")]
)
def test_history_points_from_after_to_is_an_error(start, end, interval):
    with pytest.raises(InvalidValues) as raised:
        history_points(D(start), D(end), interval)
    assert raised.value.status == 422
    assert raised.value.extensions["errors"][0]["field"] in ("from", "to")


@pytest.mark.parametrize(
    ("start", "end", "interval", "count"),
    [
        ("2000-01-01", "2033-04-30", "month", 400),
        ("2000-01-15", "2033-04-01", "month", 400),
        ("2000-01-01", "2099-12-31", "quarter", 400),
        ("1900-01-01", "2299-12-31", "year", 400),
    ],
)
def test_history_points_up_to_400(start, end, interval, count):
    assert len(history_points(D(start), D(end), interval)) == count


@pytest.mark.parametrize(
    ("start", "end", "interval"),
    [
        ("2000-01-01", "2033-05-01", "month"),  # 401 points
        ("2000-01-01", "2033-05-31", "month"),  # 401 points
        ("2000-01-01", "2033-06-30", "month"),  # 402 points
        ("2000-01-01", "2100-01-01", "quarter"),  # 401 points
        ("1900-01-01", "2300-01-01", "year"),  # 401 points
        ("1900-01-01", "2999-12-31", "month"),
    ],
)
def test_history_points_beyond_400_is_an_error(start, end, interval):
    with pytest.raises(InvalidValues):
        points = history_points(D(start), D(end), interval)
        pytest.fail(f"{len(points)} points returned")


# ---------------------------------------------------------------------------- period_date


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2024-H1", "2024-06-14"),
        ("2024-h1", "2024-06-14"),
        ("2024", "2024-12-14"),
        ("2023-H1", "2023-06-14"),
        ("2023", "2023-12-14"),
        ("2000", "2000-12-14"),
        ("1900-H1", "1900-06-14"),
        ("9999", "9999-12-14"),
    ],
)
def test_period_date(period, expected):
    assert period_date(period) == D(expected)


@pytest.mark.parametrize(
    "period",
    [
        "2024-H2",
        "2024-h2",
        "24",
        "024",
        "20245",
        "2024-",
        "2024-H",
        "2024-H12",
        "2024H1",
        "2024-Q1",
        "H1-2024",
        "2024-06-14",
        "",
        " 2024",
        "2024 ",
        "2024-H1 ",
        "1899",
        "0000",
        "2024\n",
        "2024-H1\n",
        "２０２４",
        "٢٠٢٤",
    ],
    ids=repr,
)
def test_period_date_refuses_other_forms(period):
    with pytest.raises(ValueError):
        result = period_date(period)
        pytest.fail(f"{period!r} gave {result}")


def test_a_304_is_answered_from_the_data_version_alone(client, connection):
    zones = make_zones(client)
    add_projects(client, zones, 20)
    etag = client.get("/api/v1/reports/occupancy").headers["etag"]
    with counting(connection) as statements:
        response = client.get("/api/v1/reports/occupancy", headers={"If-None-Match": etag})
    assert response.status_code == 304
    # Besides the caller's key check, only the data version is read: nothing is computed.
    report_statements = [s for s in statements if "api_keys" not in s]
    assert len(report_statements) == 1, statements
    assert "data_version" in report_statements[0]
