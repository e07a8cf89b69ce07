"""Zones: create, read, list, change and delete, with every rule of the contract."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, cast, func, select
from sqlalchemy.orm import Session

from app.kit import audit
from app.kit.db import flush_or_raise, utcnow
from app.kit.errors import Conflict, DuplicateValue, InvalidValues, LandInUse, NotFound
from app.kit.etags import ensure_match
from app.kit.repo import ensure_unique, get_or_404, paginate
from app.kit.text import like_pattern, search_key
from app.land.capacity import peak_held_ever
from app.land.queries import (
    ZoneFigures,
    figures_by_zone,
    leased_industrial_of_zone,
    lock_zone,
    most_cleared_ha,
    occupancy_by_zone,
    zone_leases,
)
from app.land.rates import Occupancy
from app.models import ClearanceRecord, Project, Zone
from app.zones.schemas import NULLABLE_FIELDS, ZoneCreate

ZONE_SORTS = ("code", "name", "occupancy_rate", "-occupancy_rate")


@dataclass(frozen=True, slots=True)
class ZoneFilters:
    kind: str | None = None
    status: str | None = None
    province: str | None = None
    code: str | None = None
    q: str | None = None
    sort: str = "code"


def get_zone(session: Session, zone_id: int) -> Zone:
    return get_or_404(session, Zone, zone_id, name="zone")


def occupancy_on(session: Session, zone: Zone, day: date) -> Occupancy:
    return occupancy_by_zone(session, [zone], day)[zone.id].occupancy


def with_figures(
    session: Session, zones: Sequence[Zone], day: date
) -> list[tuple[Zone, ZoneFigures]]:
    figures = figures_by_zone(session, zones, day)
    return [(zone, figures[zone.id]) for zone in zones]


def list_zones(
    session: Session, *, filters: ZoneFilters, limit: int, offset: int, day: date
) -> tuple[list[Zone], int]:
    query = select(Zone)
    if filters.kind:
        query = query.where(Zone.kind == filters.kind)
    if filters.status:
        query = query.where(Zone.status == filters.status)
    if filters.province:
        query = query.where(Zone.province == filters.province)
    if filters.code:
        query = query.where(Zone.code == filters.code.strip().upper())
    if filters.q:
        query = query.where(Zone.search_text.like(like_pattern(filters.q), escape="\\"))
    if filters.sort in ("occupancy_rate", "-occupancy_rate"):
        leased = leased_industrial_of_zone(day)
        # Ordering only: the rate itself is computed exactly in app.land.rates.
        ratio = cast(func.coalesce(leased, 0), Float) / func.nullif(
            cast(Zone.industrial_land_ha, Float), 0
        )
        order = ratio.desc() if filters.sort.startswith("-") else ratio.asc()
        ordering: tuple[Any, ...] = (ratio.is_(None), order, Zone.code)
    else:
        ordering = (getattr(Zone, filters.sort), Zone.id)
    return paginate(session, query, order_by=ordering, limit=limit, offset=offset)


def create_zone(session: Session, data: ZoneCreate) -> Zone:
    values = data.model_dump()
    if values["clearance_required_ha"] is None:
        values["clearance_required_ha"] = values["total_area_ha"]
    _check_zone_rules(values)
    now = utcnow()
    zone = Zone(**values, search_text=search_key(values["name"], values["code"]))
    zone.created_at = zone.updated_at = now
    _ensure_code_free(session, zone.code, None)
    session.add(zone)
    flush_or_raise(session, DuplicateValue(f"zone code {zone.code} is taken", field="code"))
    audit.record(session, "create", "zone", zone.id, after=audit.snapshot(zone))
    return zone


def update_zone(
    session: Session, zone_id: int, changes: Mapping[str, Any], *, if_match: str | None = None
) -> Zone:
    for name, value in changes.items():
        if value is None and name not in NULLABLE_FIELDS:
            raise InvalidValues(name, "may not be null")
    zone = lock_zone(session, zone_id)
    if zone is None:
        raise NotFound("zone", zone_id)
    ensure_match(zone, if_match)
    values = {column: getattr(zone, column) for column in _WRITABLE} | dict(changes)
    _check_zone_rules(values)
    if "code" in changes and changes["code"] != zone.code:
        _ensure_code_free(session, changes["code"], zone.id)
    for land_use, column in (("industrial", "industrial_land_ha"), ("service", "service_land_ha")):
        if values[column] < getattr(zone, column):
            held = peak_held_ever(zone_leases(session, zone.id, land_use))
            if held > values[column]:
                raise LandInUse(
                    f"leases hold up to {held} ha of {land_use} land in zone {zone.id}; "
                    f"{column} cannot go below that",
                    zone_id=zone.id,
                    land_use=land_use,
                    held_ha=float(held),
                )
    if values["clearance_required_ha"] < zone.clearance_required_ha:
        cleared = most_cleared_ha(session, zone.id)
        if cleared is not None and cleared > values["clearance_required_ha"]:
            raise LandInUse(
                f"clearance records of zone {zone.id} state {cleared} ha cleared; "
                "clearance_required_ha cannot go below that",
                zone_id=zone.id,
                cleared_ha=float(cleared),
            )
    before = audit.snapshot(zone)
    for name, value in changes.items():
        setattr(zone, name, value)
    zone.search_text = search_key(zone.name, zone.code)
    zone.updated_at = utcnow()
    flush_or_raise(session, DuplicateValue(f"zone code {zone.code} is taken", field="code"))
    audit.record(session, "update", "zone", zone.id, before=before, after=audit.snapshot(zone))
    return zone


def delete_zone(session: Session, zone_id: int, *, if_match: str | None = None) -> None:
    zone = lock_zone(session, zone_id)
    if zone is None:
        raise NotFound("zone", zone_id)
    ensure_match(zone, if_match)
    projects = session.scalar(select(func.count()).where(Project.zone_id == zone_id)) or 0
    records = session.scalar(select(func.count()).where(ClearanceRecord.zone_id == zone_id)) or 0
    if projects or records:
        raise Conflict(
            f"zone {zone_id} has {projects} project(s) and {records} clearance record(s); "
            "a zone with history cannot be deleted (set its status to closed instead)",
            zone_id=zone_id,
        )
    audit.record(session, "delete", "zone", zone.id, before=audit.snapshot(zone))
    session.delete(zone)
    session.flush()


_WRITABLE = tuple(ZoneCreate.model_fields)


def _check_zone_rules(values: Mapping[str, Any]) -> None:
    total: Decimal = values["total_area_ha"]
    if values["industrial_land_ha"] + values["service_land_ha"] > total:
        raise InvalidValues(
            "industrial_land_ha",
            "industrial_land_ha + service_land_ha must not exceed total_area_ha",
        )
    if values["clearance_required_ha"] > total:
        raise InvalidValues("clearance_required_ha", "must not exceed total_area_ha")
    if (values["latitude"] is None) != (values["longitude"] is None):
        raise InvalidValues("latitude", "latitude and longitude go together: give both or neither")


def _ensure_code_free(session: Session, code: str, own_id: int | None) -> None:
    def taken(holder: int) -> DuplicateValue:
        return DuplicateValue(f"zone code {code} is taken by zone {holder}", field="code")

    ensure_unique(session, Zone.code, code, own_id=own_id, id_column=Zone.id, error=taken)
