"""Reports: the aggregates of app.reports.queries and app.land.queries, combined by the pure
arithmetic of app.land.rates into the contract's shapes. No FastAPI here."""

import calendar
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy.orm import Session

from app.kit.countries import DOMESTIC
from app.kit.db import driver_parts
from app.kit.errors import InvalidValues
from app.kit.json_out import WrittenList, read_back
from app.kit.text import search_fold
from app.kit.written_rows import WrittenRows
from app.land.blocks import occupancy_json
from app.land.clearance import stalled_before
from app.land.queries import lease_changes
from app.land.rates import (
    M2_PER_HA,
    RATE_UNITS,
    ZERO,
    rate_units,
    scaled_number,
)
from app.models.enums import ClearanceStatus, ProjectStatus, ZoneKind, ZoneStatus
from app.reports import queries
from app.reports.params import ZoneSelection
from app.reports.schemas import (
    ClearanceReport,
    ClearanceTotals,
    CountryRow,
    InvestmentReport,
    InvestmentTotals,
    ProjectCounts,
    RegisteredCapital,
    SectorRow,
    SummaryReport,
    TotalsByKind,
    ZoneCounts,
)

MAX_POINTS = 400


# Rows a report makes and writes at a time: a part written is then about 100 KB, under the
# size from which glibc maps fresh memory for each block (128 KiB, held by app.kit.memory), so
# the parts of one report after another reuse the same memory. Parts of 1,000 rows (400 KB)
# cost a national occupancy report 0.5 ms more, in fresh pages, on either database.
PART_ROWS = 250

# The occupancy report is built from plain rows in whole square metres, and written as JSON
# values directly (the OccupancyReport schema documents it; tests hold the two together):
# thousands of zones, no ORM object, no Decimal and no validation per figure, in one pass over
# the statement's rows that adds each zone's figures to its kind's sums as it goes.


@dataclass(slots=True)
class Sums:
    """What totals add up over zones: land and leased land (m2), zones, leases in effect,
    and the zone rates (units) with how many zones have one, for the plain means."""

    zones: int = 0
    total_m2: int = 0
    industrial_m2: int = 0
    service_m2: int = 0
    leased_industrial_m2: int = 0
    leased_service_m2: int = 0
    active_projects: int = 0
    rates: int = 0
    rated: int = 0
    rates_incl_service: int = 0
    rated_incl_service: int = 0

    def add_zones(
        self,
        figures: Sequence[Sequence[int]],
        rates: list[int | None],
        rates_incl_service: list[int | None],
    ) -> None:
        """Adds zones given column by column: `figures` are their total, industrial and
        service land, leased industrial and service land (m2) and leases in effect; the
        rates are theirs (units, None where a zone has none)."""
        total, industrial, service, leased_industrial, leased_service, active = figures
        self.zones += len(total)
        self.total_m2 += sum(total)
        self.industrial_m2 += sum(industrial)
        self.service_m2 += sum(service)
        self.leased_industrial_m2 += sum(leased_industrial)
        self.leased_service_m2 += sum(leased_service)
        self.active_projects += sum(active)
        self.rates += sum(filter(None, rates))
        self.rated += len(rates) - rates.count(None)
        self.rates_incl_service += sum(filter(None, rates_incl_service))
        self.rated_incl_service += len(rates_incl_service) - rates_incl_service.count(None)


# Sums' fields in order: a zone's land, then what its leases hold (the history adds them up
# by position: LAND_FIELDS and LEASE_FIELDS are where each group starts).
LAND = ("zones", "total_m2", "industrial_m2", "service_m2")
LEASES = (
    "leased_industrial_m2",
    "leased_service_m2",
    "active_projects",
    "rates",
    "rated",
    "rates_incl_service",
    "rated_incl_service",
)
assert Sums.__slots__ == LAND + LEASES
LAND_FIELDS, LEASE_FIELDS = 0, len(LAND)


def _by_kind() -> dict[str, Sums]:
    return {ZoneKind.PARK: Sums(), ZoneKind.CLUSTER: Sums()}


