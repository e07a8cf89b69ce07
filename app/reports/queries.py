"""The SQL that only reports need (which zones a report covers, investment breakdowns); each
function is one query returning plain rows. Land itself is read through app.land.queries."""

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVarTuple

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Result,
    Row,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from app.kit.countries import DOMESTIC
from app.kit.text import search_fold
from app.land.queries import (
    FETCH_ROWS,
    held_by_zone,
    in_effect_on,
    industrial_lease_events,
    latest_records_m2,
    m2,
    state_on,
)
from app.land.rates import RATE_UNITS
from app.models import Project, Zone, ZoneState
from app.models.enums import Currency
from app.reports.params import ZoneSelection

Columns = TypeVarTuple("Columns")

# Under boundaries=current a zone is reported under the province it belongs to today.
Current = aliased(ZoneState, name="current_state")


def province_of(selection: ZoneSelection) -> ColumnElement[str]:
    """The province a report puts each zone under: in effect on the report date, or today."""
    if selection.boundaries == "current":
        return func.coalesce(Current.province, ZoneState.province)
    return ZoneState.province.expression


def province_key_of(selection: ZoneSelection) -> ColumnElement[str]:
    """The search-folded province a `province=` filter matches (app.kit.text.search_fold),
    under the same boundaries as province_of."""
    if selection.boundaries == "current":
        return func.coalesce(Current.province_key, ZoneState.province_key)
    return ZoneState.province_key.expression


def in_report(
    query: Select[*Columns],
    selection: ZoneSelection,
    day: date | ColumnElement[date],
    today: date | ColumnElement[date] | None = None,
) -> Select[*Columns]:
    """The query over the zones a report on `day` covers, each joined to its state on that
    day (ZoneState): zones that exist then, in scope by the status of that day, of the kind
    and province asked. Under boundaries=current, provinces are those of `today` (by default
    the selection's today, or `day`)."""
    query = query.select_from(Zone).join(
        ZoneState, and_(ZoneState.zone_id == Zone.id, state_on(day))
    )
    if selection.boundaries == "current":
        if today is None:
            today = selection.today or day
        query = query.outerjoin(Current, and_(Current.zone_id == Zone.id, state_on(today, Current)))
    query = query.where(ZoneState.status.in_(selection.statuses))
    if selection.kind:
        query = query.where(Zone.kind == selection.kind)
    if selection.province:
        query = query.where(province_key_of(selection) == search_fold(selection.province))
    return query


# A report's statements are built once per selection (the report date and today bound at
# execution): building one costs more than SQLite takes to answer it over 2,000 zones.
REPORT_DAY = bindparam("report_day", type_=Date)
TODAY = bindparam("today", type_=Date)


def _dates(selection: ZoneSelection, day: date) -> dict[str, date]:
    return {"report_day": day, "today": selection.today or day}


def _shape(selection: ZoneSelection) -> ZoneSelection:
    """The selection a report's statement is built for: all but today, which is bound."""
    return replace(selection, today=None)


def occupancy_rows(
    session: Session, selection: ZoneSelection, day: date, *, coordinates: bool = False
) -> Result[*tuple[Any, ...]]:
    """One row per zone in the report, kind then code: id, code, name, kind, province,
    status, total, industrial and service land, leased industrial and service land (m2),
    leases in effect, then, with `coordinates`, longitude and latitude. One statement: the
    zones, each with its state on the day, joined to what their leases hold. Iterate the
    result, or read it in parts as the driver gives them (app.kit.db.driver_parts, as the
    reports do): every column is an integer or text (the coordinates floats), never a date
    or a decimal, which is what makes the driver's rows the same as SQLAlchemy's
    (tests/test_report_rows.py)."""
    # Core, not the ORM: plain rows, without the ORM's loading step per row. Not streamed
    # (yield_per): SQLAlchemy's streaming buffer cost SQLite 0.8 ms more over 2,000 zones,
    # and on PostgreSQL it is a server-side cursor and its round trips. Read in parts, the
    # driver still makes a part's rows at a time (PostgreSQL's driver holds the whole
    # result in its own memory, a few MB at 20,000 zones).
    statement = _occupancy_statement(_shape(selection), coordinates)
    return session.connection().execute(statement, _dates(selection, day))


@lru_cache(maxsize=256)
def _occupancy_statement(selection: ZoneSelection, coordinates: bool) -> Select[*tuple[Any, ...]]:
    held = held_by_zone(REPORT_DAY)
    # Only a map asks for coordinates: two columns fewer are 0.3 ms less over 2,000 zones.
    located = (Zone.longitude, Zone.latitude) if coordinates else ()
    query = in_report(
        select(
            Zone.id,
            Zone.code,
            ZoneState.name,
            Zone.kind,
            province_of(selection),
            ZoneState.status,
            m2(ZoneState.total_area_ha),
            m2(ZoneState.industrial_land_ha),
            m2(ZoneState.service_land_ha),
            func.coalesce(held.c.leased_industrial_m2, 0),
            func.coalesce(held.c.leased_service_m2, 0),
            func.coalesce(held.c.active_projects, 0),
            *located,
        ),
        selection,
        REPORT_DAY,
        TODAY,
    )
    return query.outerjoin(held, held.c.zone_id == Zone.id).order_by(Zone.kind.desc(), Zone.code)


