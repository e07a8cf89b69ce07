"""Zones: create, read, list, change and delete, with every rule of the contract.

What never changes about a zone (code, kind, establishment decision, coordinates) is a row of
`zones`; what changes with time is written as revisions, each from a date on, and read through
the states they fold into (app.land.revisions). A write that adds a revision rebuilds the
zone's states and checks every rule on each of them, leases and clearance records included.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, and_, bindparam, cast, delete, func, select
from sqlalchemy.orm import Session

from app.kit import audit
from app.kit.db import flush_or_raise, utcnow
from app.kit.errors import (
    Conflict,
    DuplicateValue,
    InvalidValues,
    LandInUse,
    LandOverbooked,
    NotFound,
)
from app.kit.etags import ensure_match
from app.kit.messages import number
from app.kit.repo import ensure_unique
from app.kit.text import like_pattern, search_fold, search_key
from app.land.capacity import Land, overbooked
from app.land.queries import (
    DAY,
    ZoneFigures,
    cleared_records,
    figures_by_zone,
    leased_industrial_of_zone,
    lock_zone,
    occupancy_by_zone,
    state_of_zone,
    state_on,
    zone_leases,
)
from app.land.rates import Occupancy
from app.land.revisions import AREA_FIELDS, TIME_VARYING, Revision, Span, first_day, fold, in_order
from app.models import ClearanceRecord, Project, Zone, ZoneRevision, ZoneState
from app.models.enums import LandUse
from app.zones.schemas import NULLABLE_FIELDS, ZoneCreate

ZONE_SORTS = ("code", "name", "occupancy_rate", "-occupancy_rate")
STATIC_FIELDS = ("code", "kind", "established_on", "decision_no", "latitude", "longitude")


@dataclass(frozen=True, slots=True)
class ZoneFilters:
    kind: str | None = None
    status: str | None = None
    province: str | None = None
    code: str | None = None
    q: str | None = None
    sort: str = "code"


@dataclass(frozen=True, slots=True)
class ZoneAt:
    """A zone as it stands on a date: its fixed fields and the state in effect then."""

    zone: Zone
    state: ZoneState

    def values(self) -> dict[str, Any]:
        fixed = {name: getattr(self.zone, name) for name in (*STATIC_FIELDS, "id")}
        varying = {name: getattr(self.state, name) for name in TIME_VARYING}
        stamps = {"created_at": self.zone.created_at, "updated_at": self.zone.updated_at}
        return fixed | varying | stamps


def _zones_on(day: date | ColumnElement[date]) -> Select[Zone, ZoneState]:
    return select(Zone, ZoneState).join(
        ZoneState, and_(ZoneState.zone_id == Zone.id, state_on(day))
    )


# One zone as it stands on a day, built once (app.land.queries: statements of a zone read).
_ZONE_ON = _zones_on(DAY).where(Zone.id == bindparam("zone_id"))


def get_zone(session: Session, zone_id: int, day: date, *, or_first_day: bool = False) -> ZoneAt:
    """The zone as it stands on `day`; 404 when it does not exist (then). With
    `or_first_day`, a zone that only begins after `day` is shown as on its first day."""
    row = session.execute(_ZONE_ON, {"zone_id": zone_id, "day": day}).one_or_none()
    if row is None and or_first_day:
        first = session.execute(
            select(Zone, ZoneState)
            .join(ZoneState, ZoneState.zone_id == Zone.id)
            .where(Zone.id == zone_id)
            .order_by(ZoneState.valid_from)
            .limit(1)
        ).one_or_none()
        if first is not None:
            return ZoneAt(first[0], first[1])
    if row is None:
        zone = session.get(Zone, zone_id)
        if zone is None:
            raise NotFound("zone", zone_id)
        begins = session.scalar(
            select(func.min(ZoneState.valid_from)).where(ZoneState.zone_id == zone_id)
        )
        raise NotFound(
            "zone",
            zone_id,
            detail=f"zone {zone.code} did not exist on {day}; it exists from {begins}",
        )
    return ZoneAt(row[0], row[1])


def get_zone_by_code(session: Session, code: str, day: date) -> ZoneAt:
    """The zone with this code (any case, as codes are stored upper-cased) as it stands on
    `day`, as get_zone; 404 for a code no zone has."""
    code = code.strip().upper()
    zone_id = session.scalar(select(Zone.id).where(Zone.code == code))
    if zone_id is None:
        raise NotFound("zone", code, detail=f"no zone has the code {code}")
    return get_zone(session, zone_id, day)


def occupancy_on(session: Session, zone: ZoneAt, day: date) -> Occupancy:
    return occupancy_by_zone(session, [zone.state], day)[zone.zone.id].occupancy


def with_figures(
    session: Session, zones: Sequence[ZoneAt], day: date
) -> list[tuple[ZoneAt, ZoneFigures]]:
    figures = figures_by_zone(session, [z.state for z in zones], day)
    return [(zone, figures[zone.zone.id]) for zone in zones]


def list_zones(
    session: Session, *, filters: ZoneFilters, limit: int, offset: int, day: date
) -> tuple[list[ZoneAt], int]:
    """One page of the zones that exist on `day`, filtered on their values then."""
    query, ordering = _matching(filters, day)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.execute(query.order_by(*ordering).limit(limit).offset(offset))
    return [ZoneAt(row[0], row[1]) for row in rows], total or 0


def all_zones(session: Session, *, filters: ZoneFilters, day: date) -> list[ZoneAt]:
    """Every zone of the filter on `day`, in the list's order: one query (the exports)."""
    query, ordering = _matching(filters, day)
    return [ZoneAt(row[0], row[1]) for row in session.execute(query.order_by(*ordering))]


