"""Land-clearance records: cumulative figures per zone and date that never go down.

Every write locks the zone first, so the checks against the zone's other records see all of
them; a correction (update or delete) is checked against the other records the same way a new
record is.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.clearance.schemas import CUMULATIVE_FIELDS, NULLABLE_FIELDS, ClearanceCreate
from app.kit import audit
from app.kit.db import flush_or_raise, utcnow
from app.kit.errors import DuplicateValue, InvalidValues, NotFound
from app.kit.etags import ensure_match
from app.kit.messages import number
from app.kit.repo import get_or_404, paginate
from app.land.queries import least_required_from, lock_zone
from app.models import ClearanceRecord, Zone

_WRITABLE = tuple(ClearanceCreate.model_fields)


def add_record(session: Session, zone_id: int, data: ClearanceCreate) -> ClearanceRecord:
    # The zone lock serialises records of one zone, so neighbour checks see every record.
    zone = _locked_zone(session, zone_id)
    values = data.model_dump()
    _check_record_rules(session, zone, values, own_id=None)
    now = utcnow()
    record = ClearanceRecord(zone_id=zone_id, **values, created_at=now, updated_at=now)
    session.add(record)
    flush_or_raise(session, _date_taken(zone, data.recorded_on))
    audit.record(session, "create", "clearance_record", record.id, after=audit.snapshot(record))
    return record


def update_record(
    session: Session,
    zone_id: int,
    record_id: int,
    changes: Mapping[str, Any],
    *,
    if_match: str | None = None,
) -> ClearanceRecord:
    """Correct some fields of a record; the merged record obeys every rule of a new one,
    checked against the zone's other records."""
    for name, value in changes.items():
        if value is None and name not in NULLABLE_FIELDS:
            raise InvalidValues(name, "may not be null")
    zone = _locked_zone(session, zone_id)
    record = _reload(session, zone_id, record_id)
    ensure_match(record, if_match)
    values = {name: getattr(record, name) for name in _WRITABLE} | dict(changes)
    _check_record_rules(session, zone, values, own_id=record.id)
    before = audit.snapshot(record)
    for name, value in changes.items():
        setattr(record, name, value)
    record.updated_at = utcnow()
    flush_or_raise(session, _date_taken(zone, record.recorded_on))
    audit.record(
        session,
        "update",
        "clearance_record",
        record.id,
        before=before,
        after=audit.snapshot(record),
    )
    return record


def delete_record(
    session: Session, zone_id: int, record_id: int, *, if_match: str | None = None
) -> None:
    """Delete a record entered by mistake. What is left still never goes down with time."""
    _locked_zone(session, zone_id)
    record = _reload(session, zone_id, record_id)
    ensure_match(record, if_match)
    audit.record(session, "delete", "clearance_record", record.id, before=audit.snapshot(record))
    session.delete(record)
    session.flush()


def get_record(session: Session, zone_id: int, record_id: int) -> ClearanceRecord:
    record = session.get(ClearanceRecord, record_id)
    if record is None or record.zone_id != zone_id:
        raise NotFound("clearance record", record_id)
    return record


def list_records(
    session: Session, zone_id: int, *, limit: int, offset: int
) -> tuple[list[ClearanceRecord], int]:
    get_or_404(session, Zone, zone_id, name="zone")
    query = select(ClearanceRecord).where(ClearanceRecord.zone_id == zone_id)
    order = (ClearanceRecord.recorded_on,)
    return paginate(session, query, order_by=order, limit=limit, offset=offset)


def all_records(session: Session, zone_id: int) -> tuple[Zone, list[ClearanceRecord]]:
    """The zone and every one of its records, oldest first (the exports)."""
    zone = get_or_404(session, Zone, zone_id, name="zone")
    query = select(ClearanceRecord).where(ClearanceRecord.zone_id == zone_id)
    return zone, list(session.scalars(query.order_by(ClearanceRecord.recorded_on)))


