"""The SQL that only reports need (which zones a report covers, investment breakdowns); each
function is one query returning plain rows. Land itself is read through app.land.queries."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, case, func, or_, select
from sqlalchemy.orm import Session

from app.kit.countries import DOMESTIC
from app.land.queries import held_by_zone, in_effect_on, m2
from app.models import Project, Zone
from app.models.enums import Currency
from app.reports.params import ZoneSelection


def in_report(selection: ZoneSelection, day: date) -> list[ColumnElement[bool]]:
    """The zones a report on `day` covers: in scope by status, and established by then
    (zones without an establishment date always count; statuses have no history)."""
    conditions = [
        Zone.status.in_(selection.statuses),
        or_(Zone.established_on.is_(None), Zone.established_on <= day),
    ]
    if selection.kind:
        conditions.append(Zone.kind == selection.kind)
    if selection.province:
        conditions.append(Zone.province == selection.province)
    return conditions


def zones_query(selection: ZoneSelection, day: date) -> Select[Zone]:
    return select(Zone).where(*in_report(selection, day))


def occupancy_rows(session: Session, selection: ZoneSelection, day: date) -> list[Any]:
    """One row per zone in the report, kind then code: id, code, name, kind, province,
    status, total, industrial and service land, leased industrial and service land (m2),
    leases in effect, longitude and latitude. One statement: the zones joined to what their
    leases hold."""
    held = held_by_zone(day)
    query = (
        select(
            Zone.id,
            Zone.code,
            Zone.name,
            Zone.kind,
            Zone.province,
            Zone.status,
            m2(Zone.total_area_ha),
            m2(Zone.industrial_land_ha),
            m2(Zone.service_land_ha),
            func.coalesce(held.c.leased_industrial_m2, 0),
            func.coalesce(held.c.leased_service_m2, 0),
            func.coalesce(held.c.active_projects, 0),
            Zone.longitude,
            Zone.latitude,
        )
        .outerjoin(held, held.c.zone_id == Zone.id)
        .where(*in_report(selection, day))
        .order_by(Zone.kind.desc(), Zone.code)
    )
    # Core, not the ORM: plain rows, without the ORM's loading step per row.
    return list(session.connection().execute(query).all())


def zone_ids(selection: ZoneSelection, day: date) -> Select[int]:
    return zones_query(selection, day).with_only_columns(Zone.id)


def clearance_zones(session: Session, selection: ZoneSelection, day: date) -> list[Any]:
    """id, code, name, kind and the area needing clearance (m2) of each zone in a report on
    `day`, kind then code."""
    query = (
        select(Zone.id, Zone.code, Zone.name, Zone.kind, m2(Zone.clearance_required_ha))
        .where(*in_report(selection, day))
        .order_by(Zone.kind.desc(), Zone.code)
    )
    return list(session.execute(query))


def zone_land(session: Session, selection: ZoneSelection, day: date) -> list[Any]:
    """The land of each zone in a report on `day`: id, kind, establishment date, total,
    industrial and service land (m2)."""
    query = select(
        Zone.id,
        Zone.kind,
        Zone.established_on,
        m2(Zone.total_area_ha),
        m2(Zone.industrial_land_ha),
        m2(Zone.service_land_ha),
    ).where(*in_report(selection, day))
    return list(session.execute(query))


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


def investment_by(
    session: Session, selection: ZoneSelection, day: date, column: str
) -> list[Row[str | None, int, Decimal]]:
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


def zone_counts(session: Session, selection: ZoneSelection) -> list[Row[str, str, int]]:
    """Zones per kind and status, whatever the scope (a dashboard shows every status)."""
    query = select(Zone.kind, Zone.status, func.count()).group_by(Zone.kind, Zone.status)
    if selection.kind:
        query = query.where(Zone.kind == selection.kind)
    if selection.province:
        query = query.where(Zone.province == selection.province)
    return list(session.execute(query))