def _matching(filters: ZoneFilters, day: date) -> tuple[Select[Zone, ZoneState], tuple[Any, ...]]:
    """The zones that exist on `day` and match the filters, and the order they are listed in."""
    query = _zones_on(day)
    if filters.kind:
        query = query.where(Zone.kind == filters.kind)
    if filters.status:
        query = query.where(ZoneState.status == filters.status)
    if filters.province:
        query = query.where(ZoneState.province_key == search_fold(filters.province))
    if filters.code:
        query = query.where(Zone.code == filters.code.strip().upper())
    if filters.q:
        query = query.where(ZoneState.search_text.like(like_pattern(filters.q), escape="\\"))
    if filters.sort in ("occupancy_rate", "-occupancy_rate"):
        leased = leased_industrial_of_zone(day)
        # Ordering only: the rate itself is computed exactly in app.land.rates.
        ratio = cast(func.coalesce(leased, 0), Float) / func.nullif(
            cast(ZoneState.industrial_land_ha, Float), 0
        )
        order = ratio.desc() if filters.sort.startswith("-") else ratio.asc()
        ordering: tuple[Any, ...] = (ratio.is_(None), order, Zone.code)
    elif filters.sort == "name":
        ordering = (ZoneState.name, Zone.id)
    else:
        ordering = (Zone.code, Zone.id)
    return query, ordering


def history(session: Session, zone_id: int) -> list[ZoneRevision]:
    """The zone's revisions, oldest first (a first revision without a date first)."""
    if session.get(Zone, zone_id) is None:
        raise NotFound("zone", zone_id)
    return _revisions(session, zone_id)


def create_zone(session: Session, data: ZoneCreate) -> Zone:
    values = data.model_dump()
    effective_from: date | None = values.pop("effective_from")
    if effective_from is None:
        effective_from = values["established_on"]
    if values["clearance_required_ha"] is None:
        values["clearance_required_ha"] = values["total_area_ha"]
    _check_land_rules(values)
    _check_coordinates(values)
    now = utcnow()
    zone = Zone(**{name: values[name] for name in STATIC_FIELDS}, created_at=now, updated_at=now)
    _ensure_code_free(session, zone.code, None)
    session.add(zone)
    flush_or_raise(session, DuplicateValue(f"zone code {zone.code} is taken", field="code"))
    varying = {name: values[name] for name in TIME_VARYING}
    revision = _add_revision(session, zone, effective_from, varying)
    _rebuild_states(session, zone, fold([_pure(revision)]))
    audit.record(session, "create", "zone", zone.id, after=_audited(zone, varying, revision))
    return zone