def _required_ha(session: Session, zone: Zone, day: date) -> Decimal:
    """The most a record dated `day` may state cleared: the least area needing clearance on
    any day from then on (a cumulative record holds until a later one, which states no
    less). A record cannot be dated before the zone exists."""
    required = least_required_from(session, zone.id, day)
    if required is None:
        raise InvalidValues(
            "recorded_on", f"zone {zone.code} does not exist yet on {day} (see its history)"
        )
    return required


def _locked_zone(session: Session, zone_id: int) -> Zone:
    zone = lock_zone(session, zone_id)
    if zone is None:
        raise NotFound("zone", zone_id)
    return zone


def _reload(session: Session, zone_id: int, record_id: int) -> ClearanceRecord:
    """The record as stored now (read after the zone lock, so no writer is changing it)."""
    record = session.scalars(
        select(ClearanceRecord)
        .where(ClearanceRecord.id == record_id, ClearanceRecord.zone_id == zone_id)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if record is None:
        raise NotFound("clearance record", record_id)
    return record


def _check_record_rules(
    session: Session, zone: Zone, values: Mapping[str, Any], *, own_id: int | None
) -> None:
    """Every rule of a record with these values, against the zone's records other than
    `own_id` (the record being corrected, or None for a new one)."""
    total, relocated = values["households_total"], values["households_relocated"]
    if total is not None and relocated is not None and relocated > total:
        raise InvalidValues("households_relocated", f"must not exceed households_total ({total})")
    day: date = values["recorded_on"]
    required = _required_ha(session, zone, day)
    if values["cleared_ha"] > required:
        raise InvalidValues(
            "cleared_ha",
            f"must not exceed the zone's clearance_required_ha ({number(required)} ha)",
        )
    others = _others(zone.id, own_id)
    _ensure_date_free(session, zone, day, others)
    _ensure_cumulative(session, values, others)


def _others(zone_id: int, own_id: int | None) -> tuple[ColumnElement[bool], ...]:
    """The conditions that select the zone's records other than `own_id`."""
    of_zone = ClearanceRecord.zone_id == zone_id
    return (of_zone,) if own_id is None else (of_zone, ClearanceRecord.id != own_id)


def _ensure_date_free(
    session: Session, zone: Zone, day: date, others: tuple[ColumnElement[bool], ...]
) -> None:
    taken = session.scalar(
        select(ClearanceRecord.id).where(*others, ClearanceRecord.recorded_on == day)
    )
    if taken is not None:
        raise _date_taken(zone, day)


def _date_taken(zone: Zone, day: date) -> DuplicateValue:
    return DuplicateValue(
        f"zone {zone.code} already has a clearance record for {day}",
        field="recorded_on",
        zone_id=zone.id,
        zone_code=zone.code,
    )


def _n(value: Any) -> str:
    """A cumulative figure as typed: hectares without their column's trailing zeros."""
    return number(value) if isinstance(value, Decimal | int) else str(value)


def _ensure_cumulative(
    session: Session, values: Mapping[str, Any], others: tuple[ColumnElement[bool], ...]
) -> None:
    """Each cumulative figure lies between the latest earlier and the earliest later value."""
    day: date = values["recorded_on"]
    for field in CUMULATIVE_FIELDS:
        value = values[field]
        if value is None:
            continue
        column = getattr(ClearanceRecord, field)
        stated = (*others, column.is_not(None))
        earlier = session.scalar(
            select(func.max(column)).where(*stated, ClearanceRecord.recorded_on < day)
        )
        later = session.scalar(
            select(func.min(column)).where(*stated, ClearanceRecord.recorded_on > day)
        )
        if earlier is not None and value < earlier:
            raise InvalidValues(
                field, f"is cumulative and must not be below an earlier record's {_n(earlier)}"
            )
        if later is not None and value > later:
            raise InvalidValues(
                field, f"is cumulative and must not be above a later record's {_n(later)}"
            )
