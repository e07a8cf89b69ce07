"""SQL aggregates over leases and clearance records, per zone, returning plain values.

Each function is one query whatever the number of projects or records: the database sums,
Python only receives a few rows per zone. Zone reads and every report use these.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from app.leases import in_effect_on
from app.models import ClearanceRecord, Project, Zone
from app.occupancy import ZERO, Clearance, Occupancy


@dataclass(frozen=True, slots=True)
class ZoneFigures:
    """What a zone holds on a date: its occupancy, leases in effect, and clearance."""

    occupancy: Occupancy
    active_projects: int
    clearance: Clearance
    households_total: int | None = None
    households_relocated: int | None = None
    compensation_paid_vnd: int | None = None


ZoneIds = Iterable[int] | Select[tuple[int]]


def _ids(zone_ids: ZoneIds) -> list[int] | Select[tuple[int]]:
    return zone_ids if isinstance(zone_ids, Select) else list(zone_ids)


def leased_by_zone(
    session: Session, zone_ids: ZoneIds, day: date
) -> dict[int, tuple[Decimal, Decimal, int]]:
    """(leased industrial, leased service, leases in effect) on `day`, per zone with leases."""
    ids = _ids(zone_ids)
    if isinstance(ids, list) and not ids:
        return {}
    rows = session.execute(
        select(
            Project.zone_id,
            _sum_leased("industrial"),
            _sum_leased("service"),
            func.count(),
        )
        .where(Project.zone_id.in_(ids), in_effect_on(day))
        .group_by(Project.zone_id)
    )
    return {zone_id: (industrial, service, count) for zone_id, industrial, service, count in rows}


def _sum_leased(land_use: str) -> ColumnElement[Decimal]:
    # The CASE takes the area column's type from its first branch, so sums come back in ha.
    return func.sum(case((Project.land_use == land_use, Project.leased_ha), else_=0))


@dataclass(frozen=True, slots=True)
class LatestClearance:
    recorded_on: date
    cleared_ha: Decimal
    last_progress_on: date | None
    households_total: int | None
    households_relocated: int | None
    compensation_paid_vnd: int | None


def clearance_by_zone(session: Session, zone_ids: ZoneIds, day: date) -> dict[int, LatestClearance]:
    """The latest clearance record on or before `day`, and the date of the latest record
    that raised the cleared area, per zone that has records."""
    ids = _ids(zone_ids)
    if isinstance(ids, list) and not ids:
        return {}
    record = ClearanceRecord
    # Three levels of one window pass each (windows cannot nest): the previous record's
    # cleared area; then the latest date that raised it; then the latest record per zone.
    ordered = (
        select(
            record.zone_id,
            record.recorded_on,
            record.cleared_ha,
            record.households_total,
            record.households_relocated,
            record.compensation_paid_vnd,
            func.lag(record.cleared_ha)
            .over(partition_by=record.zone_id, order_by=record.recorded_on)
            .label("previous_ha"),
            func.row_number()
            .over(partition_by=record.zone_id, order_by=record.recorded_on.desc())
            .label("recency"),
        )
        .where(record.zone_id.in_(ids), record.recorded_on <= day)
        .subquery("ordered")
    )
    raised = ordered.c.cleared_ha > func.coalesce(ordered.c.previous_ha, 0)
    with_progress = select(
        ordered,
        func.max(case((raised, ordered.c.recorded_on)))
        .over(partition_by=ordered.c.zone_id)
        .label("last_progress_on"),
    ).subquery("with_progress")
    rows = session.execute(select(with_progress).where(with_progress.c.recency == 1))
    return {
        row.zone_id: LatestClearance(
            recorded_on=row.recorded_on,
            cleared_ha=row.cleared_ha,
            last_progress_on=row.last_progress_on,
            households_total=row.households_total,
            households_relocated=row.households_relocated,
            compensation_paid_vnd=row.compensation_paid_vnd,
        )
        for row in rows
    }


def figures_by_zone(
    session: Session, zones: Iterable[Zone], day: date, *, selected: ZoneIds | None = None
) -> dict[int, ZoneFigures]:
    """Occupancy and clearance of each zone on `day`: two queries for any number of zones.

    `selected`, a query of the zones' ids, lets the database select them itself instead of
    receiving a long list of ids (reports over thousands of zones).
    """
    by_id = {zone.id: zone for zone in zones}
    leased = leased_by_zone(session, by_id if selected is None else selected, day)
    cleared = clearance_by_zone(session, by_id if selected is None else selected, day)
    figures = {}
    for zone_id, zone in by_id.items():
        industrial, service, active = leased.get(zone_id, (ZERO, ZERO, 0))
        latest = cleared.get(zone_id)
        figures[zone_id] = ZoneFigures(
            occupancy=Occupancy(
                industrial_land_ha=zone.industrial_land_ha,
                leased_industrial_ha=industrial,
                service_land_ha=zone.service_land_ha,
                leased_service_ha=service,
            ),
            active_projects=active,
            clearance=Clearance(
                required_ha=zone.clearance_required_ha,
                cleared_ha=latest.cleared_ha if latest else ZERO,
                last_recorded_on=latest.recorded_on if latest else None,
                last_progress_on=latest.last_progress_on if latest else None,
            ),
            households_total=latest.households_total if latest else None,
            households_relocated=latest.households_relocated if latest else None,
            compensation_paid_vnd=latest.compensation_paid_vnd if latest else None,
        )
    return figures
