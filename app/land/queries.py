"""The one module that writes SQL over leases and clearance records.

A project's lease is in effect on D when lease_start <= D < end, end being the earlier of
terminated_on and lease_end (open when both are null). `in_effect_on` is the one SQL form of
that rule; app.land.capacity.Lease is its pure twin.

Every aggregate here is one query whatever the number of projects or records: the database
sums, Python receives a few rows per zone. Zones, reports and plans all read land through
these functions, and every write that moves land takes `lock_zone` first.

The statements of a single-zone read are built once, at import, with named parameters
(`DAY`, `IDS`), and run with their values: building a statement from its expressions costs
several times what SQLite then takes to answer it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Row,
    Select,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import BindParameter

from app.land.capacity import Land, Lease, lease_end
from app.land.clearance import Clearance, last_progress
from app.land.rates import ZERO, Occupancy
from app.models import ClearanceRecord, Project, Zone, ZoneState
from app.models.enums import LandUse

# Rows fetched at a time from the driver by a statement read as it comes (yield_per).
FETCH_ROWS = 1000


def in_effect_on(day: date | ColumnElement[date]) -> ColumnElement[bool]:
    """Leases in effect on `day`, a date or a date column (e.g. report points)."""
    return and_(
        Project.lease_start <= day,
        or_(Project.lease_end.is_(None), Project.lease_end > day),
        or_(Project.terminated_on.is_(None), Project.terminated_on > day),
    )


def state_on(
    day: date | ColumnElement[date], state: type[ZoneState] = ZoneState
) -> ColumnElement[bool]:
    """The zone state in effect on `day` (join ZoneState, or an alias of it given as
    `state`, on zone_id and this)."""
    return and_(
        or_(state.valid_from.is_(None), state.valid_from <= day),
        or_(state.valid_to.is_(None), state.valid_to > day),
    )


def state_of_zone(session: Session, zone_id: int, day: date) -> ZoneState | None:
    """The zone's time-varying values in effect on `day` (None before it exists)."""
    return session.scalars(
        select(ZoneState).where(ZoneState.zone_id == zone_id, state_on(day))
    ).one_or_none()


def lease_spans_m2(session: Session, zone_id: int) -> Iterable[tuple[str, date, date | None, int]]:
    """Every lease of one zone, past and future: land use, start, exclusive end (the earlier
    of expiry and termination; None when open) and area in whole square metres, read as the
    rows come (a zone's lease trees are rebuilt from them)."""
    query = select(
        Project.land_use, Project.lease_start, lease_end_column(), m2(Project.leased_ha)
    ).where(Project.zone_id == zone_id)
    return session.connection().execute(query).yield_per(FETCH_ROWS)


def least_required_from(session: Session, zone_id: int, day: date) -> Decimal | None:
    """The least area needing clearance on any day from `day` on (None when the zone does
    not exist on `day`): the most a cumulative clearance record of that day may state."""
    if state_of_zone(session, zone_id, day) is None:
        return None
    return session.scalar(
        select(func.min(ZoneState.clearance_required_ha)).where(
            ZoneState.zone_id == zone_id,
            or_(ZoneState.valid_to.is_(None), ZoneState.valid_to > day),
        )
    )


def land_of_zone(session: Session, zone_id: int, land_use: str) -> list[Land]:
    """The zone's leasable land of one use over time, as pure values."""
    column = (
        ZoneState.industrial_land_ha
        if land_use == LandUse.INDUSTRIAL
        else ZoneState.service_land_ha
    )
    rows = session.execute(
        select(ZoneState.valid_from, ZoneState.valid_to, column).where(ZoneState.zone_id == zone_id)
    )
    return [Land(start, end, area) for start, end, area in rows]


