"""Importing the register of zones: each row creates a zone (a new code) or revises one,
through the zone service, so every rule of POST and PATCH /zones applies unchanged."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.imports.common import Outcome, Progress, apply_row, changed, lookup
from app.imports.rows import error, required
from app.land.revisions import TIME_VARYING
from app.models import Zone
from app.sheets.reading import Row, Sheet
from app.zones import service
from app.zones.schemas import NULLABLE_FIELDS, ZoneCreate, ZoneUpdate

REQUIRED = tuple(name for name, f in ZoneCreate.model_fields.items() if f.is_required())
COMPARED = tuple(name for name in ZoneUpdate.model_fields if name not in ("code", "effective_from"))


def import_zones(
    session: Session, sheet: Sheet, bad: Mapping[int, set[str]], progress: Progress, today: date
) -> Outcome:
    outcome = Outcome()
    codes = [c for row in sheet.rows if isinstance(c := row.values.get("code"), str)]
    stored = lookup(session, Zone.code, Zone.id, codes)
    first_row: dict[str, int] = {}
    for done, row in enumerate(sheet.rows, start=1):
        progress(done, len(sheet.rows))
        skip = bad.get(row.number, set())
        code = row.values.get("code")
        if isinstance(code, str):
            if code in first_row:
                outcome.errors.append(
                    error(
                        row.number,
                        "code",
                        code,
                        f"zone {code} is already on row {first_row[code]}",
                        f"khu/cụm {code} đã có ở dòng {first_row[code]}",
                    )
                )
                continue
            first_row[code] = row.number
        zone_id = stored.get(code) if isinstance(code, str) else None
        if zone_id is None:
            _create(session, row, skip, outcome)
        else:
            _update(session, row, zone_id, skip, outcome, today)
    return outcome


def _given(row: Row, skip: set[str]) -> dict[str, Any]:
    return {name: value for name, value in row.values.items() if name not in skip}


def _create(session: Session, row: Row, skip: set[str], outcome: Outcome) -> None:
    payload = {name: value for name, value in _given(row, skip).items() if value is not None}
    if apply_row(
        session,
        row,
        ZoneCreate,
        payload,
        lambda data: service.create_zone(session, data),
        skip=skip,
        fallback="code",
        errors=outcome.errors,
    ):
        outcome.created += 1


def _update(
    session: Session, row: Row, zone_id: int, skip: set[str], outcome: Outcome, today: date
) -> None:
    given = _given(row, skip)
    dated = given.pop("effective_from", None)
    missing = [name for name in REQUIRED if name in given and given[name] is None]
    for name in missing:
        outcome.errors.append(required(row.number, name))
    # An empty cell clears a field that may be empty; the others keep what is stored.
    given = {
        name: value for name, value in given.items() if value is not None or name in NULLABLE_FIELDS
    }
    stored = service.get_zone(session, zone_id, dated or today, or_first_day=True).values()
    changes = changed(stored, given, COMPARED)
    if missing or skip:
        return
    if not changes:
        outcome.unchanged += 1
        return
    if dated is not None and changes.keys() & set(TIME_VARYING):
        changes["effective_from"] = dated
    if apply_row(
        session,
        row,
        ZoneUpdate,
        changes,
        lambda data: service.update_zone(
            session, zone_id, data.model_dump(exclude_unset=True), today=today
        ),
        skip=skip,
        fallback="code",
        errors=outcome.errors,
    ):
        outcome.updated += 1
