"""The benchmark stays in step with the schema and with the service: its synthetic data loads
into a freshly migrated database and the service reads it, and its hand-written floor gives
the very figures the service reports (a floor that computed something else would flatter or
shame the service for nothing)."""

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from app.kit import migrate
from app.kit.db import make_engine
from app.kit.settings import Settings
from app.main import create_app
from app.reports.service import history_points
from bench.best_sql import (
    CLEARANCE,
    INVESTMENT,
    INVESTMENT_TOTALS,
    OCCUPANCY,
    ZONE_COUNTS,
    floors,
    history,
)
from bench.generate import generate
from bench.run import REPORTS, route_bodies

AS_OF = "2024-06-24"
M2_PER_HA = Decimal(10_000)


def test_generated_data_loads_and_the_floor_reports_the_services_figures(scratch_url: str):
    migrate.upgrade(scratch_url)
    engine = make_engine(scratch_url)
    try:
        counts = generate(engine, 1)
        assert counts["zones"] == 2000 and counts["projects"] > 30_000
        with engine.connect() as connection:
            floor = {
                row[0]: (row[1], Decimal(row[9]), Decimal(row[10]), row[11])
                for row in connection.execute(OCCUPANCY, {"d": AS_OF})
            }
            groups = list(connection.execute(INVESTMENT, {"d": AS_OF}))
            totals = list(connection.execute(INVESTMENT_TOTALS, {"d": AS_OF}))
            clearance_zones = [row[0] for row in connection.execute(CLEARANCE[0], {"d": AS_OF})]
            latest_records = {
                row[0]: (str(row[1]), Decimal(row[2]), str(row[6]) if row[6] else None)
                for row in connection.execute(CLEARANCE[1], {"d": AS_OF})
            }
            through_sqlalchemy, timed = floor_both_ways(connection)
        with TestClient(create_app(Settings(database_url=scratch_url), engine)) as http:
            response = http.get("/api/v1/reports/occupancy", params={"as_of": AS_OF})
            assert response.status_code == 200, response.text
            zones = response.json()["zones"]
            one = http.get(f"/api/v1/zones/{zones[0]['id']}", params={"as_of": AS_OF})
            assert one.status_code == 200, one.text
            clearance = http.get("/api/v1/reports/clearance", params={"as_of": AS_OF})
            assert clearance.status_code == 200, clearance.text
            investment = http.get("/api/v1/reports/investment", params={"as_of": AS_OF})
            assert investment.status_code == 200, investment.text
            # The benchmark's in-process column makes the very answers the service sends.
            made_here = route_bodies(engine, date.fromisoformat(AS_OF))
            assert made_here.keys() == REPORTS.keys()
            for name, path in REPORTS.items():
                sent = http.get(path, headers={"Accept-Encoding": "identity"})
                assert sent.status_code == 200, sent.text
                assert made_here[name]() == sent.content, name
    finally:
        engine.dispose()

    # The floor as the benchmark times it, on the bare driver, reads the very rows these
    # statements give through SQLAlchemy, report by report.
    assert timed.keys() == through_sqlalchemy.keys()
    for name, rows in through_sqlalchemy.items():
        assert timed[name] == rows, name
        assert len(rows) > 0, name

    assert len(zones) == len(floor) > 1000
    reported = {
        z["id"]: (
            z["code"],
            Decimal(str(z["leased_industrial_ha"])) * M2_PER_HA,
            Decimal(str(z["leased_service_ha"])) * M2_PER_HA,
            z["active_projects"],
        )
        for z in zones
    }
    assert reported == floor
    assert one.json()["leased_industrial_ha"] == zones[0]["leased_industrial_ha"]

    # The clearance floor: the same zones in the same order, and each zone's latest record
    # (its date, cleared area and the date of the last record that raised it).
    cleared = clearance.json()["zones"]
    assert [z["id"] for z in cleared] == clearance_zones
    assert len(latest_records) > 1000
    reported_records = {
        z["id"]: (
            z["last_recorded_on"],
            Decimal(str(z["cleared_ha"])) * M2_PER_HA,
            z["last_progress_on"],
        )
        for z in cleared
        if z["last_recorded_on"] is not None
    }
    assert reported_records == latest_records

    # The investment floor (areas in m2): its groups add up to the report's breakdowns and
    # totals, and the summary's floor (FDI or not, status) to the same totals.
    invested = investment.json()
    by_country: dict[str, tuple[int, Decimal]] = {}
    for country, _, _, projects, _, _, _, leased in groups:
        before = by_country.get(country, (0, Decimal(0)))
        by_country[country] = (before[0] + projects, before[1] + Decimal(leased))
    assert len(by_country) > 3
    assert {
        row["country"]: (row["projects"], Decimal(str(row["leased_ha"])) * M2_PER_HA)
        for row in invested["by_country"]
    } == by_country
    assert invested["projects"]["total"] == sum(g[3] for g in groups) == sum(t[2] for t in totals)
    assert invested["employees"] == sum(g[4] for g in groups) == sum(t[3] for t in totals)


def _rows(rows: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in rows]


def _any_order(rows: Any) -> list[tuple[Any, ...]]:
    """Rows of a statement that has no ORDER BY, in one order (None sorts among values)."""
    return sorted(_rows(rows), key=repr)


def floor_both_ways(connection: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each report's floor rows through SQLAlchemy (the statements as they are) and as the
    benchmark times them (bench.best_sql.floors), comparably: rows as tuples, put in one
    order where the statement has none, a report's statements one after another."""
    day = date.fromisoformat(AS_OF)
    points = history_points(date(2023, 7, 1), date(2024, 6, 30), "month")
    history_sql, history_params = history(points)

    def run(statement: Any, params: dict[str, Any] | None = None) -> list[Any]:
        return list(connection.execute(statement, params or {"d": day}))

    through_sqlalchemy = {
        "occupancy": _rows(run(OCCUPANCY)),
        "clearance": _rows(run(CLEARANCE[0])) + _any_order(run(CLEARANCE[1])),
        "investment": _any_order(run(INVESTMENT)),
        "occupancy/history": _any_order(run(history_sql, history_params)),
        "summary": _rows(run(OCCUPANCY))
        + _any_order(run(INVESTMENT_TOTALS))
        + _any_order(run(ZONE_COUNTS)),
    }
    connection.rollback()
    calls = floors(connection, day, points)
    zones, records = calls["clearance"]()
    _, changes = calls["occupancy/history"]()
    occupancy, _, totals, counts = calls["summary"]()
    timed = {
        "occupancy": _rows(calls["occupancy"]()),
        "clearance": _rows(zones) + _any_order(records),
        "investment": _any_order(calls["investment"]()),
        "occupancy/history": _any_order(changes),
        "summary": _rows(occupancy) + _any_order(totals) + _any_order(counts),
    }
    return through_sqlalchemy, timed