def lock_zone(session: Session, zone_id: int) -> Zone | None:
    """Load a zone and hold its row lock until the transaction ends.

    On PostgreSQL this is SELECT ... FOR UPDATE, so writers that change the same zone's
    leases queue behind each other and each sees the others' committed leases. SQLite ignores
    FOR UPDATE; there every write transaction starts with BEGIN IMMEDIATE (see app.kit.db), which
    already admits one writer at a time.
    """
    return session.scalars(
        select(Zone)
        .where(Zone.id == zone_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def zone_leases(session: Session, zone_id: int, land_use: str) -> list[Lease]:
    """The leases of one land use in one zone, past and future, as pure values."""
    query = select(
        Project.lease_start, Project.lease_end, Project.terminated_on, Project.leased_ha
    ).where(Project.zone_id == zone_id, Project.land_use == land_use)
    return [
        Lease(start=start, end=lease_end(end, terminated), area_ha=area)
        for start, end, terminated, area in session.execute(query)
    ]


ZoneIds = Iterable[int] | Select[int]


def _ids(zone_ids: ZoneIds) -> list[int] | Select[int]:
    return zone_ids if isinstance(zone_ids, Select) else list(zone_ids)


def leased_by_zone(
    session: Session, ids: list[int], day: date
) -> dict[int, tuple[Decimal, Decimal, int]]:
    """(leased industrial, leased service, leases in effect) on `day`, per zone with leases
    among `ids` (zone reads and lists; reports join held_by_zone to the zones instead)."""
    if not ids:
        return {}
    rows = session.execute(_LEASED_BY_ZONE, {"ids": ids, "day": day})
    return {zone_id: (industrial, service, count) for zone_id, industrial, service, count in rows}


def m2(column: ColumnElement[Any] | InstrumentedAttribute[Any]) -> ColumnElement[int]:
    """An area column (or a sum of one) as whole square metres: a plain integer, with no
    Decimal made per value (reports over thousands of zones add integers)."""
    return cast(column, BigInteger)


def held_by_zone(day: date | ColumnElement[date]) -> Subquery:
    """Per zone holding land on `day`: leased industrial and service land in whole square
    metres, and the leases in effect (columns zone_id, leased_industrial_m2,
    leased_service_m2, active_projects). One aggregate, for joining to the zones."""
    return (
        select(
            Project.zone_id,
            m2(_sum_leased(LandUse.INDUSTRIAL)).label("leased_industrial_m2"),
            m2(_sum_leased(LandUse.SERVICE)).label("leased_service_m2"),
            func.count().label("active_projects"),
        )
        .where(in_effect_on(day))
        .group_by(Project.zone_id)
        .subquery("held")
    )


def _sum_leased(land_use: LandUse) -> ColumnElement[Decimal]:
    # The CASE takes the area column's type from its first branch, so sums come back in ha.
    return func.sum(case((Project.land_use == land_use, Project.leased_ha), else_=0))


def lease_end_column() -> ColumnElement[date]:
    """A lease's exclusive end in SQL: the earlier of its termination and expiry (null when
    both are), twin of app.land.capacity.lease_end."""
    return case(
        (
            and_(
                Project.terminated_on.is_not(None),
                or_(Project.lease_end.is_(None), Project.terminated_on < Project.lease_end),
            ),
            Project.terminated_on,
        ),
        else_=Project.lease_end,
    )


def industrial_lease_events(zone_ids: Select[Any], day: date) -> Subquery:
    """Every start (+area) and end (-area, expiry or termination) of an industrial lease of
    the zones on or before `day`, in whole square metres (columns zone_id, day, delta)."""
    end = lease_end_column()
    mine = (
        Project.zone_id.in_(zone_ids),
        Project.land_use == LandUse.INDUSTRIAL,
        Project.lease_start <= day,
    )
    area = m2(Project.leased_ha)
    starts = select(
        Project.zone_id.label("zone_id"), Project.lease_start.label("day"), area.label("delta")
    ).where(*mine)
    ends = select(Project.zone_id, end, -area).where(*mine, end.is_not(None), end <= day)
    return union_all(starts, ends).subquery("lease_events")


def lease_changes(
    session: Session, zone_ids: Select[int], points: Sequence[date]
) -> Iterable[Row[int, int, int, int, int]]:
    """How what the zones' leases hold changes between the report points, in one sweep over
    the lease events: rows (zone, bucket, change of leased industrial m2, of leased service
    m2, of leases in effect), bucket i holding the changes that first count at points[i].

    A lease counts at point p when start <= p < end: its start adds from the first point on
    or after it, its end (expiry or termination, whichever comes first) takes away from the
    first point on or after that. Adding a zone's buckets up to i gives what it holds at
    points[i]; the rows are one per zone and bucket with a change, never one per lease.
    """

    def bucket(day: ColumnElement[date] | InstrumentedAttribute[date]) -> ColumnElement[int]:
        return case(*((day <= point, index) for index, point in enumerate(points)))

    last = points[-1]
    end = lease_end_column()
    industrial = case((Project.land_use == LandUse.INDUSTRIAL, m2(Project.leased_ha)), else_=0)
    service = case((Project.land_use == LandUse.SERVICE, m2(Project.leased_ha)), else_=0)
    mine = Project.zone_id.in_(zone_ids)
    starts = select(
        Project.zone_id,
        bucket(Project.lease_start).label("bucket"),
        industrial.label("industrial"),
        service.label("service"),
        literal(1).label("leases"),
    ).where(mine, Project.lease_start <= last)
    ends = select(
        Project.zone_id,
        bucket(end).label("bucket"),
        (-industrial).label("industrial"),
        (-service).label("service"),
        literal(-1).label("leases"),
    ).where(mine, Project.lease_start <= last, end.is_not(None), end <= last)
    events = union_all(starts, ends).subquery("events")
    query = (
        select(
            events.c.zone_id,
            events.c.bucket,
            m2(func.sum(events.c.industrial)),
            m2(func.sum(events.c.service)),
            m2(func.sum(events.c.leases)),
        )
        .group_by(events.c.zone_id, events.c.bucket)
        .order_by(events.c.zone_id, events.c.bucket)
    )
    return session.connection().execute(query).yield_per(FETCH_ROWS)  # read once, as they come


def leased_industrial_of_zone(day: date) -> ColumnElement[Decimal]:
    """A scalar subquery, correlated to Zone: the industrial land its leases hold on `day`
    (for ordering zones by occupancy in SQL)."""
    return (
        select(func.sum(Project.leased_ha))
        .where(
            Project.zone_id == Zone.id,
            Project.land_use == LandUse.INDUSTRIAL,
            in_effect_on(day),
        )
        .correlate(Zone)
        .scalar_subquery()
    )


def cleared_records(session: Session, zone_id: int) -> list[tuple[date, Decimal]]:
    """(recorded_on, cleared_ha) of every clearance record of the zone, oldest first."""
    rows = session.execute(
        select(ClearanceRecord.recorded_on, ClearanceRecord.cleared_ha)
        .where(ClearanceRecord.zone_id == zone_id)
        .order_by(ClearanceRecord.recorded_on)
    )
    return [(day, cleared) for day, cleared in rows]


@dataclass(frozen=True, slots=True)
class LatestClearance:
    recorded_on: date
    cleared_ha: Decimal
    last_progress_on: date | None
    households_total: int | None
    households_relocated: int | None
    compensation_paid_vnd: int | None


# What a clearance record says, as the reads of the latest record select it.
_RECORD_COLUMNS = (
    ClearanceRecord.zone_id,
    ClearanceRecord.recorded_on,
    ClearanceRecord.cleared_ha,
    ClearanceRecord.households_total,
    ClearanceRecord.households_relocated,
    ClearanceRecord.compensation_paid_vnd,
)


def clearance_by_zone(session: Session, zone_ids: ZoneIds, day: date) -> dict[int, LatestClearance]:
    """The latest clearance record on or before `day`, and the date of the latest record
    that raised the cleared area, per zone that has records."""
    ids = _ids(zone_ids)
    if isinstance(ids, list):
        return _few_zones_clearance(session, ids, day)
    return {
        row.zone_id: LatestClearance(
            recorded_on=row.recorded_on,
            cleared_ha=row.cleared_ha,
            last_progress_on=row.last_progress_on,
            households_total=row.households_total,
            households_relocated=row.households_relocated,
            compensation_paid_vnd=row.compensation_paid_vnd,
        )
        for row in session.execute(_latest_records(ids, day, ClearanceRecord.cleared_ha.expression))
    }


def latest_records_m2(zone_ids: Select[Any], day: date | ColumnElement[date]) -> Select[Any]:
    """clearance_by_zone's statement for a report over many zones (a report builds it once
    and binds its date), its rows in this order: zone_id, recorded_on, cleared_ha in whole
    square metres, households_total, households_relocated, compensation_paid_vnd,
    last_progress_on (no Decimal made per record; read by position, the cheapest way to a
    row's values)."""
    return _latest_records(zone_ids, day, m2(ClearanceRecord.cleared_ha))


def _latest_records(
    zone_ids: Select[Any], day: date | ColumnElement[date], cleared: ColumnElement[Any]
) -> Select[Any]:
    """The latest record on or before `day` of each of the zones, with the date of the
    latest record that raised the cleared area, in the database. One window pass gives each
    record the cleared area of the one before it; grouped by zone, the records give their
    latest date and the latest date that raised the area; the latest record itself is then
    read by its key (a zone has one record a day). Finding the latest record by a second
    window (row_number) and carrying every column through both took twice as long: over
    2,000 zones 11.1 ms against 6.9 on PostgreSQL, 29.8 against 13.4 on SQLite; at ten
    times that, 121 against 77 and 324 against 151."""
    record = ClearanceRecord
    ordered = (
        select(
            record.zone_id,
            record.recorded_on,
            record.cleared_ha,
            func.lag(record.cleared_ha)
            .over(partition_by=record.zone_id, order_by=record.recorded_on)
            .label("previous_ha"),
        )
        .where(record.zone_id.in_(zone_ids), record.recorded_on <= day)
        .subquery("ordered")
    )
    raised = ordered.c.cleared_ha > func.coalesce(ordered.c.previous_ha, 0)
    latest = (
        select(
            ordered.c.zone_id,
            func.max(ordered.c.recorded_on).label("recorded_on"),
            func.max(case((raised, ordered.c.recorded_on))).label("last_progress_on"),
        )
        .group_by(ordered.c.zone_id)
        .subquery("latest")
    )
    return select(
        record.zone_id,
        record.recorded_on,
        cleared.label("cleared_ha"),
        record.households_total,
        record.households_relocated,
        record.compensation_paid_vnd,
        latest.c.last_progress_on,
    ).join(
        latest,
        and_(record.zone_id == latest.c.zone_id, record.recorded_on == latest.c.recorded_on),
    )


@dataclass(frozen=True, slots=True)
class ZoneOccupancy:
    """What a zone's leases hold on a date."""

    occupancy: Occupancy
    active_projects: int


@dataclass(frozen=True, slots=True)
class ZoneFigures:
    """What a zone read shows: occupancy, leases in effect and clearance on a date."""

    occupancy: Occupancy
    active_projects: int
    clearance: Clearance


def occupancy_by_zone(
    session: Session, zones: Iterable[ZoneState], day: date
) -> dict[int, ZoneOccupancy]:
    """The occupancy of each of a few zones (their states on `day`) on `day`: one query."""
    by_id = {zone.zone_id: zone for zone in zones}
    leased = leased_by_zone(session, list(by_id), day)
    held = {}
    for zone_id, zone in by_id.items():
        industrial, service, active = leased.get(zone_id, (ZERO, ZERO, 0))
        occupancy = Occupancy(
            industrial_land_ha=zone.industrial_land_ha,
            leased_industrial_ha=industrial,
            service_land_ha=zone.service_land_ha,
            leased_service_ha=service,
        )
        held[zone_id] = ZoneOccupancy(occupancy, active)
    return held


def clearance_of_zones(
    session: Session, zones: Iterable[ZoneState], day: date
) -> dict[int, Clearance]:
    """The clearance of each of a few zones (their states on `day`) on `day`: one query."""
    by_id = {zone.zone_id: zone for zone in zones}
    cleared = clearance_by_zone(session, list(by_id), day)
    result = {}
    for zone_id, zone in by_id.items():
        latest = cleared.get(zone_id)
        result[zone_id] = Clearance(
            required_ha=zone.clearance_required_ha,
            cleared_ha=latest.cleared_ha if latest else ZERO,
            last_recorded_on=latest.recorded_on if latest else None,
            last_progress_on=latest.last_progress_on if latest else None,
        )
    return result


def _few_zones_clearance(
    session: Session, zone_ids: list[int], day: date
) -> dict[int, LatestClearance]:
    """clearance_by_zone for a few named zones (a zone read, a page of a list): their records
    in date order, folded in Python by land.clearance.last_progress; one indexed range read
    instead of the window passes a report over thousands of zones needs."""
    if not zone_ids:
        return {}
    rows = session.execute(_RECORDS_OF_ZONES, {"ids": zone_ids, "day": day}).all()
    by_zone: dict[int, list[Any]] = {}
    for row in rows:
        by_zone.setdefault(row.zone_id, []).append(row)
    return {
        zone_id: LatestClearance(
            recorded_on=records[-1].recorded_on,
            cleared_ha=records[-1].cleared_ha,
            last_progress_on=last_progress([(r.recorded_on, r.cleared_ha) for r in records]),
            households_total=records[-1].households_total,
            households_relocated=records[-1].households_relocated,
            compensation_paid_vnd=records[-1].compensation_paid_vnd,
        )
        for zone_id, records in by_zone.items()
    }


def figures_by_zone(
    session: Session, zones: Iterable[ZoneState], day: date
) -> dict[int, ZoneFigures]:
    """Occupancy and clearance of each zone (its state on `day`) on `day`: two queries for
    any number of zones."""
    zones = list(zones)
    held = occupancy_by_zone(session, zones, day)
    cleared = clearance_of_zones(session, zones, day)
    return {
        zone.zone_id: ZoneFigures(
            held[zone.zone_id].occupancy, held[zone.zone_id].active_projects, cleared[zone.zone_id]
        )
        for zone in zones
    }


# Parameters of the statements built once (run with {"day": …, "ids": [...]}).
DAY = bindparam("day", type_=Date)
IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)

_LEASED_BY_ZONE = (
    select(
        Project.zone_id,
        _sum_leased(LandUse.INDUSTRIAL),
        _sum_leased(LandUse.SERVICE),
        func.count(),
    )
    .where(Project.zone_id.in_(IDS), in_effect_on(DAY))
    .group_by(Project.zone_id)
)
_RECORDS_OF_ZONES = (
    select(*_RECORD_COLUMNS)
    .where(ClearanceRecord.zone_id.in_(IDS), ClearanceRecord.recorded_on <= DAY)
    .order_by(ClearanceRecord.zone_id, ClearanceRecord.recorded_on)
)
