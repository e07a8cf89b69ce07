"""The absorption forecast (GET /api/v1/reports/forecast): per zone and per kind, the pace
at which leases have been taking industrial land over a trailing window, when the occupancy
reaches a target at that pace, and where it stands at the end of the active plan.

Six statements whatever the number of projects: the zones and their figures on the date, the
zones' land over time, the leases at each month mark of the window (one sweep over lease
events), the day each zone first reached the target, the lease changes per kind and day, and
the active plan. The arithmetic is app.land.forecast's.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.kit.errors import InvalidValues
from app.kit.schema_types import json_number
from app.land.capacity import Land
from app.land.forecast import (
    Range,
    land_on,
    pace,
    projected_rate,
    reach_date,
    summed_land,
    twelve_month_range,
    window_points,
)
from app.land.queries import lease_changes
from app.land.rates import RATE_UNITS, rate
from app.models import Plan
from app.models.enums import ZoneKind
from app.reports import queries
from app.reports.params import ZoneSelection

M2 = Decimal(10_000)
PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Series:
    """What one zone or kind is and holds: its land over time, the industrial land leased at
    each month mark of the window, and when its history starts."""

    land: list[Land]
    leased: list[Decimal]
    since: date


def active_plan(session: Session, day: date) -> Plan | None:
    """The plan running on `day` (the one started last, if several)."""
    return session.scalars(
        select(Plan)
        .where(Plan.starts_on <= day, Plan.ends_on >= day)
        .order_by(Plan.starts_on.desc(), Plan.id.desc())
        .limit(1)
    ).first()


def _ha(m2: int) -> Decimal:
    return Decimal(m2) / M2


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return json_number(value.quantize(PLACES, rounding=ROUND_HALF_UP))


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def outlook(
    series: Series,
    points: list[date],
    target: Decimal,
    plan_end: date | None,
    first_reached: date | None,
) -> dict[str, Any]:
    """The forecast fields of one zone or kind."""
    as_of = points[-1]
    leased = series.leased[-1]
    land = land_on(series.land, as_of)
    start = max(points[0], series.since)
    start_leased = series.leased[0] if start == points[0] else Decimal(0)
    ha_per_year = pace(start_leased, leased, start, as_of)
    spread = (
        twelve_month_range(points, series.leased, series.since)
        if len(points) > 12
        else Range(None, None)
    )
    occupancy = rate(leased, land)
    reached = occupancy is not None and occupancy >= target
    at_end = land_on(series.land, plan_end) if plan_end else Decimal(0)

    def reaches(speed: Decimal | None) -> str | None:
        if reached:
            return _day(first_reached)
        return _day(reach_date(leased, as_of, speed, target, series.land))

    def projected(speed: Decimal | None) -> int | float | None:
        if plan_end is None:
            return None
        return _number(projected_rate(leased, as_of, speed, plan_end, at_end))

    return {
        "industrial_land_ha": _number(land),
        "leased_industrial_ha": _number(leased),
        "occupancy_rate": _number(occupancy),
        "target_reached": reached,
        "absorption_ha_per_year": _number(ha_per_year),
        "absorption_low_ha_per_year": _number(spread.low),
        "absorption_high_ha_per_year": _number(spread.high),
        "reaches_target_on": reaches(ha_per_year),
        "reaches_target_on_low": reaches(spread.low),
        "reaches_target_on_high": reaches(spread.high),
        "projected_occupancy_rate": projected(ha_per_year),
        "projected_occupancy_rate_low": projected(spread.low),
        "projected_occupancy_rate_high": projected(spread.high),
    }


def _kind_first_reached(
    changes: list[tuple[date, int]], land: list[Land], target_units: int
) -> date | None:
    """The first day the kind's leases held the target share of its land: a running total
    over the days its leases or its land changed."""
    by_day: dict[date, int] = defaultdict(int)
    for day, delta in changes:
        by_day[day] += delta
    for piece in land:
        if piece.start is not None:
            by_day.setdefault(piece.start, 0)
    held = 0
    for day in sorted(by_day):
        held += by_day[day]
        area = int(land_on(land, day) * M2)
        if area > 0 and held * RATE_UNITS >= area * target_units:
            return day
    return None


ACTIVE = "active"


def forecast_document(
    session: Session,
    selection: ZoneSelection,
    as_of: date,
    target: Decimal,
    window: int,
    plan: Plan | None | str = ACTIVE,
) -> dict[str, Any]:
    """The forecast report (schema: ForecastReport) as JSON values; projections run to the
    end of `plan` (by default the plan running on `as_of`)."""
    target_units = int(target * RATE_UNITS)
    if (as_of.year - 1) * 12 + as_of.month - 1 < window:  # months since January of year 1
        raise InvalidValues(
            "window",
            f"reaches back before 0001-01-01 from {as_of}; give fewer months or a later as_of",
        )
    points = window_points(as_of, window)
    ids = queries.zone_ids(selection, as_of)
    zones = list(queries.occupancy_rows(session, selection, as_of))
    land: dict[int, list[Land]] = defaultdict(list)
    for zone_id, start, end, industrial in queries.industrial_land_spans(session, ids):
        land[zone_id].append(Land(start, end, _ha(industrial)))
    steps: dict[int, list[int]] = defaultdict(lambda: [0] * len(points))
    for zone_id, bucket, industrial, _service, _leases in lease_changes(session, ids, points):
        steps[zone_id][bucket] += industrial
    reached = queries.first_reached(session, ids, as_of, target_units)
    kind_changes: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for kind, day, delta in queries.kind_lease_changes(session, ids, as_of):
        kind_changes[kind].append((day, delta))
    if isinstance(plan, str):
        plan = active_plan(session, as_of)
    plan_end = plan.ends_on if plan is not None and plan.ends_on > as_of else None

    rows = []
    by_kind: dict[str, list[Series]] = defaultdict(list)
    for zone_id, code, name, kind, province, status, *_rest in zones:
        held, leased = 0, []
        for change in steps[zone_id]:
            held += change
            leased.append(_ha(held))
        pieces = land[zone_id]
        starts = [p.start for p in pieces]
        since = date.min if None in starts else min(s for s in starts if s is not None)
        series = Series(pieces, leased, since)
        by_kind[kind].append(series)
        rows.append(
            {"id": zone_id, "code": code, "name": name, "kind": kind, "province": province}
            | {"status": status}
            | outlook(series, points, target, plan_end, reached.get(zone_id))
        )
    totals = {}
    for kind in ZoneKind:
        members = by_kind.get(kind, [])
        if selection.kind and kind != selection.kind:
            continue
        kind_land = summed_land([m.land for m in members]) if members else []
        leased = [sum((m.leased[k] for m in members), Decimal(0)) for k in range(len(points))]
        series = Series(kind_land, leased, date.min)
        first = _kind_first_reached(kind_changes.get(kind, []), kind_land, target_units)
        totals[str(kind)] = {"zones": len(members)} | outlook(
            series, points, target, plan_end, first
        )
    return {
        "as_of": as_of.isoformat(),
        "target": json_number(target),
        "window": window,
        "window_from": points[0].isoformat(),
        "scope": selection.scope,
        "kind": selection.kind,
        "province": selection.province,
        "plan": None
        if plan is None
        else {"id": plan.id, "code": plan.code, "ends_on": plan.ends_on.isoformat()},
        "zones": rows,
        "totals": totals,
    }