def zone_ids(
    selection: ZoneSelection,
    day: date | ColumnElement[date],
    today: date | ColumnElement[date] | None = None,
) -> Select[Any]:
    return in_report(select(Zone.id), selection, day, today)


def latest_clearance(
    session: Session, selection: ZoneSelection, day: date
) -> dict[int, Sequence[Any]]:
    """The latest clearance record on or before `day` of each zone in the report that has
    one, by zone (rows of land.queries.latest_records_m2)."""
    statement = _latest_clearance_statement(_shape(selection))
    # All rows at once: iterating the result fetches one row per call (1.5 ms more here).
    rows = session.connection().execute(statement, _dates(selection, day)).all()
    return {row[0]: row for row in rows}


@lru_cache(maxsize=256)
def _latest_clearance_statement(selection: ZoneSelection) -> Select[Any]:
    return latest_records_m2(zone_ids(selection, REPORT_DAY, TODAY), REPORT_DAY)


def clearance_zones(
    session: Session, selection: ZoneSelection, day: date
) -> Result[int, str, str, str, int]:
    """id, code, name, kind and the area needing clearance (m2) of each zone in a report on
    `day`, kind then code. Not streamed, and integers and text only, as occupancy_rows: the
    report reads it with app.kit.db.driver_parts."""
    statement = _clearance_statement(_shape(selection))
    return session.connection().execute(statement, _dates(selection, day))


@lru_cache(maxsize=256)
def _clearance_statement(selection: ZoneSelection) -> Select[int, str, str, str, int]:
    return in_report(
        select(Zone.id, Zone.code, ZoneState.name, Zone.kind, m2(ZoneState.clearance_required_ha)),
        selection,
        REPORT_DAY,
        TODAY,
    ).order_by(Zone.kind.desc(), Zone.code)


def zone_spans(
    session: Session, selection: ZoneSelection, first: date, last: date
) -> Iterable[Sequence[Any]]:
    """The states of the zones of the selected kind that hold on some day of [first, last]:
    zone id, kind, valid_from, valid_to, status, province key (search-folded, as the
    selection reports it), total, industrial and service land (m2). Which of them count at
    each point of a history (scope, province) is decided per point by the caller."""
    query = (
        select(
            Zone.id,
            Zone.kind,
            ZoneState.valid_from,
            ZoneState.valid_to,
            ZoneState.status,
            province_key_of(selection),
            m2(ZoneState.total_area_ha),
            m2(ZoneState.industrial_land_ha),
            m2(ZoneState.service_land_ha),
        )
        .select_from(Zone)
        .join(ZoneState, ZoneState.zone_id == Zone.id)
        .where(
            or_(ZoneState.valid_from.is_(None), ZoneState.valid_from <= last),
            or_(ZoneState.valid_to.is_(None), ZoneState.valid_to > first),
        )
        .order_by(Zone.id, ZoneState.valid_from.nulls_first())
    )
    if selection.boundaries == "current":
        query = query.outerjoin(
            Current, and_(Current.zone_id == Zone.id, state_on(selection.today or last, Current))
        )
    if selection.kind:
        query = query.where(Zone.kind == selection.kind)
    return session.connection().execute(query).yield_per(FETCH_ROWS)  # read once, as they come


def spanned_zone_ids(selection: ZoneSelection, first: date, last: date) -> Select[Any]:
    """Zones of the selected kind with a state on some day of [first, last]."""
    query = select(ZoneState.zone_id).where(
        or_(ZoneState.valid_from.is_(None), ZoneState.valid_from <= last),
        or_(ZoneState.valid_to.is_(None), ZoneState.valid_to > first),
    )
    if selection.kind:
        query = query.join(Zone, Zone.id == ZoneState.zone_id).where(Zone.kind == selection.kind)
    return query


def _in_effect(selection: ZoneSelection, day: date) -> tuple[ColumnElement[bool], ...]:
    return (in_effect_on(day), Project.zone_id.in_(zone_ids(selection, day)))


FDI = Project.investor_country != DOMESTIC


def _capital_in(currency: Currency) -> ColumnElement[Decimal]:
    return func.sum(
        case((Project.capital_currency == currency, Project.registered_capital), else_=0)
    )


def investment_by_status(
    session: Session, selection: ZoneSelection, day: date
) -> list[Row[bool, str, int, int, Decimal, Decimal]]:
    """Per (FDI or not, status): projects, employees, registered capital in USD and in VND."""
    query = (
        select(
            FDI.label("fdi"),
            Project.status,
            func.count(),
            func.coalesce(func.sum(Project.employees), 0),
            _capital_in(Currency.USD),
            _capital_in(Currency.VND),
        )
        .where(*_in_effect(selection, day))
        .group_by(FDI, Project.status)
    )
    return list(session.execute(query))


