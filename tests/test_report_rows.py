"""The occupancy and clearance reports write each zone's figures out row by row, from whole
square metres (app.reports.service), for speed over thousands of zones; a zone read makes the
same figures from decimals (app.land.blocks). Over zones whose figures are whole and
fractional hectares, the smallest area (0.0001 ha), land and requirements of nothing, leases
and clearing up to all of it, the two read alike, number for number and as JSON text (12, not
12.0)."""

from datetime import date
from typing import Any

import orjson
import pytest
from sqlalchemy import literal, select

from app.kit.db import driver_parts
from app.land.blocks import ClearanceBlock, OccupancyBlock
from app.reports import queries
from app.reports.params import ZoneSelection
from tests.factories import create_project, create_zone

AS_OF = "2024-06-30"
# What each report's row shares with a zone read: its block's fields (app.land.blocks), and
# for occupancy the zone's own.
OCCUPANCY_FIELDS = (
    *OccupancyBlock.model_fields,
    "code",
    "name",
    "kind",
    "province",
    "status",
    "total_area_ha",
    "active_projects",
)
CLEARANCE_FIELDS = tuple(ClearanceBlock.model_fields)

# (zone, leases as (land use, hectares), clearance records as (date, cleared hectares))
ZONES: list[tuple[dict[str, Any], list[tuple[str, Any]], list[tuple[str, Any]]]] = [
    (
        {
            "total_area_ha": 100.0001,
            "industrial_land_ha": 70.1234,
            "service_land_ha": 10.5,
            "clearance_required_ha": 0,
        },
        [("industrial", 0.0001), ("service", 10.5)],
        [],
    ),
    (
        {"total_area_ha": 5, "industrial_land_ha": 0, "service_land_ha": 0},
        [],
        [("2024-01-01", 0)],
    ),
    (
        {
            "total_area_ha": 40,
            "industrial_land_ha": 33.3333,
            "service_land_ha": 0.0001,
            "clearance_required_ha": 20.0002,
        },
        [("industrial", 11.1111), ("industrial", 11.1111), ("service", 0.0001)],
        [("2021-03-01", 7.5), ("2022-03-01", 20.0002)],
    ),
    (
        {
            "total_area_ha": 120,
            "industrial_land_ha": 50,
            "service_land_ha": 50,
            "clearance_required_ha": 40,
        },
        [("industrial", 50)],
        [("2023-05-01", 0)],
    ),
    (
        {
            "total_area_ha": 300,
            "industrial_land_ha": 3,
            "service_land_ha": 7,
            "clearance_required_ha": 40,
        },
        [("industrial", 1), ("service", 6.9999)],
        [("2020-01-01", 13.3333), ("2024-06-01", 13.3333)],
    ),
    (
        {
            "total_area_ha": 10,
            "industrial_land_ha": 9,
            "service_land_ha": 1,
            "clearance_required_ha": 3,
        },
        [],
        [("2024-04-01", 1), ("2024-06-30", 2)],
    ),
]


def as_text(values: dict[str, Any], fields: tuple[str, ...]) -> dict[str, bytes]:
    return {field: orjson.dumps(values[field]) for field in fields}


@pytest.fixture
def zones(client) -> list[dict[str, Any]]:
    made = []
    for zone_fields, leases, records in ZONES:
        zone = create_zone(client, **zone_fields)
        for land_use, hectares in leases:
            create_project(client, zone["id"], land_use=land_use, leased_ha=hectares)
        for recorded_on, cleared in records:
            response = client.post(
                f"/api/v1/zones/{zone['id']}/clearance",
                json={"recorded_on": recorded_on, "cleared_ha": cleared},
            )
            assert response.status_code == 201, response.text
        made.append(zone)
    return made


def zone_read(client, zone_id: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/zones/{zone_id}", params={"as_of": AS_OF})
    assert response.status_code == 200, response.text
    read: dict[str, Any] = response.json()
    return read


def report_rows(client, name: str) -> dict[int, dict[str, Any]]:
    response = client.get(f"/api/v1/reports/{name}", params={"as_of": AS_OF})
    assert response.status_code == 200, response.text
    return {row["id"]: row for row in response.json()["zones"]}


def test_occupancy_rows_read_as_zone_reads(client, zones):
    rows = report_rows(client, "occupancy")
    for zone in zones:
        read = zone_read(client, zone["id"]) | {"as_of": AS_OF}
        assert as_text(rows[zone["id"]], OCCUPANCY_FIELDS) == as_text(read, OCCUPANCY_FIELDS)
    # The figures the cases are there for, as the report writes them.
    first, empty, thirds, full, _, _ = (rows[zone["id"]] for zone in zones)
    assert (first["leased_industrial_ha"], first["total_area_ha"]) == (0.0001, 100.0001)
    assert (empty["occupancy_rate"], empty["occupancy_rate_incl_service"]) == (None, None)
    assert thirds["occupancy_rate"] == 0.6667
    assert orjson.dumps(full["occupancy_rate"]) == b"1"
    assert orjson.dumps(full["available_ha"]) == b"50"


def test_clearance_rows_read_as_zone_reads(client, zones):
    rows = report_rows(client, "clearance")
    for zone in zones:
        read = zone_read(client, zone["id"])["clearance"]
        assert as_text(rows[zone["id"]], CLEARANCE_FIELDS) == as_text(read, CLEARANCE_FIELDS)
    statuses = [(rows[z["id"]]["status"], rows[z["id"]]["stalled"]) for z in zones]
    assert statuses == [
        ("completed", False),  # nothing to clear
        ("not_started", False),  # a record of nothing
        ("completed", False),
        ("not_started", False),
        ("in_progress", True),  # no progress since 2020
        ("in_progress", False),
    ]
    assert rows[zones[0]["id"]]["clearance_rate"] is None
    assert rows[zones[4]["id"]]["clearance_rate"] == 0.3333


@pytest.mark.parametrize("statement", ["occupancy", "clearance"])
def test_the_reports_rows_read_from_the_driver_are_those_sqlalchemy_reads(
    session, zones, statement
):
    """The two statements whose rows the reports take straight from the driver cursor
    (app.kit.db.driver_parts) hold nothing SQLAlchemy would convert but enums, whose text is
    the same str: the same rows either way, in parts of the size asked, the result closed."""
    selection, day = ZoneSelection(), date.fromisoformat(AS_OF)
    run = {"occupancy": queries.occupancy_rows, "clearance": queries.clearance_zones}[statement]
    converted = [tuple(row) for row in run(session, selection, day)]
    assert len(converted) == len(ZONES)
    result = run(session, selection, day)
    parts = list(driver_parts(result, 4))
    assert [len(part) for part in parts] == [4, 2]
    assert [tuple(row) for part in parts for row in part] == converted
    assert all(
        type(value) in (int, str, type(None)) for part in parts for row in part for value in row
    )
    assert result.closed


def test_driver_parts_refuses_a_result_that_is_not_a_cursors(session):
    result = session.connection().execute(select(literal(1))).freeze()()
    with pytest.raises(TypeError, match="driver_parts needs"):
        next(driver_parts(result, 10))
