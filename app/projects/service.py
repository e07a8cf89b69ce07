"""Investor projects and their leases; every change that moves land checks capacity."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.kit import audit
from app.kit.countries import DOMESTIC
from app.kit.db import flush_or_raise, utcnow
from app.kit.errors import (
    CapacityExceeded,
    Conflict,
    DuplicateValue,
    InvalidValues,
    NotFound,
)
from app.kit.etags import ensure_match
from app.kit.repo import ensure_unique, get_or_404, paginate
from app.kit.text import like_pattern, search_key
from app.land.held_store import HeldLease, ZoneTrees
from app.land.queries import lock_zone
from app.models import Project, Zone
from app.models.enums import ProjectState
from app.projects.schemas import NULLABLE_FIELDS, ProjectCreate, ProjectTerminate


@dataclass(frozen=True, slots=True)
class ProjectFilters:
    zone_id: int | None = None
    status: str | None = None
    investor_country: str | None = None
    fdi: bool | None = None
    q: str | None = None


def get_project(session: Session, project_id: int) -> Project:
    return get_or_404(session, Project, project_id, name="project")


def zone_codes(session: Session, projects: list[Project]) -> dict[int, str]:
    ids = {p.zone_id for p in projects}
    if not ids:
        return {}
    rows = session.execute(select(Zone.id, Zone.code).where(Zone.id.in_(ids)))
    return {zone_id: code for zone_id, code in rows}


def list_projects(
    session: Session, *, filters: ProjectFilters, limit: int, offset: int
) -> tuple[list[Project], int]:
    return paginate(session, _matching(filters), order_by=(Project.id,), limit=limit, offset=offset)


def all_projects(session: Session, *, filters: ProjectFilters) -> list[tuple[Project, str]]:
    """Every project of the filter, oldest first, with its zone's code: one query (the
    exports)."""
    query = _matching(filters).add_columns(Zone.code).join(Zone, Zone.id == Project.zone_id)
    return [(project, code) for project, code in session.execute(query.order_by(Project.id))]


def _matching(filters: ProjectFilters) -> Select[Project]:
    query = select(Project)
    if filters.zone_id is not None:
        query = query.where(Project.zone_id == filters.zone_id)
    if filters.status == ProjectState.TERMINATED:
        query = query.where(Project.terminated_on.is_not(None))
    elif filters.status:
        query = query.where(Project.status == filters.status, Project.terminated_on.is_(None))
    if filters.investor_country:
        query = query.where(Project.investor_country == filters.investor_country)
    if filters.fdi is not None:
        query = query.where(
            Project.investor_country != DOMESTIC
            if filters.fdi
            else Project.investor_country == DOMESTIC
        )
    if filters.q:
        query = query.where(Project.search_text.like(like_pattern(filters.q), escape="\\"))
    return query


def create_project(session: Session, data: ProjectCreate) -> Project:
    values = data.model_dump()
    check_project_rules(values)
    zone = lock_zone(session, values["zone_id"])
    if zone is None:
        raise InvalidValues("zone_id", f"zone {values['zone_id']} does not exist")
    _ensure_project_code_free(session, values["project_code"], None)
    trees = ZoneTrees.open(session, zone.id)
    _ensure_capacity(trees, zone, values, without=None)
    now = utcnow()
    project = Project(
        **values,
        search_text=search_key(values["name"], values["investor"]),
        created_at=now,
        updated_at=now,
    )
    session.add(project)
    flush_or_raise(session, _code_taken(values["project_code"]))
    trees.record(None, HeldLease.of(project))
    audit.record(session, "create", "project", project.id, after=audit.snapshot(project))
    return project


def update_project(
    session: Session, project_id: int, changes: Mapping[str, Any], *, if_match: str | None = None
) -> Project:
    for name, value in changes.items():
        if value is None and name not in NULLABLE_FIELDS:
            raise InvalidValues(name, "may not be null")
    zone_id = session.scalar(select(Project.zone_id).where(Project.id == project_id))
    if zone_id is None:
        raise NotFound("project", project_id)
    zone = lock_zone(session, zone_id)
    project = _reload(session, project_id)
    if zone is None or project is None:  # deleted by a concurrent request
        raise NotFound("project", project_id)
    ensure_match(project, if_match)
    values = {name: getattr(project, name) for name in _WRITABLE} | dict(changes)
    check_project_rules(values)
    if project.terminated_on is not None and values["lease_start"] > project.terminated_on:
        raise InvalidValues("lease_start", "must not be after the project's termination date")
    if "project_code" in changes:
        _ensure_project_code_free(session, values["project_code"], project.id)
    trees = ZoneTrees.open(session, zone.id) if _moves_land(changes) else None
    held_before = HeldLease.of(project)
    if trees is not None:
        values["terminated_on"] = project.terminated_on
        _ensure_capacity(trees, zone, values, without=held_before)
    before = audit.snapshot(project)
    for name, value in changes.items():
        setattr(project, name, value)
    project.search_text = search_key(project.name, project.investor)
    project.updated_at = utcnow()
    flush_or_raise(session, _code_taken(project.project_code))
    if trees is not None:
        trees.record(held_before, HeldLease.of(project))
    audit.record(
        session, "update", "project", project.id, before=before, after=audit.snapshot(project)
    )
    return project


def terminate_project(session: Session, project_id: int, data: ProjectTerminate) -> Project:
    zone_id = session.scalar(select(Project.zone_id).where(Project.id == project_id))
    if zone_id is None:
        raise NotFound("project", project_id)
    lock_zone(session, zone_id)
    project = _reload(session, project_id)
    if project is None:
        raise NotFound("project", project_id)
    if project.terminated_on is not None:
        raise Conflict(
            f"project {project_id} was already terminated on {project.terminated_on}",
            terminated_on=project.terminated_on.isoformat(),
        )
    if data.terminated_on < project.lease_start:
        raise InvalidValues(
            "terminated_on", f"must not be before the lease start {project.lease_start}"
        )
    trees = ZoneTrees.open(session, zone_id)
    before, held_before = audit.snapshot(project), HeldLease.of(project)
    project.terminated_on = data.terminated_on
    project.termination_reason = data.reason
    project.updated_at = utcnow()
    session.flush()
    trees.record(held_before, HeldLease.of(project))
    audit.record(
        session, "terminate", "project", project.id, before=before, after=audit.snapshot(project)
    )
    return project


def delete_project(session: Session, project_id: int, *, if_match: str | None = None) -> None:
    zone_id = get_project(session, project_id).zone_id
    lock_zone(session, zone_id)
    project = _reload(session, project_id)
    if project is None:  # deleted by a concurrent request
        raise NotFound("project", project_id)
    ensure_match(project, if_match)
    trees = ZoneTrees.open(session, zone_id)
    audit.record(session, "delete", "project", project.id, before=audit.snapshot(project))
    held = HeldLease.of(project)
    session.delete(project)
    session.flush()
    trees.record(held, None)


def read_status(project: Project) -> ProjectState:
    if project.terminated_on is not None:
        return ProjectState.TERMINATED
    return ProjectState(project.status)


_WRITABLE = tuple(name for name in ProjectCreate.model_fields if name != "zone_id")
_LAND_FIELDS = {"land_use", "leased_ha", "lease_start", "lease_end"}


def _moves_land(changes: Mapping[str, Any]) -> bool:
    return bool(_LAND_FIELDS & changes.keys())


def _reload(session: Session, project_id: int) -> Project | None:
    return session.scalars(
        select(Project).where(Project.id == project_id).execution_options(populate_existing=True)
    ).one_or_none()


def check_project_rules(values: Mapping[str, Any]) -> None:
    end: date | None = values["lease_end"]
    if end is not None and end <= values["lease_start"]:
        raise InvalidValues("lease_end", "must be after lease_start")
    capital: Decimal | None = values["registered_capital"]
    currency: str | None = values["capital_currency"]
    if capital is not None and currency is None:
        raise InvalidValues("capital_currency", "is required when registered_capital is given")
    if capital is None and currency is not None:
        raise InvalidValues("capital_currency", "only goes with a registered_capital")
    if currency == "VND" and capital is not None and capital != capital.to_integral_value():
        raise InvalidValues("registered_capital", "VND amounts are whole numbers")


def _ensure_capacity(
    trees: ZoneTrees, zone: Zone, values: Mapping[str, Any], *, without: HeldLease | None
) -> None:
    """Refuse a lease that would make the zone's leases (but `without`, the lease it
    replaces) exceed its land, as in effect on each day of the lease (none before the zone
    exists), on some day."""
    land_use: str = values["land_use"]
    requested: Decimal = values["leased_ha"]
    lease = HeldLease.make(
        land_use, values["lease_start"], values["lease_end"], values.get("terminated_on"), requested
    )
    free = trees.least_free(lease, without=without).free_ha
    if requested > free:
        raise CapacityExceeded(
            zone_id=zone.id,
            zone_code=zone.code,
            land_use=land_use,
            requested_ha=requested,
            available_ha=max(free, Decimal(0)),
        )


def _ensure_project_code_free(session: Session, code: str | None, own_id: int | None) -> None:
    if code is None:
        return

    def taken(holder: int) -> DuplicateValue:
        return DuplicateValue(
            f"project code {code} is taken by project {holder}", field="project_code"
        )

    ensure_unique(
        session, Project.project_code, code, own_id=own_id, id_column=Project.id, error=taken
    )


def _code_taken(code: str | None) -> DuplicateValue:
    return DuplicateValue(f"project code {code} is taken", field="project_code")
