"""Reports: the aggregates of app.reports.queries and app.land.queries, combined by the pure
arithmetic of app.land.rates into the contract's shapes. No FastAPI here."""

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from app.kit.errors import InvalidValues
from app.land.blocks import clearance_fields, occupancy_fields
from app.land.queries import (
    ZoneClearance,
    clearance_of_zones,
    leased_at_points,
    occupancy_by_zone,
)
from app.land.rates import (
    ZERO,
    Occupancy,
    mean_rate,
    rate,
    total,
)
from app.models import Zone
from app.models.enums import ClearanceStatus, ProjectStatus, ZoneKind, ZoneStatus
from app.reports import queries
from app.reports.params import ZoneSelection
from app.reports.schemas import (
    ClearanceReport,
    ClearanceRow,
    ClearanceTotals,
    CountryRow,
    HistoryPoint,
    HistoryReport,
    HistoryTotals,
    InvestmentReport,
    InvestmentTotals,
    OccupancyReport,
    OccupancyRow,
    OccupancyTotals,
    ProjectCounts,
    RegisteredCapital,
    SectorRow,
    SummaryReport,
    TotalsByKind,
    ZoneCounts,
)

MAX_POINTS = 400


@dataclass(frozen=True, slots=True)
class ZoneOnDate:
    zone: Zone
    occupancy: Occupancy
    active_projects: int


def _totals(items: Sequence[ZoneOnDate], day: date) -> OccupancyTotals:
    summed = total(item.occupancy for item in items)
    return OccupancyTotals(
        as_of=day,
        **occupancy_fields(summed),
        zones=len(items),
        total_area_ha=sum((item.zone.total_area_ha for item in items), ZERO),
        active_projects=sum(item.active_projects for item in items),
        mean_occupancy_rate=mean_rate(item.occupancy.occupancy_rate for item in items),
        mean_occupancy_rate_incl_service=mean_rate(
            item.occupancy.occupancy_rate_incl_service for item in items
        ),
    )


def _totals_by_kind(items: Sequence[ZoneOnDate], day: date) -> TotalsByKind:
    return TotalsByKind(
        park=_totals([i for i in items if i.zone.kind == ZoneKind.PARK], day),
        cluster=_totals([i for i in items if i.zone.kind == ZoneKind.CLUSTER], day),
        all=_totals(items, day),
    )


def _zones_on(session: Session, selection: ZoneSelection, day: date) -> list[ZoneOnDate]:
    """The zones in the report on `day`, with what their leases hold then."""
    zones = queries.selected_zones(session, selection, day)
    held = occupancy_by_zone(session, zones, day, selected=queries.zone_ids(selection, day))
    return [ZoneOnDate(z, held[z.id].occupancy, held[z.id].active_projects) for z in zones]


def _clearance_on(
    session: Session, selection: ZoneSelection, items: Sequence[ZoneOnDate], day: date
) -> dict[int, ZoneClearance]:
    zones = [item.zone for item in items]
    return clearance_of_zones(session, zones, day, selected=queries.zone_ids(selection, day))


def occupancy_totals(session: Session, selection: ZoneSelection, day: date) -> TotalsByKind:
    return _totals_by_kind(_zones_on(session, selection, day), day)


def occupancy_report(session: Session, selection: ZoneSelection, day: date) -> OccupancyReport:
    return _occupancy_report(selection, day, _zones_on(session, selection, day))


def occupancy_map(
    session: Session, selection: ZoneSelection, day: date
) -> tuple[OccupancyReport, dict[int, tuple[float, float]]]:
    """The occupancy report, and (longitude, latitude) of each of its zones that has them."""
    items = _zones_on(session, selection, day)
    places = {
        item.zone.id: (item.zone.longitude, item.zone.latitude)
        for item in items
        if item.zone.longitude is not None and item.zone.latitude is not None
    }
    return _occupancy_report(selection, day, items), places


def _occupancy_report(
    selection: ZoneSelection, day: date, items: Sequence[ZoneOnDate]
) -> OccupancyReport:
    rows = [
        OccupancyRow(
            as_of=day,
            **occupancy_fields(item.occupancy),
            id=item.zone.id,
            code=item.zone.code,
            name=item.zone.name,
            kind=item.zone.kind,
            province=item.zone.province,
            status=item.zone.status,
            total_area_ha=item.zone.total_area_ha,
            active_projects=item.active_projects,
        )
        for item in items
    ]
    return OccupancyReport(
        as_of=day,
        scope=selection.scope,
        kind=selection.kind,
        province=selection.province,
        zones=rows,
        totals=_totals_by_kind(items, day),
    )


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


def history_report(
    session: Session, selection: ZoneSelection, start: date, end: date, interval: str
) -> HistoryReport:
    points = history_points(start, end, interval)
    zones = queries.selected_zones(session, selection, end)
    leased: dict[tuple[date, int], tuple[Decimal, Decimal, int]] = {
        (as_of, zone_id): (industrial, service, active)
        for as_of, zone_id, industrial, service, active in leased_at_points(
            session, queries.zone_ids(selection, max(points)), points
        )
    }
    result: list[HistoryPoint] = []
    previous: dict[str, Decimal] = {}
    for point in points:
        # A zone counts from its establishment decision on (or always, without a date).
        present = [z for z in zones if z.established_on is None or z.established_on <= point]
        items = []
        for zone in present:
            industrial, service, active = leased.get((point, zone.id), (ZERO, ZERO, 0))
            occupancy = Occupancy(
                zone.industrial_land_ha, industrial, zone.service_land_ha, service
            )
            items.append(ZoneOnDate(zone, occupancy, active))
        by_kind = _totals_by_kind(items, point)
        entries = {}
        for kind in ("park", "cluster", "all"):
            totals: OccupancyTotals = getattr(by_kind, kind)
            held = totals.leased_industrial_ha + totals.leased_service_ha
            entries[kind] = HistoryTotals(
                **totals.model_dump(),
                net_absorption_ha=held - previous[kind] if kind in previous else None,
            )
            previous[kind] = held
        result.append(HistoryPoint(as_of=point, **entries))
    return HistoryReport(
        interval=interval,
        from_=start,
        to=end,
        scope=selection.scope,
        kind=selection.kind,
        province=selection.province,
        points=result,
    )


