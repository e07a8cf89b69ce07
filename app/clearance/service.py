"""Land-clearance records: cumulative figures per zone and date that never go down."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clearance.schemas import CUMULATIVE_FIELDS, ClearanceCreate
from app.kit import audit
from app.kit.db import flush_or_raise, utcnow
from app.kit.errors import DuplicateValue, InvalidValues, NotFound
from app.kit.repo import get_or_404, paginate
from app.land.queries import lock_zone
from app.models import ClearanceRecord, Zone


def add_record(session: Session, zone_id: int, data: ClearanceCreate) -> ClearanceRecord:
    # The zone lock serialises records of one zone, so neighbour checks see every record.
    zone = lock_zone(session, zone_id)
    if zone is None:
        raise NotFound("zone", zone_id)
    if data.cleared_ha > zone.clearance_required_ha:
        raise InvalidValues(
            "cleared_ha",
            f"must not exceed the zone's clearance_required_ha ({zone.clearance_required_ha})",
        )
    _ensure_date_free(session, zone_id, data.recorded_on)
    _ensure_cumulative(session, zone_id, data)
    record = ClearanceRecord(zone_id=zone_id, **data.model_dump(), created_at=utcnow())
    session.add(record)
    flush_or_raise(session, _date_taken(zone_id, data.recorded_on))
    audit.record(session, "create", "clearance_record", record.id, after=audit.snapshot(record))
    return record


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


def _ensure_date_free(session: Session, zone_id: int, day: date) -> None:
    taken = session.scalar(
        select(ClearanceRecord.id).where(
            ClearanceRecord.zone_id == zone_id, ClearanceRecord.recorded_on == day
        )
    )
    if taken is not None:
        raise _date_taken(zone_id, day)


def _date_taken(zone_id: int, day: date) -> DuplicateValue:
    return DuplicateValue(
        f"zone {zone_id} already has a clearance record for {day}", field="recorded_on"
    )


def _ensure_cumulative(session: Session, zone_id: int, data: ClearanceCreate) -> None:
    """Each cumulative figure lies between the latest earlier and the earliest later value."""
    for field in CUMULATIVE_FIELDS:
        value = getattr(data, field)
        if value is None:
            continue
        column = getattr(ClearanceRecord, field)
        of_zone = (ClearanceRecord.zone_id == zone_id, column.is_not(None))
        earlier = session.scalar(
            select(func.max(column)).where(*of_zone, ClearanceRecord.recorded_on < data.recorded_on)
        )
        later = session.scalar(
            select(func.min(column)).where(*of_zone, ClearanceRecord.recorded_on > data.recorded_on)
        )
        if earlier is not None and value < earlier:
            raise InvalidValues(
                field, f"is cumulative and must not be below an earlier record's {earlier}"
            )
        if later is not None and value > later:
            raise InvalidValues(
                field, f"is cumulative and must not be above a later record's {later}"
            )
