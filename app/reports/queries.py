"""The SQL aggregates behind the reports; each returns plain rows, never every project.

Per-zone figures on one date come from app.aggregates (two queries for any number of zones);
what only reports need is here. Every function is one query.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, Row, Select, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from app.countries import DOMESTIC
from app.leases import in_effect_on
from app.models import Project, Zone
from app.reports.params import ZoneSelection


def zones_query(selection: ZoneSelection, day: date) -> Select[tuple[Zone]]:
    """The zones a report on `day` covers: in scope by status, and established by then
    (zones without an establishment date always count; statuses have no history)."""
    query = select(Zone).where(
        Zone.status.in_(selection.statuses),
        or_(Zone.established_on.is_(None), Zone.established_on <= day),
    )
    if selection.kind:
        query = query.where(Zone.kind == selection.kind)
    if selection.province:
        query = query.where(Zone.province == selection.province)
    return query


def selected_zones(session: Session, selection: ZoneSelection, day: date) -> list[Zone]:
    query = zones_query(selection, day).order_by(Zone.kind.desc(), Zone.code)
    return list(session.scalars(query))


def zone_ids(selection: ZoneSelection, day: date) -> Select[tuple[int]]:
    return zones_query(selection, day).with_only_columns(Zone.id)


def _leased(land_use: str):  # type: ignore[no-untyped-def]
    return func.sum(case((Project.land_use == land_use, Project.leased_ha), else_=0))


def leased_at_points(
    session: Session, selection: ZoneSelection, points: Sequence[date]
) -> list[Row[tuple[date, int, Decimal, Decimal, int]]]:
    """Leased industrial and service land, and leases in effect, per zone on each of the
    dates: one query that joins the leases to the list of dates; rows only for zones
    holding land then."""
    dates = union_all(*(select(literal(point, Date).label("as_of")) for point in points)).subquery(
        "points"
    )
    query = (
        select(
            dates.c.as_of,
            Project.zone_id,
            _leased("industrial"),
            _leased("service"),
            func.count(),
        )
        .join(Project, in_effect_on(dates.c.as_of))
        .where(Project.zone_id.in_(zone_ids(selection, max(points))))
        .group_by(dates.c.as_of, Project.zone_id)
    )
    return list(session.execute(query))


def _in_effect(selection: ZoneSelection, day: date) -> tuple:  # type: ignore[type-arg]
    return (in_effect_on(day), Project.zone_id.in_(zone_ids(selection, day)))


FDI = Project.investor_country != DOMESTIC


def investment_by_status(
    session: Session, selection: ZoneSelection, day: date
) -> list[Row[tuple[bool, str, int, int, Decimal, Decimal]]]:
    """Per (FDI or not, status): projects, employees, registered capital in USD and in VND."""
    capital_in = lambda currency: func.sum(  # noqa: E731
        case((Project.capital_currency == currency, Project.registered_capital), else_=0)
    )
    query = (
        select(
            FDI.label("fdi"),
            Project.status,
            func.count(),
            func.coalesce(func.sum(Project.employees), 0),
            capital_in("USD"),
            capital_in("VND"),
        )
        .where(*_in_effect(selection, day))
        .group_by(FDI, Project.status)
    )
    return list(session.execute(query))


def investment_by(
    session: Session, selection: ZoneSelection, day: date, column: str
) -> list[Row[tuple[str | None, int, Decimal]]]:
    """Projects and leased land per investor country or per sector, largest first."""
    key = getattr(Project, column)
    leased = func.sum(Project.leased_ha)
    query = (
        select(key, func.count(), leased)
        .where(*_in_effect(selection, day))
        .group_by(key)
        .order_by(leased.desc(), key)
    )
    return list(session.execute(query))


def zone_counts(session: Session, selection: ZoneSelection) -> list[Row[tuple[str, str, int]]]:
    """Zones per kind and status, whatever the scope (a dashboard shows every status)."""
    query = select(Zone.kind, Zone.status, func.count()).group_by(Zone.kind, Zone.status)
    if selection.kind:
        query = query.where(Zone.kind == selection.kind)
    if selection.province:
        query = query.where(Zone.province == selection.province)
    return list(session.execute(query))


def coordinates(session: Session, ids: Sequence[int]) -> dict[int, tuple[float, float]]:
    if not ids:
        return {}
    rows = session.execute(
        select(Zone.id, Zone.longitude, Zone.latitude).where(
            Zone.id.in_(ids), Zone.latitude.is_not(None)
        )
    )
    return {zone_id: (longitude, latitude) for zone_id, longitude, latitude in rows}
