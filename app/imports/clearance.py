"""Importing clearance progress: a row per zone and date, matched by (zone_code,
recorded_on), created or corrected through the clearance service, so the cumulative rules
are checked against the zone's other records, stored and earlier in the file."""

from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from app.clearance import service
from app.clearance.schemas import NULLABLE_FIELDS, ClearanceCreate, ClearanceUpdate
from app.imports.common import Outcome, Progress, apply_row, changed, chunks, lookup
from app.imports.rows import error, required
from app.models import ClearanceRecord, Zone
from app.sheets.reading import Row, Sheet

COMPARED = tuple(ClearanceUpdate.model_fields)


def import_clearance(
    session: Session, sheet: Sheet, bad: Mapping[int, set[str]], progress: Progress, _today: date
) -> Outcome:
    outcome = Outcome()
    codes = [c for row in sheet.rows if isinstance(c := row.values.get("zone_code"), str)]
    zones = lookup(session, Zone.code, Zone.id, codes)
    stored = _stored_records(session, sheet, zones)
    first_row: dict[tuple[str, date], int] = {}
    for done, row in enumerate(sheet.rows, start=1):
        progress(done, len(sheet.rows))
        skip = bad.get(row.number, set())
        code, day = row.values.get("zone_code"), row.values.get("recorded_on")
        zone_id = zones.get(code) if isinstance(code, str) else None
        if isinstance(code, str) and zone_id is None:
            outcome.errors.append(
                error(
                    row.number,
                    "zone_code",
                    code,
                    f"no zone has the code {code}",
                    f"không có khu/cụm nào mang mã {code}",
                )
            )
        if isinstance(code, str) and isinstance(day, date):
            if (code, day) in first_row:
                earlier = first_row[code, day]
                outcome.errors.append(
                    error(
                        row.number,
                        "recorded_on",
                        day,
                        f"zone {code} already has a record dated {day} on row {earlier}",
                        f"khu/cụm {code} đã có số liệu ngày {day} ở dòng {earlier}",
                    )
                )
                continue
            first_row[code, day] = row.number
        given = {name: value for name, value in row.values.items() if name not in skip}
        given.pop("zone_code", None)
        record = (
            stored.get((zone_id, day)) if zone_id is not None and isinstance(day, date) else None
        )
        if record is None:
            _create(session, row, given, zone_id, skip, outcome)
        else:
            _update(session, row, given, record, skip, outcome)
    return outcome


def _stored_records(
    session: Session, sheet: Sheet, zones: Mapping[str, int]
) -> dict[tuple[int, date], ClearanceRecord]:
    keys = {
        (zones[code], day)
        for row in sheet.rows
        if isinstance(code := row.values.get("zone_code"), str)
        and code in zones
        and isinstance(day := row.values.get("recorded_on"), date)
    }
    found: dict[tuple[int, date], ClearanceRecord] = {}
    for batch in chunks(sorted(keys)):
        query = select(ClearanceRecord).where(
            tuple_(ClearanceRecord.zone_id, ClearanceRecord.recorded_on).in_(batch)
        )
        found.update({(r.zone_id, r.recorded_on): r for r in session.scalars(query)})
    return found


def _create(
    session: Session,
    row: Row,
    given: dict[str, Any],
    zone_id: int | None,
    skip: set[str],
    outcome: Outcome,
) -> None:
    payload = {name: value for name, value in given.items() if value is not None}
    write = None if zone_id is None else partial(service.add_record, session, zone_id)
    if apply_row(
        session,
        row,
        ClearanceCreate,
        payload,
        write,
        skip=skip,
        fallback="cleared_ha",
        errors=outcome.errors,
    ):
        outcome.created += 1


def _update(
    session: Session,
    row: Row,
    given: dict[str, Any],
    record: ClearanceRecord,
    skip: set[str],
    outcome: Outcome,
) -> None:
    if "cleared_ha" in given and given["cleared_ha"] is None:
        outcome.errors.append(required(row.number, "cleared_ha"))
        return
    given = {n: v for n, v in given.items() if v is not None or n in NULLABLE_FIELDS}
    stored = {name: getattr(record, name) for name in COMPARED}
    changes = changed(stored, given, COMPARED)
    if skip:
        return
    if not changes:
        outcome.unchanged += 1
        return
    if apply_row(
        session,
        row,
        ClearanceUpdate,
        changes,
        lambda data: service.update_record(
            session, record.zone_id, record.id, data.model_dump(exclude_unset=True)
        ),
        skip=skip,
        fallback="cleared_ha",
        errors=outcome.errors,
    ):
        outcome.updated += 1