# Clearance -------------------------------------------------------------------------------


def _clearance_totals(rows: Iterable[ClearanceRow]) -> ClearanceTotals:
    rows = list(rows)
    required = sum((r.required_ha for r in rows), ZERO)
    cleared = sum((r.cleared_ha for r in rows), ZERO)
    return ClearanceTotals(
        required_ha=required,
        cleared_ha=cleared,
        clearance_rate=rate(cleared, required),
        not_started=sum(r.status == ClearanceStatus.NOT_STARTED for r in rows),
        in_progress=sum(r.status == ClearanceStatus.IN_PROGRESS for r in rows),
        completed=sum(r.status == ClearanceStatus.COMPLETED for r in rows),
        stalled=sum(r.stalled for r in rows),
        households_total=sum(r.households_total or 0 for r in rows),
        households_relocated=sum(r.households_relocated or 0 for r in rows),
        compensation_paid_vnd=sum(r.compensation_paid_vnd or 0 for r in rows),
    )


def clearance_totals(
    session: Session, selection: ZoneSelection, day: date, stall_days: int
) -> ClearanceTotals:
    return clearance_report(session, selection, day, stall_days).totals


def clearance_report(
    session: Session, selection: ZoneSelection, day: date, stall_days: int
) -> ClearanceReport:
    items = _zones_on(session, selection, day)
    rows = _clearance_rows(items, _clearance_on(session, selection, items, day), day, stall_days)
    return ClearanceReport(
        as_of=day,
        scope=selection.scope,
        kind=selection.kind,
        province=selection.province,
        stall_days=stall_days,
        zones=rows,
        totals=_clearance_totals(rows),
    )


def _clearance_rows(
    items: Sequence[ZoneOnDate], cleared: dict[int, ZoneClearance], day: date, stall_days: int
) -> list[ClearanceRow]:
    rows = []
    for item in items:
        zone, f = item.zone, cleared[item.zone.id]
        rows.append(
            ClearanceRow(
                id=zone.id,
                code=zone.code,
                name=zone.name,
                kind=zone.kind,
                **clearance_fields(f.clearance, day, stall_days),
                households_total=f.households_total,
                households_relocated=f.households_relocated,
                compensation_paid_vnd=f.compensation_paid_vnd,
            )
        )
    return rows


# Investment ------------------------------------------------------------------------------


def investment_totals(session: Session, selection: ZoneSelection, day: date) -> InvestmentTotals:
    by_status = dict.fromkeys(ProjectStatus, 0)
    counts = {True: 0, False: 0}
    capital = {(True, "USD"): ZERO, (True, "VND"): ZERO, (False, "USD"): ZERO, (False, "VND"): ZERO}
    employees = 0
    for fdi, status, projects, staff, usd, vnd in queries.investment_by_status(
        session, selection, day
    ):
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


def investment_report(session: Session, selection: ZoneSelection, day: date) -> InvestmentReport:
    totals = investment_totals(session, selection, day)
    return InvestmentReport(
        as_of=day,
        scope=selection.scope,
        kind=selection.kind,
        province=selection.province,
        **totals.model_dump(),
        by_country=[
            CountryRow(country=country, projects=projects, leased_ha=leased)
            for country, projects, leased in queries.investment_by(
                session, selection, day, "investor_country"
            )
        ],
        by_sector=[
            SectorRow(sector=sector, projects=projects, leased_ha=leased)
            for sector, projects, leased in queries.investment_by(session, selection, day, "sector")
        ],
    )


# Summary ---------------------------------------------------------------------------------


def summary_report(
    session: Session, selection: ZoneSelection, day: date, stall_days: int
) -> SummaryReport:
    by_kind_and_status = {kind: dict.fromkeys(ZoneStatus, 0) for kind in ZoneKind}
    for kind, status, count in queries.zone_counts(session, selection):
        by_kind_and_status[ZoneKind(kind)][ZoneStatus(status)] = count
    zones = ZoneCounts(
        total=sum(sum(s.values()) for s in by_kind_and_status.values()),
        by_kind={kind: sum(s.values()) for kind, s in by_kind_and_status.items()},
        by_status={
            status: sum(s[status] for s in by_kind_and_status.values()) for status in ZoneStatus
        },
        by_kind_and_status=by_kind_and_status,
    )
    # One pass over the zones serves both the occupancy and the clearance totals.
    items = _zones_on(session, selection, day)
    cleared = _clearance_on(session, selection, items, day)
    return SummaryReport(
        as_of=day,
        scope=selection.scope,
        kind=selection.kind,
        province=selection.province,
        zones=zones,
        occupancy=_totals_by_kind(items, day),
        clearance=_clearance_totals(_clearance_rows(items, cleared, day, stall_days)),
        investment=investment_totals(session, selection, day),
    )