def update_zone(
    session: Session,
    zone_id: int,
    changes: Mapping[str, Any],
    *,
    today: date,
    if_match: str | None = None,
) -> Zone:
    """Change fixed fields in place, and time-varying ones by a revision from
    `effective_from` on (today by default); every state must still obey every rule."""
    changes = dict(changes)
    dated = changes.pop("effective_from", None)
    effective_from: date = dated or today
    if dated is not None and not changes.keys() & set(TIME_VARYING):
        raise InvalidValues(
            "effective_from",
            "dates a change of time-varying fields (" + ", ".join(TIME_VARYING) + "); "
            "this change sets none of them",
        )
    for name, value in changes.items():
        if value is None and name not in NULLABLE_FIELDS:
            raise InvalidValues(name, "may not be null")
    zone = lock_zone(session, zone_id)
    if zone is None:
        raise NotFound("zone", zone_id)
    ensure_match(zone, if_match)
    shown = state_of_zone(session, zone.id, today)
    before = audit.snapshot(zone) | audit.json_values(_varying(shown))
    fixed = {name: value for name, value in changes.items() if name in STATIC_FIELDS}
    varying = {name: value for name, value in changes.items() if name in TIME_VARYING}
    _check_coordinates({name: getattr(zone, name) for name in STATIC_FIELDS} | fixed)
    if "code" in fixed and fixed["code"] != zone.code:
        _ensure_code_free(session, fixed["code"], zone.id)
    revision = None
    if varying:
        revisions = _revisions(session, zone.id)
        begins = first_day([_pure(r) for r in revisions])
        if begins is not None and effective_from < begins:
            raise InvalidValues(
                "effective_from",
                f"zone {zone.code} exists from {begins} (its first revision); "
                "a change cannot take effect before that",
            )
        # Checked before anything is written: the new revision comes last on its date.
        latest = max((r.id for r in revisions), default=0) + 1
        spans = fold([*(_pure(r) for r in revisions), Revision(effective_from, latest, varying)])
        for span in spans:
            _check_land_rules(span.values, span)
        if varying.keys() & {"industrial_land_ha", "service_land_ha"}:
            _ensure_leases_fit(session, zone, spans)
        if "clearance_required_ha" in varying:
            _ensure_clearance_fits(session, zone, spans)
        revision = _add_revision(session, zone, effective_from, varying)
        _rebuild_states(session, zone, spans)
    for name, value in fixed.items():
        setattr(zone, name, value)
    zone.updated_at = utcnow()
    flush_or_raise(session, DuplicateValue(f"zone code {zone.code} is taken", field="code"))
    if revision is not None:
        shown = state_of_zone(session, zone.id, today)
    after = _audited(zone, _varying(shown), revision)
    audit.record(session, "update", "zone", zone.id, before=before, after=after)
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
            f"zone {zone.code} has {projects} project(s) and {records} clearance record(s); "
            "a zone with history cannot be deleted (set its status to closed instead)",
            zone_id=zone_id,
            zone_code=zone.code,
        )
    audit.record(session, "delete", "zone", zone.id, before=audit.snapshot(zone))
    session.execute(delete(ZoneState).where(ZoneState.zone_id == zone_id))
    session.execute(delete(ZoneRevision).where(ZoneRevision.zone_id == zone_id))
    session.delete(zone)
    session.flush()


# Revisions and states ----------------------------------------------------------------------


def add_revision(
    session: Session, zone: Zone, effective_from: date, changes: Mapping[str, Any]
) -> ZoneRevision:
    """Record a revision of a locked zone without checks beyond the land rules (a province
    change, which moves no land), and rebuild its states."""
    revisions = _revisions(session, zone.id)
    revision = _add_revision(session, zone, effective_from, changes)
    _rebuild_states(session, zone, fold([_pure(r) for r in [*revisions, revision]]))
    zone.updated_at = utcnow()
    return revision


def _revisions(session: Session, zone_id: int) -> list[ZoneRevision]:
    rows = session.scalars(select(ZoneRevision).where(ZoneRevision.zone_id == zone_id))
    by_id = {r.id: r for r in rows}
    return [by_id[p.order] for p in in_order(_pure(r) for r in by_id.values())]


def _add_revision(
    session: Session, zone: Zone, effective_from: date | None, changes: Mapping[str, Any]
) -> ZoneRevision:
    revision = ZoneRevision(
        zone_id=zone.id,
        effective_from=effective_from,
        changes={name: _stored(name, value) for name, value in changes.items()},
        recorded_at=utcnow(),
        recorded_by=session.info.get(audit.ACTOR, "system"),
    )
    session.add(revision)
    session.flush()
    return revision


def _stored(name: str, value: Any) -> Any:
    # Areas as decimal text: JSON numbers would pass through binary floating point.
    return str(value) if name in AREA_FIELDS else value


def revision_values(revision: ZoneRevision) -> dict[str, Any]:
    return {
        name: Decimal(value) if name in AREA_FIELDS else value
        for name, value in revision.changes.items()
    }


def _pure(revision: ZoneRevision) -> Revision:
    return Revision(revision.effective_from, revision.id, revision_values(revision))