# Positions in a row of queries.occupancy_rows.
KIND, LAND_FIGURES, LONGITUDE, LATITUDE = 3, slice(6, 12), 12, 13


def _zones_held(
    session: Session,
    selection: ZoneSelection,
    day: date,
    by_kind: dict[str, Sums],
    *,
    coordinates: bool = False,
) -> Iterator[tuple[list[Any], list[int | None], list[int | None]]]:
    """The zones in the report (rows of queries.occupancy_rows), kind then code, a part of
    one kind at a time, with each zone's two rates (units). Each part adds its figures to
    its kind's sums in `by_kind` as it passes, column by column (`sum` and `count` over
    each column; only the rates are worked out zone by zone)."""
    units = RATE_UNITS
    result = queries.occupancy_rows(session, selection, day, coordinates=coordinates)
    for part in driver_parts(result, PART_ROWS):
        for kind, one_kind in groupby(part, itemgetter(KIND)):
            rows = list(one_kind)
            figures = list(zip(*rows, strict=True))[LAND_FIGURES]
            _, industrial, service, leased_industrial, leased_service, _ = figures
            # rate_units inline (half-up in 1/10,000ths; no rate without land): a call per
            # zone cost 2,000 zones 0.1 ms more; tests hold the two to the same figures.
            rates = [
                (2 * units * leased + land) // (2 * land) if land else None
                for leased, land in zip(leased_industrial, industrial, strict=True)
            ]
            rates_incl_service = [
                (2 * units * (li + ls) + (i + s)) // (2 * (i + s)) if i + s else None
                for li, ls, i, s in zip(
                    leased_industrial, leased_service, industrial, service, strict=True
                )
            ]
            by_kind[kind].add_zones(figures, rates, rates_incl_service)
            yield rows, rates, rates_incl_service


