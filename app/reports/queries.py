"""The SQL that only reports need (which zones a report covers, investment breakdowns); each
function is one query returning plain rows. Land itself is read through app.land.queries."""

from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Row, Select, case, func, or_, select
from sqlalchemy.orm import Session

from app.kit.countries import DOMESTIC
from app.land.queries import in_effect_on
from app.models import Project, Zone
from app.models.enums import Currency
from app.reports.params import ZoneSelection


def zones_query(selection: ZoneSelection, day: date) -> Select[Zone]:
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


def zone_ids(selection: ZoneSelection, day: date) -> Select[int]:
    return zones_query(selection, day).with_only_columns(Zone.id)


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
