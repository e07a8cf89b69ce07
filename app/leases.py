"""SQL about leases: which are in effect on a date, what a zone holds, and the zone lock.

A project's lease is in effect on D when lease_start <= D < end, end being the earlier of
terminated_on and lease_end (open when both are null). `in_effect_on` is the one SQL form
of that rule; capacity.Lease is its pure twin.
"""

from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from app.capacity import Lease, lease_end
from app.models import Project, Zone


def in_effect_on(day: date | ColumnElement[date]) -> ColumnElement[bool]:
    """Leases in effect on `day`, a date or a date column (e.g. report points)."""
    return and_(
        Project.lease_start <= day,
        or_(Project.lease_end.is_(None), Project.lease_end > day),
        or_(Project.terminated_on.is_(None), Project.terminated_on > day),
    )


def lock_zone(session: Session, zone_id: int) -> Zone | None:
    """Load a zone and hold its row lock until the transaction ends.

    On PostgreSQL this is SELECT ... FOR UPDATE, so writers that change the same zone's
    leases queue behind each other and each sees the others' committed leases. SQLite ignores
    FOR UPDATE; there every write transaction starts with BEGIN IMMEDIATE (see app.db), which
    already admits one writer at a time.
    """
    return session.scalars(
        select(Zone)
        .where(Zone.id == zone_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def zone_leases(
    session: Session, zone_id: int, land_use: str, *, exclude_project_id: int | None = None
) -> list[Lease]:
    """Every lease of one land use in one zone, past and future, as pure values."""
    query = select(
        Project.lease_start, Project.lease_end, Project.terminated_on, Project.leased_ha
    ).where(Project.zone_id == zone_id, Project.land_use == land_use)
    if exclude_project_id is not None:
        query = query.where(Project.id != exclude_project_id)
    return [
        Lease(start=start, end=lease_end(end, terminated), area_ha=area)
        for start, end, terminated, area in session.execute(query)
    ]