def _mean(total: int, count: int) -> int | float | None:
    """The plain mean of `count` rates adding up to `total` units (half-up), as a number."""
    if count == 0:
        return None
    return scaled_number((2 * total + count) // (2 * count), RATE_UNITS)


def _totals_json(sums: Sums, as_of: str) -> dict[str, Any]:
    leased = sums.leased_industrial_m2 + sums.leased_service_m2
    totals = occupancy_json(
        as_of,
        sums.industrial_m2,
        sums.leased_industrial_m2,
        sums.service_m2,
        sums.leased_service_m2,
        rate_units(sums.leased_industrial_m2, sums.industrial_m2),
        rate_units(leased, sums.industrial_m2 + sums.service_m2),
    )
    totals["zones"] = sums.zones
    totals["total_area_ha"] = scaled_number(sums.total_m2, M2_PER_HA)
    totals["active_projects"] = sums.active_projects
    totals["mean_occupancy_rate"] = _mean(sums.rates, sums.rated)
    totals["mean_occupancy_rate_incl_service"] = _mean(
        sums.rates_incl_service, sums.rated_incl_service
    )
    return totals


def _totals_by_kind_json(by_kind: dict[str, Sums], as_of: str) -> dict[str, Any]:
    park, cluster = by_kind[ZoneKind.PARK], by_kind[ZoneKind.CLUSTER]
    return {
        "park": _totals_json(park, as_of),
        "cluster": _totals_json(cluster, as_of),
        "all": _totals_json(_combined(park, cluster), as_of),
    }


def _combined(*parts: Sums) -> Sums:
    return Sums(*(sum(getattr(p, name) for p in parts) for name in Sums.__slots__))


def _zones_json(
    rows: Sequence[Any],
    rates: Sequence[int | None],
    rates_incl_service: Sequence[int | None],
    *,
    as_of: str,
) -> list[dict[str, Any]]:
    """A part's zones as the report's rows (JSON values): the occupancy block, then the zone.

    The figures are those of app.land.blocks.occupancy_json (each `scaled_number`), written
    out in one dictionary per zone: a call per figure, eight per zone, and a second dictionary
    merged into the first cost 2,000 zones 0.2-0.8 ms more (tests hold them to zone reads)."""
    ha, units = M2_PER_HA, RATE_UNITS
    zones: list[dict[str, Any]] = []
    append = zones.append
    for row, rate, rate_incl in zip(rows, rates, rates_incl_service, strict=True):
        zone_id, code, name, kind, province, status, total, industrial, service = row[:9]
        leased_industrial, leased_service, active = row[9:12]
        available = industrial + service - leased_industrial - leased_service
        append(
            {
                "as_of": as_of,
                "industrial_land_ha": industrial / ha if industrial % ha else industrial // ha,
                "leased_industrial_ha": (
                    leased_industrial / ha if leased_industrial % ha else leased_industrial // ha
                ),
                "service_land_ha": service / ha if service % ha else service // ha,
                "leased_service_ha": (
                    leased_service / ha if leased_service % ha else leased_service // ha
                ),
                "available_ha": available / ha if available % ha else available // ha,
                "occupancy_rate": (
                    None if rate is None else rate / units if rate % units else rate // units
                ),
                "occupancy_rate_incl_service": (
                    None
                    if rate_incl is None
                    else rate_incl / units
                    if rate_incl % units
                    else rate_incl // units
                ),
                "id": zone_id,
                "code": code,
                "name": name,
                "kind": kind,
                "province": province,
                "status": status,
                "total_area_ha": total / ha if total % ha else total // ha,
                "active_projects": active,
            }
        )
    return zones


# The occupancy and clearance reports' zones as written, remembered by the rows each is
# written from (app.kit.written_rows): one of each per worker, their budget set by
# create_app (remember_rows).
ZONE_ROWS = WrittenRows(0)
CLEARANCE_ROWS = WrittenRows(0)


def remember_rows(max_bytes: int) -> None:
    """The budget of the rows a worker remembers as written, shared evenly by the occupancy
    and the clearance report; what either remembers is dropped."""
    for rows in (ZONE_ROWS, CLEARANCE_ROWS):
        rows.resize(max_bytes // 2)


def _picked(positions: list[int], *columns: Sequence[Any]) -> list[Sequence[Any]]:
    """Each column's values at these positions (the columns themselves where those are all
    of them): the rows a part's WrittenRows asks to be made."""
    if len(positions) == len(columns[0]):
        return list(columns)
    return [[column[p] for p in positions] for column in columns]


def _zones_written(
    rows: list[Any], rates: list[int | None], rates_incl_service: list[int | None], as_of: str
) -> bytes:
    """A part's zones as the report's rows, written: those whose row is remembered as they
    are, the others made by `_zones_json` and written. Every row starts with the date, which
    is not remembered with it."""

    def make(positions: list[int]) -> list[dict[str, Any]]:
        return _zones_json(*_picked(positions, rows, rates, rates_incl_service), as_of=as_of)

    return ZONE_ROWS.part(rows, b'{"as_of":' + orjson.dumps(as_of) + b",", make)


def occupancy_totals(session: Session, selection: ZoneSelection, day: date) -> TotalsByKind:
    """Occupancy totals per kind on `day`, as decimals (plans and the summary use these)."""
    return TotalsByKind.model_validate(_occupancy_totals_json(session, selection, day))


def _occupancy_totals_json(session: Session, selection: ZoneSelection, day: date) -> dict[str, Any]:
    by_kind = _by_kind()
    for _ in _zones_held(session, selection, day, by_kind):
        pass
    return _totals_by_kind_json(by_kind, day.isoformat())


def occupancy_document(
    session: Session, selection: ZoneSelection, day: date, *, written: bool = False
) -> dict[str, Any]:
    """The occupancy report (schema: OccupancyReport) as JSON values, ready to write. With
    `written`, the zones' rows are written to JSON a part at a time as they are made
    (`_zones_written`: a WrittenList, which app.kit.json_out.json_bytes splices in), for an
    answer that is only written: a report over tens of thousands of zones never holds them
    all as values at once, and a zone whose row is unchanged since the worker last wrote it
    is not written again."""
    as_of = day.isoformat()
    by_kind = _by_kind()
    held = _zones_held(session, selection, day, by_kind)
    # Read whole before the totals: the parts add them up as they pass.
    zones: list[Any] | WrittenList = (
        WrittenList([_zones_written(*part, as_of) for part in held])
        if written
        else [zone for part in held for zone in _zones_json(*part, as_of=as_of)]
    )
    return {
        "as_of": as_of,
        "scope": selection.scope,
        "kind": selection.kind,
        "province": selection.province,
        "zones": zones,
        "totals": _totals_by_kind_json(by_kind, as_of),
    }


def occupancy_features(
    session: Session, selection: ZoneSelection, day: date
) -> list[tuple[float, float, dict[str, Any]]]:
    """The occupancy report's zone rows that have coordinates, with (longitude, latitude)."""
    as_of = day.isoformat()
    return [
        (row[LONGITUDE], row[LATITUDE], zone)
        for rows, rates, rates_incl_service in _zones_held(
            session, selection, day, _by_kind(), coordinates=True
        )
        for row, zone in zip(
            rows, _zones_json(rows, rates, rates_incl_service, as_of=as_of), strict=True
        )
        if row[LONGITUDE] is not None and row[LATITUDE] is not None
    ]


# History ---------------------------------------------------------------------------------


def history_points(start: date, end: date, interval: str) -> list[date]:
    """Each period's last day that lies inside [start, end]: the period end, or `end` for
    the last, unfinished period."""
    if start > end:
        raise InvalidValues("from", "must not be after to")
    months = {"month": 1, "quarter": 3, "year": 12}[interval]
    points: list[date] = []
    year, month = start.year, start.month
    month = ((month - 1) // months) * months + 1  # first month of the period holding start
    while True:
        last_month = month + months - 1
        period_end = date(year, last_month, calendar.monthrange(year, last_month)[1])
        points.append(min(period_end, end))
        if len(points) > MAX_POINTS:
            raise InvalidValues(
                "interval", f"the range holds more than {MAX_POINTS} points; use a longer interval"
            )
        if period_end >= end:
            return points
        month = last_month + 1
        if month > 12:
            year, month = year + 1, 1


def history_document(
    session: Session, selection: ZoneSelection, start: date, end: date, interval: str
) -> dict[str, Any]:
    """The history report (schema: HistoryReport) as JSON values, from one sweep over the
    lease events (land.queries.lease_changes) and one read of the zones' states: each zone
    costs one step per change of what it holds or of its state, not one per point. At each
    point a zone counts with its state then (land, and status and province for the
    selection), and not before it exists."""
    points = history_points(start, end, interval)
    wanted = search_fold(selection.province) if selection.province else None
    count = len(points)
    first, last = points[0], points[-1]
    spans: dict[int, list[tuple[int, int, ZoneKind, int, int, int]]] = {}
    for (
        zone_id,
        kind,
        valid_from,
        valid_to,
        status,
        province_key,
        total,
        industrial,
        service,
    ) in queries.zone_spans(session, selection, first, last):
        if status not in selection.statuses:
            continue
        if wanted is not None and province_key != wanted:
            continue
        begin = 0 if valid_from is None else bisect_left(points, valid_from)
        stop = count if valid_to is None else bisect_left(points, valid_to)
        if begin < stop:
            spans.setdefault(zone_id, []).append(
                (begin, stop, ZoneKind(kind), total, industrial, service)
            )
    # The changes come ordered by zone, as the spans do: each zone's are read as it is
    # reached, never all at once (43,733 rows at 10x gathered first took the report's
    # Python memory at its peak from 5.5 to 12.8 MB).
    changes = iter(lease_changes(session, queries.spanned_zone_ids(selection, first, last), points))
    pending = next(changes, None)
    # Per kind, a difference array over the points of the Sums fields (a row of them per
    # point, in Sums' order): a zone adds its figures where they start to hold and takes them
    # away where they stop. Its land (zones .. service_m2) holds over a state's span, what
    # its leases hold (leased_industrial_m2 .. rated_incl_service) from change to change.
    width = len(Sums.__slots__)
    steps = {kind: [[0] * width for _ in range(count + 1)] for kind in ZoneKind}

    def hold(kind: ZoneKind, first: int, last: int, offset: int, values: tuple[int, ...]) -> None:
        starts, stops = steps[kind][first], steps[kind][last]
        for n, value in enumerate(values, offset):
            starts[n] += value
            stops[n] -= value

    for zone_id, counted in spans.items():
        mine: list[tuple[int, int, int, int]] = []
        while pending is not None and pending[0] <= zone_id:
            if pending[0] == zone_id:
                mine.append((pending[1], pending[2], pending[3], pending[4]))
            pending = next(changes, None)
        held = [0, 0, 0]
        events = iter([*mine, (count, 0, 0, 0)])
        bucket, d_industrial, d_service, d_leases = next(events)
        for begin, stop, kind, total_m2, industrial, service in counted:
            hold(kind, begin, stop, LAND_FIELDS, (1, total_m2, industrial, service))
            cursor = begin
            while cursor < stop:
                while bucket <= cursor and bucket < count:
                    held = [held[0] + d_industrial, held[1] + d_service, held[2] + d_leases]
                    bucket, d_industrial, d_service, d_leases = next(events)
                upto = min(stop, bucket)
                rate = rate_units(held[0], industrial)
                rate_incl = rate_units(held[0] + held[1], industrial + service)
                hold(
                    kind,
                    cursor,
                    upto,
                    LEASE_FIELDS,
                    (
                        *held,
                        rate or 0,
                        rate is not None,
                        rate_incl or 0,
                        rate_incl is not None,
                    ),
                )
                cursor = upto
    running = {kind: [0] * len(Sums.__slots__) for kind in ZoneKind}
    result = []
    previous: dict[str, int] = {}
    for index, point in enumerate(points):
        as_of = point.isoformat()
        sums = {}
        for kind in ZoneKind:
            for n, step in enumerate(steps[kind][index]):
                running[kind][n] += step
            sums[str(kind)] = Sums(*running[kind])
        sums["all"] = _combined(sums["park"], sums["cluster"])
        entry: dict[str, Any] = {"as_of": as_of}
        for name in ("park", "cluster", "all"):
            leased = sums[name].leased_industrial_m2 + sums[name].leased_service_m2
            change = leased - previous[name] if name in previous else None
            entry[name] = _totals_json(sums[name], as_of) | {
                "net_absorption_ha": scaled_number(change, M2_PER_HA)
            }
            previous[name] = leased
        result.append(entry)
    return {
        "interval": interval,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "scope": selection.scope,
        "kind": selection.kind,
        "province": selection.province,
        "points": result,
    }


# Clearance -------------------------------------------------------------------------------


@dataclass(slots=True)
class ClearanceSums:
    """What the clearance totals add up over zones (areas in m2)."""

    required_m2: int = 0
    cleared_m2: int = 0
    not_started: int = 0
    in_progress: int = 0
    completed: int = 0
    stalled: int = 0
    households_total: int = 0
    households_relocated: int = 0
    compensation_paid_vnd: int = 0

    def add_zones(
        self,
        zones: Sequence[Sequence[Any]],
        records: list[Sequence[Any]],
        statuses: Sequence[str],
        stalled: Sequence[bool],
    ) -> None:
        """Adds zones given as their rows of queries.clearance_zones, their latest records
        (queries.latest_clearance), their statuses and whether each has stalled, column by
        column."""
        _, _, cleared, households, relocated, paid, _ = zip(*records, strict=True)
        self.required_m2 += sum(zone[4] for zone in zones)
        self.cleared_m2 += sum(cleared)
        self.not_started += statuses.count(ClearanceStatus.NOT_STARTED)
        self.in_progress += statuses.count(ClearanceStatus.IN_PROGRESS)
        self.completed += statuses.count(ClearanceStatus.COMPLETED)
        self.stalled += sum(stalled)
        self.households_total += sum(filter(None, households))
        self.households_relocated += sum(filter(None, relocated))
        self.compensation_paid_vnd += sum(filter(None, paid))

    def json(self) -> dict[str, Any]:
        return {
            "required_ha": scaled_number(self.required_m2, M2_PER_HA),
            "cleared_ha": scaled_number(self.cleared_m2, M2_PER_HA),
            "clearance_rate": scaled_number(
                rate_units(self.cleared_m2, self.required_m2), RATE_UNITS
            ),
            "not_started": self.not_started,
            "in_progress": self.in_progress,
            "completed": self.completed,
            "stalled": self.stalled,
            "households_total": self.households_total,
            "households_relocated": self.households_relocated,
            "compensation_paid_vnd": self.compensation_paid_vnd,
        }


# The latest record of a zone that has none: nothing cleared, no date.
NO_RECORD = (None, None, 0, None, None, None, None)


def _zones_and_records(
    session: Session, selection: ZoneSelection, day: date
) -> Iterator[tuple[Sequence[Any], list[Sequence[Any]]]]:
    """The zones of the clearance report, kind then code, a part at a time, each part with
    the latest record of each zone (two statements, areas in whole square metres)."""
    latest = queries.latest_clearance(session, selection, day)
    for part in driver_parts(queries.clearance_zones(session, selection, day), PART_ROWS):
        yield part, [latest.get(zone[0], NO_RECORD) for zone in part]


def _clearance_held(
    session: Session,
    selection: ZoneSelection,
    day: date,
    stall_days: int,
    sums: ClearanceSums,
) -> Iterator[tuple[Sequence[Any], list[Sequence[Any]], list[str], list[bool]]]:
    """The zones of the clearance report, kind then code, a part at a time, each with its
    latest record, its clearance status and whether it has stalled; each part adds its
    figures to `sums` as it passes, column by column.

    The status and the stall are app.land.clearance's (`clearance_status`, `is_stalled`),
    worked out inline as the rows have long had them, now for the totals too (tests hold
    each zone's to a zone read's)."""
    completed, not_started, in_progress = (
        ClearanceStatus.COMPLETED,
        ClearanceStatus.NOT_STARTED,
        ClearanceStatus.IN_PROGRESS,
    )
    stalled_since = stalled_before(day, stall_days)
    for part, records in _zones_and_records(session, selection, day):
        statuses: list[str] = [
            completed if record[2] >= zone[4] else not_started if record[2] == 0 else in_progress
            for zone, record in zip(part, records, strict=True)
        ]
        stalled: list[bool] = [
            status is in_progress and record[6] is not None and record[6] < stalled_since
            for status, record in zip(statuses, records, strict=True)
        ]
        sums.add_zones(part, records, statuses, stalled)
        yield part, records, statuses, stalled


def _clearance_json(
    part: Sequence[Any],
    records: Sequence[Sequence[Any]],
    statuses: Sequence[str],
    stalled: Sequence[bool],
) -> list[dict[str, Any]]:
    """A part's zones as the clearance report's rows (JSON values).

    The figures are those of a zone read's clearance block (app.land.blocks.clearance_fields:
    `scaled_number`, `rate_units`), from whole square metres, written out in one dictionary
    per zone: a Decimal and a call per figure cost 2,000 zones 1 ms more (tests hold the two
    together). The status (a str enum) and the dates are left as they are, for the JSON
    writer (orjson writes `completed` and `2024-06-30`) and the CSV and XLSX writers (a date
    cell) to write: turning them into text here cost 1 ms more."""
    ha, units = M2_PER_HA, RATE_UNITS
    rows = []
    for (zone_id, code, name, kind, required), record, status, stall in zip(
        part, records, statuses, stalled, strict=True
    ):
        _, recorded_on, cleared, households, relocated, paid, progressed_on = record
        rate = (2 * cleared * units + required) // (2 * required) if required else None
        rows.append(
            {
                "id": zone_id,
                "code": code,
                "name": name,
                "kind": kind,
                "required_ha": required / ha if required % ha else required // ha,
                "cleared_ha": cleared / ha if cleared % ha else cleared // ha,
                "clearance_rate": (
                    None if rate is None else rate / units if rate % units else rate // units
                ),
                "status": status,
                "last_recorded_on": recorded_on,
                "last_progress_on": progressed_on,
                "stalled": stall,
                "households_total": households,
                "households_relocated": relocated,
                "compensation_paid_vnd": paid,
            }
        )
    return rows


def _clearance_written(
    part: Sequence[Any], records: list[Sequence[Any]], statuses: list[str], stalled: list[bool]
) -> bytes:
    """A part's zones as the clearance report's rows, written: those whose zone, latest
    record and stall are remembered as they are (CLEARANCE_ROWS, by the zone's row, its
    record and whether it has stalled: its status follows from them), the others made by
    `_clearance_json` and written."""
    if CLEARANCE_ROWS.ignores(zone[0] for zone in part):  # before making their rows
        return orjson.dumps(_clearance_json(part, records, statuses, stalled))
    rows = [
        (*zone, *record[1:], stall)
        for zone, record, stall in zip(part, records, stalled, strict=True)
    ]

    def make(positions: list[int]) -> list[dict[str, Any]]:
        return _clearance_json(*_picked(positions, part, records, statuses, stalled))

    return CLEARANCE_ROWS.part(rows, b"{", make)


def clearance_document(
    session: Session,
    selection: ZoneSelection,
    day: date,
    stall_days: int,
    *,
    written: bool = False,
) -> dict[str, Any]:
    """The clearance report (schema: ClearanceReport) as JSON values. With `written`, the
    zones' rows are written to JSON a part at a time (as in `occupancy_document`); otherwise
    they are read back from their writing, since they hold dates and statuses as they are
    (`_clearance_json`): what a caller of the document sees is what a client
    of the API reads."""
    sums = ClearanceSums()
    held = _clearance_held(session, selection, day, stall_days, sums)
    # Read whole before the totals: the parts add them up as they pass.
    zones: list[Any] | WrittenList = (
        WrittenList([_clearance_written(*part) for part in held])
        if written
        else read_back(_clearance_json(*part) for part in held)
    )
    return {
        "as_of": day.isoformat(),
        "scope": selection.scope,
        "kind": selection.kind,
        "province": selection.province,
        "stall_days": stall_days,
        "zones": zones,
        "totals": sums.json(),
    }


def _clearance_totals_json(
    session: Session, selection: ZoneSelection, day: date, stall_days: int
) -> dict[str, Any]:
    """The clearance totals alone: each zone's status and stall, and no row made."""
    sums = ClearanceSums()
    for _ in _clearance_held(session, selection, day, stall_days, sums):
        pass
    return sums.json()


def clearance_report(
    session: Session, selection: ZoneSelection, day: date, stall_days: int
) -> ClearanceReport:
    """The clearance report as a validated model (for code that reads its figures)."""
    return ClearanceReport.model_validate(clearance_document(session, selection, day, stall_days))


def clearance_totals(
    session: Session, selection: ZoneSelection, day: date, stall_days: int
) -> ClearanceTotals:
    return ClearanceTotals.model_validate(
        _clearance_totals_json(session, selection, day, stall_days)
    )


# Investment ------------------------------------------------------------------------------


def investment_totals(session: Session, selection: ZoneSelection, day: date) -> InvestmentTotals:
    return _investment_totals(queries.investment_by_status(session, selection, day))


def _investment_totals(
    rows: Iterable[tuple[bool, str, int, int, Decimal | None, Decimal | None]],
) -> InvestmentTotals:
    """The totals from rows of (FDI or not, status, projects, employees, registered capital
    in USD and in VND), each combination in any number of rows."""
    by_status = dict.fromkeys(ProjectStatus, 0)
    counts = {True: 0, False: 0}
    capital = {(True, "USD"): ZERO, (True, "VND"): ZERO, (False, "USD"): ZERO, (False, "VND"): ZERO}
    employees = 0
    for fdi, status, projects, staff, usd, vnd in rows:
        fdi = bool(fdi)
        by_status[ProjectStatus(status)] += projects
        counts[fdi] += projects
        employees += int(staff)
        capital[(fdi, "USD")] += usd or ZERO
        capital[(fdi, "VND")] += vnd or ZERO
    return InvestmentTotals(
        projects=ProjectCounts(
            total=counts[True] + counts[False],
            fdi=counts[True],
            domestic=counts[False],
            by_status=by_status,
        ),
        registered_capital=RegisteredCapital(
            fdi_usd=capital[(True, "USD")],
            fdi_vnd=capital[(True, "VND")],
            domestic_usd=capital[(False, "USD")],
            domestic_vnd=capital[(False, "VND")],
        ),
        employees=employees,
    )


def _largest_first(pairs: Iterable[tuple[str | None, int, Decimal]]) -> list[tuple[Any, ...]]:
    """(key, projects, leased land) added up per key, the most leased land first, then by
    key (no key last)."""
    projects: dict[str | None, int] = {}
    leased: dict[str | None, Decimal] = {}
    for key, count, area in pairs:
        projects[key] = projects.get(key, 0) + count
        leased[key] = leased.get(key, ZERO) + area
    order = sorted(leased, key=lambda key: (-leased[key], key is None, key or ""))
    return [(key, projects[key], leased[key]) for key in order]


def investment_report(session: Session, selection: ZoneSelection, day: date) -> InvestmentReport:
    groups = queries.investment_groups(session, selection, day)
    totals = _investment_totals(
        (country != DOMESTIC, status, projects, staff, usd, vnd)
        for country, status, _, projects, staff, usd, vnd, _ in groups
    )
    by_country = _largest_first((g[0], g[3], g[7]) for g in groups)
    by_sector = _largest_first((g[2], g[3], g[7]) for g in groups)
    return InvestmentReport(
        as_of=day,
        scope=selection.scope,
        kind=selection.kind,
        province=selection.province,
        **totals.model_dump(),
        by_country=[
            CountryRow(country=country, projects=projects, leased_ha=leased)
            for country, projects, leased in by_country
        ],
        by_sector=[
            SectorRow(sector=sector, projects=projects, leased_ha=leased)
            for sector, projects, leased in by_sector
        ],
    )


# Summary ---------------------------------------------------------------------------------


def summary_document(
    session: Session, selection: ZoneSelection, day: date, stall_days: int
) -> dict[str, Any]:
    """The summary (schema: SummaryReport) as JSON values: zone counts, and the totals of
    the occupancy, clearance and investment reports."""
    by_kind_and_status = {kind: dict.fromkeys(ZoneStatus, 0) for kind in ZoneKind}
    for kind, status, count in queries.zone_counts(session, selection, day):
        by_kind_and_status[ZoneKind(kind)][ZoneStatus(status)] = count
    zones = ZoneCounts(
        total=sum(sum(s.values()) for s in by_kind_and_status.values()),
        by_kind={kind: sum(s.values()) for kind, s in by_kind_and_status.items()},
        by_status={
            status: sum(s[status] for s in by_kind_and_status.values()) for status in ZoneStatus
        },
        by_kind_and_status=by_kind_and_status,
    )
    return {
        "as_of": day.isoformat(),
        "scope": selection.scope,
        "kind": selection.kind,
        "province": selection.province,
        "zones": zones.model_dump(mode="json"),
        "occupancy": _occupancy_totals_json(session, selection, day),
        "clearance": _clearance_totals_json(session, selection, day, stall_days),
        "investment": investment_totals(session, selection, day).model_dump(mode="json"),
    }


def summary_report(
    session: Session, selection: ZoneSelection, day: date, stall_days: int
) -> SummaryReport:
    """The summary as a validated model (for code that reads its figures)."""
    return SummaryReport.model_validate(summary_document(session, selection, day, stall_days))