def investment_groups(
    session: Session, selection: ZoneSelection, day: date
) -> list[Row[str, str, str | None, int, int, Decimal, Decimal, Decimal]]:
    """Per (investor country, status, sector) of the projects in effect: projects,
    employees, registered capital in USD and in VND, and leased land. One pass over the
    projects, a few hundred rows at most (the combinations that occur), which the investment
    report adds up three ways: three groupings, one statement each, had taken twice as long
    (over 2,000 zones 61 ms against 33 on SQLite, 30 against 13 on PostgreSQL)."""
    query = (
        select(
            Project.investor_country,
            Project.status,
            Project.sector,
            func.count(),
            func.coalesce(func.sum(Project.employees), 0),
            _capital_in(Currency.USD),
            _capital_in(Currency.VND),
            func.sum(Project.leased_ha),
        )
        .where(*_in_effect(selection, day))
        .group_by(Project.investor_country, Project.status, Project.sector)
    )
    return list(session.execute(query))


def zone_counts(session: Session, selection: ZoneSelection, day: date) -> list[Row[str, str, int]]:
    """Zones existing on `day` per kind and status, whatever the scope (a dashboard shows
    every status)."""
    every_status = replace(selection, scope="any")
    query = in_report(select(Zone.kind, ZoneState.status, func.count()), every_status, day)
    return list(session.execute(query.group_by(Zone.kind, ZoneState.status)))


# Forecast -------------------------------------------------------------------------------


def industrial_land_spans(session: Session, zone_ids: Select[Any]) -> list[Any]:
    """Every state of the zones: zone id, valid_from, valid_to, industrial land (m2)."""
    query = select(
        ZoneState.zone_id,
        ZoneState.valid_from,
        ZoneState.valid_to,
        m2(ZoneState.industrial_land_ha),
    ).where(ZoneState.zone_id.in_(zone_ids))
    return list(session.connection().execute(query).all())


def first_reached(
    session: Session, zone_ids: Select[Any], day: date, target_units: int
) -> dict[int, date]:
    """Per zone, the first day on or before `day` on which its leases held at least
    `target_units` / 10,000 of the industrial land in effect then. One statement: the
    lease events and land changes summed per day, a running total per zone (a window), and
    the earliest day it reaches the share."""
    leases = industrial_lease_events(zone_ids, day)
    land_changes = select(ZoneState.zone_id, ZoneState.valid_from, literal(0, BigInteger)).where(
        ZoneState.zone_id.in_(zone_ids),
        ZoneState.valid_from.is_not(None),
        ZoneState.valid_from <= day,
    )
    events = union_all(select(leases), land_changes).subquery("events")
    daily = (
        select(events.c.zone_id, events.c.day, func.sum(events.c.delta).label("delta"))
        .group_by(events.c.zone_id, events.c.day)
        .subquery("daily")
    )
    running = select(
        daily.c.zone_id,
        daily.c.day,
        func.sum(daily.c.delta)
        .over(partition_by=daily.c.zone_id, order_by=daily.c.day)
        .label("held"),
    ).subquery("running")
    land = m2(ZoneState.industrial_land_ha)
    query = (
        select(running.c.zone_id, func.min(running.c.day))
        .join(ZoneState, and_(ZoneState.zone_id == running.c.zone_id, state_on(running.c.day)))
        .where(land > 0, running.c.held * RATE_UNITS >= land * target_units)
        .group_by(running.c.zone_id)
    )
    return {zone_id: _as_date(reached) for zone_id, reached in session.execute(query)}


def kind_lease_changes(session: Session, zone_ids: Select[Any], day: date) -> list[Any]:
    """Per kind and day on or before `day`: the change of industrial land the zones'
    leases hold (m2), oldest first. One row per day with a change, not per lease."""
    leases = industrial_lease_events(zone_ids, day)
    query = (
        select(Zone.kind, leases.c.day, func.sum(leases.c.delta))
        .join(Zone, Zone.id == leases.c.zone_id)
        .group_by(Zone.kind, leases.c.day)
        .order_by(Zone.kind, leases.c.day)
    )
    return [(kind, _as_date(d), int(delta)) for kind, d, delta in session.execute(query)]


def _as_date(value: Any) -> date:
    # A date out of a UNION comes back as text from SQLite.
    return date.fromisoformat(value) if isinstance(value, str) else value


def expiring_leases(
    session: Session, selection: ZoneSelection, day: date, until: date
) -> list[Any]:
    """Leases in effect on `day` whose contract expires by `until` (not ended earlier by a
    termination), soonest first: project id, name, investor, land use, area, lease end,
    zone id, code and name (of `day`)."""
    query = in_report(
        select(
            Project.id,
            Project.name,
            Project.investor,
            Project.land_use,
            Project.leased_ha,
            Project.lease_end,
            Zone.id,
            Zone.code,
            ZoneState.name,
        ),
        selection,
        day,
    )
    query = (
        query.join(Project, Project.zone_id == Zone.id)
        .where(
            in_effect_on(day),
            Project.lease_end.is_not(None),
            Project.lease_end <= until,
            or_(Project.terminated_on.is_(None), Project.terminated_on >= Project.lease_end),
        )
        .order_by(Project.lease_end, Project.id)
    )
    return list(session.execute(query))