def _rebuild_states(session: Session, zone: Zone, spans: Sequence[Span]) -> None:
    session.execute(delete(ZoneState).where(ZoneState.zone_id == zone.id))
    session.add_all(
        ZoneState(
            zone_id=zone.id,
            valid_from=span.valid_from,
            valid_to=span.valid_to,
            **{name: span.values[name] for name in TIME_VARYING},
            search_text=search_key(span.values["name"], zone.code),
            province_key=search_fold(span.values["province"]),
        )
        for span in spans
    )
    session.flush()


def _varying(state: ZoneState | None) -> dict[str, Any]:
    if state is None:  # the zone does not exist today (it begins later)
        return {}
    return {name: getattr(state, name) for name in TIME_VARYING}


def _audited(
    zone: Zone, values: Mapping[str, Any], revision: ZoneRevision | None
) -> dict[str, Any]:
    """The audit trail's picture of a zone: its fields as they stand today (or as the new
    zone's first revision sets them), and the revision the write recorded, if any."""
    snapshot = audit.snapshot(zone) | audit.json_values(values)
    if revision is None:
        return snapshot
    start = revision.effective_from
    return snapshot | {
        "revision": {
            "effective_from": start.isoformat() if start else None,
            "changes": revision.changes,
        }
    }


# Rules --------------------------------------------------------------------------------------


def _during(span: Span | None) -> str:
    if span is None or (span.valid_from is None and span.valid_to is None):
        return ""
    start = span.valid_from or "the beginning"
    end = f" until {span.valid_to}" if span.valid_to else " on"
    return f" (in effect from {start}{end})"


def _check_land_rules(values: Mapping[str, Any], span: Span | None = None) -> None:
    """The land rules of one state. Over the total, the field to fix is the leasable land
    (industrial_land_ha, and clearance_required_ha): the total is the zone's area as its
    establishment decision fixes it, the figure least often mistyped."""
    total: Decimal = values["total_area_ha"]
    if values["industrial_land_ha"] + values["service_land_ha"] > total:
        raise InvalidValues(
            "industrial_land_ha",
            f"industrial_land_ha + service_land_ha must not exceed total_area_ha "
            f"({number(total)} ha){_during(span)}",
        )
    if values["clearance_required_ha"] > total:
        raise InvalidValues(
            "clearance_required_ha",
            f"must not exceed total_area_ha ({number(total)} ha){_during(span)}",
        )


def _check_coordinates(values: Mapping[str, Any]) -> None:
    """Latitude and longitude go together; the error names the one missing, which is the
    one to add."""
    latitude, longitude = values["latitude"], values["longitude"]
    if latitude is not None and longitude is None:
        raise InvalidValues("longitude", _TOGETHER.format(other="latitude"))
    if latitude is None and longitude is not None:
        raise InvalidValues("latitude", _TOGETHER.format(other="longitude"))


_TOGETHER = "is required with {other}: latitude and longitude go together (both or neither)"


def _ensure_leases_fit(session: Session, zone: Zone, spans: Sequence[Span]) -> None:
    """The leases of each land use fit the land in effect on every day (409 otherwise)."""
    for land_use in LandUse:
        column = f"{land_use}_land_ha"
        land = [Land(s.valid_from, s.valid_to, s.values[column]) for s in spans]
        short = overbooked(zone_leases(session, zone.id, land_use), land)
        if short is not None:
            raise LandOverbooked(
                zone_id=zone.id,
                zone_code=zone.code,
                land_use=land_use,
                held_ha=short.held_ha,
                land_ha=short.land_ha,
                start=short.start,
                end=short.end,
            )


def _ensure_clearance_fits(session: Session, zone: Zone, spans: Sequence[Span]) -> None:
    """On no day do the clearance records state more land cleared than needs clearing then:
    a (cumulative) record holds from its date until the next one."""
    records = cleared_records(session, zone.id)
    for span in spans:
        stated = [(day, ha) for day, ha in records if span.valid_to is None or day < span.valid_to]
        if not stated:
            continue
        recorded_on, cleared = stated[-1]
        required: Decimal = span.values["clearance_required_ha"]
        if cleared > required:
            raise LandInUse(
                f"the clearance record of zone {zone.code} on {recorded_on} states "
                f"{number(cleared)} ha cleared; clearance_required_ha cannot be below that"
                f"{_during(span)}",
                zone_id=zone.id,
                zone_code=zone.code,
                cleared_ha=float(cleared),
                recorded_on=recorded_on.isoformat(),
            )


def _ensure_code_free(session: Session, code: str, own_id: int | None) -> None:
    def taken(holder: int) -> DuplicateValue:
        return DuplicateValue(f"zone code {code} is taken by zone id {holder}", field="code")

    ensure_unique(session, Zone.code, code, own_id=own_id, id_column=Zone.id, error=taken)
