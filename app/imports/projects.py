"""Importing investor projects, in bulk: tens of thousands of rows in one transaction.

Rows are checked in file order as if each were registered through the API in turn: the
schema, the project rules, project codes unique across the file and the stored data, and the
capacity invariant against the land in effect on every day and the leases stored and on the
rows above. The zones the file touches stay locked from the first read to the commit, so API
writers wait and see the import's leases (or it sees theirs). The checks run on pure values
(app.land.capacity), so the cost per row does not grow with the size of the file; the new rows
are then written in batches.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.imports.common import Outcome, Progress, changed, chunks, lock_zones, lookup
from app.imports.rows import RowError, error, required, schema_errors, shown
from app.kit import audit
from app.kit.db import copy_rows, utcnow
from app.kit.errors import DuplicateValue, InvalidValues
from app.kit.text import search_key
from app.land.capacity import Land, Lease, lease_end, least_free
from app.models import Project, Zone, ZoneState
from app.models.enums import LandUse, ProjectState
from app.projects.schemas import NULLABLE_FIELDS, ProjectCreate, ProjectUpdate
from app.projects.service import check_project_rules
from app.sheets.reading import Row, Sheet

WRITABLE = tuple(name for name in ProjectCreate.model_fields if name != "zone_id")
LAND_FIELDS = ("land_use", "leased_ha", "lease_start", "lease_end")
REQUIRED = tuple(
    n for n, f in ProjectCreate.model_fields.items() if f.is_required() and n != "zone_id"
)
BATCH = 2000
NEXT_IDS = text(
    "SELECT nextval(pg_get_serial_sequence('projects', 'id')) FROM generate_series(1, :n)"
)
# A lease not yet stored: keyed by its row number instead of a project id.
Key = int | tuple[str, int]


@dataclass
class Ledger:
    """Land and leases of the zones the file touches, as pure values, kept current as rows
    are accepted."""

    land: dict[tuple[int, str], list[Land]] = field(default_factory=dict)
    leases: dict[tuple[int, str], dict[Key, Lease]] = field(default_factory=dict)
    # Where each lease is held, so that a row moving a lease to the other land use frees it.
    where: dict[Key, tuple[int, str]] = field(default_factory=dict)

    def free(self, zone_id: int, use: str, own: Key, start: date, end: date | None) -> Decimal:
        others = [lease for key, lease in self.leases.get((zone_id, use), {}).items() if key != own]
        return least_free(others, self.land.get((zone_id, use), []), start, end).free_ha

    def hold(self, zone_id: int, use: str, own: Key, lease: Lease) -> None:
        if own in self.where:
            self.leases[self.where[own]].pop(own, None)
        self.leases.setdefault((zone_id, use), {})[own] = lease
        self.where[own] = (zone_id, use)


def import_projects(
    session: Session, sheet: Sheet, bad: Mapping[int, set[str]], progress: Progress, _today: date
) -> Outcome:
    outcome = Outcome()
    rows = sheet.rows
    zones = lookup(session, Zone.code, Zone.id, _texts(rows, "zone_code"))
    by_id = _stored(
        session, Project.id, {v for r in rows if isinstance(v := r.values.get("id"), int)}
    )
    by_code = _stored(session, Project.project_code, set(_texts(rows, "project_code")))
    touched = set(zones.values()) | {p.zone_id for p in [*by_id.values(), *by_code.values()]}
    lock_zones(session, touched)
    ledger = _ledger(session, touched)
    codes_of = {zone_id: code for code, zone_id in zones.items()}
    codes_of |= lookup(session, Zone.id, Zone.code, touched - set(codes_of))
    claimed: dict[str, tuple[int, Key]] = {}  # project code -> (row, whose)
    creates: list[dict[str, Any]] = []
    updates: list[tuple[Project, dict[str, Any]]] = []
    for done, row in enumerate(rows, start=1):
        if done % 500 == 0 or done == len(rows):
            progress(done, len(rows))
        skip = bad.get(row.number, set())
        named, found = _match(row, by_id, by_code, outcome.errors)
        if not named:
            continue
        if found is None:
            values = _new(row, skip, zones, outcome.errors)
            key: Key = ("row", row.number)
            zone_id = values["zone_id"] if values else None
        else:
            values = _changes(row, skip, found, codes_of, outcome.errors)
            key, zone_id = found.id, found.zone_id
        if values is None or zone_id is None:
            continue
        code = (
            values.get("project_code")
            if found is None
            else values.get("project_code", found.project_code)
        )
        if code is not None and not _claim(row, code, key, claimed, by_code, outcome.errors):
            continue
        merged = values if found is None else _merged(found, values)
        if found is None or values.keys() & set(LAND_FIELDS):
            if not _fits(row, zone_id, codes_of[zone_id], key, merged, ledger, outcome.errors):
                continue
        if found is None:
            creates.append(values)
        elif values:
            updates.append((found, values))
        else:
            outcome.unchanged += 1
    if outcome.errors:
        return outcome
    _write(session, creates, updates, progress)
    outcome.created, outcome.updated = len(creates), len(updates)
    return outcome


def _texts(rows: list[Row], name: str) -> list[str]:
    return [v for row in rows if isinstance(v := row.values.get(name), str)]


def _stored(session: Session, column: Any, keys: set[Any]) -> dict[Any, Project]:
    found: dict[Any, Project] = {}
    for batch in chunks(sorted(keys)):
        for project in session.scalars(select(Project).where(column.in_(batch))):
            found[getattr(project, column.key)] = project
    return found


def _ledger(session: Session, zone_ids: set[int]) -> Ledger:
    ledger = Ledger()
    for batch in chunks(sorted(zone_ids)):
        states = select(
            ZoneState.zone_id,
            ZoneState.valid_from,
            ZoneState.valid_to,
            ZoneState.industrial_land_ha,
            ZoneState.service_land_ha,
        ).where(ZoneState.zone_id.in_(batch))
        for zone_id, start, end, industrial, service in session.execute(states):
            ledger.land.setdefault((zone_id, LandUse.INDUSTRIAL), []).append(
                Land(start, end, industrial)
            )
            ledger.land.setdefault((zone_id, LandUse.SERVICE), []).append(Land(start, end, service))
        leases = select(
            Project.id,
            Project.zone_id,
            Project.land_use,
            Project.lease_start,
            Project.lease_end,
            Project.terminated_on,
            Project.leased_ha,
        ).where(Project.zone_id.in_(batch))
        for pid, zone_id, use, start, end, terminated, area in session.execute(leases):
            lease = Lease(start, lease_end(end, terminated), area)
            ledger.leases.setdefault((zone_id, use), {})[pid] = lease
            ledger.where[pid] = (zone_id, use)
    return ledger


def _match(
    row: Row, by_id: Mapping[Any, Project], by_code: Mapping[Any, Project], errors: list[RowError]
) -> tuple[bool, Project | None]:
    """The stored project a row names (by id, else by project code; None for a new one),
    and False when it names one by an id that does not exist."""
    project_id = row.values.get("id")
    if isinstance(project_id, int):
        if project_id in by_id:
            return True, by_id[project_id]
        errors.append(
            error(
                row.number,
                "id",
                project_id,
                f"no project has the id {project_id}; leave id empty to add a new project",
                f"không có dự án nào có mã hệ thống {project_id}; để trống cột này khi thêm dự án mới",
            )
        )
        return False, None
    code = row.values.get("project_code")
    return True, by_code.get(code) if isinstance(code, str) else None


def _new(
    row: Row, skip: set[str], zones: Mapping[str, int], errors: list[RowError]
) -> dict[str, Any] | None:
    given = {n: v for n, v in row.values.items() if n not in skip and v is not None}
    given.pop("id", None)
    code = given.pop("zone_code", None)
    zone_id = zones.get(code) if isinstance(code, str) else None
    if isinstance(code, str) and zone_id is None:
        errors.append(
            error(
                row.number,
                "zone_code",
                code,
                f"no zone has the code {code}",
                f"không có khu/cụm nào mang mã {code}",
            )
        )
    if given.get("status") == ProjectState.TERMINATED:
        errors.append(_terminated_status(row))
        given.pop("status")
    try:
        data = ProjectCreate.model_validate(given | {"zone_id": zone_id or 1})
    except ValidationError as exc:
        found = schema_errors(row.number, row.values, exc, columns={"zone_id": "zone_code"})
        errors += [e for e in found if e.column not in skip]
        return None
    if skip or zone_id is None or "zone_code" not in row.values:
        return None
    values = data.model_dump() | {"zone_id": zone_id}
    return values if _rules_hold(row, values, errors) else None


def _changes(
    row: Row, skip: set[str], project: Project, codes_of: Mapping[int, str], errors: list[RowError]
) -> dict[str, Any] | None:
    """What a row changes in a stored project (empty: nothing), None when it cannot."""
    given = {n: v for n, v in row.values.items() if n not in skip and n != "id"}
    ok = True
    code = given.pop("zone_code", None)
    if code is not None and code != codes_of.get(project.zone_id):
        errors.append(
            error(
                row.number,
                "zone_code",
                code,
                f"project {project.id} is in zone {codes_of.get(project.zone_id)}; a project cannot move to another zone",
                f"dự án {project.id} thuộc khu/cụm {codes_of.get(project.zone_id)}; không thể chuyển dự án sang khu/cụm khác",
            )
        )
        ok = False
    status = given.get("status")
    if project.terminated_on is not None or status == ProjectState.TERMINATED:
        if status == ProjectState.TERMINATED and project.terminated_on is not None:
            given.pop("status")
        elif status is not None:
            errors.append(
                _terminated_status(row)
                if project.terminated_on is None
                else error(
                    row.number,
                    "status",
                    status,
                    f"project {project.id} was terminated on {project.terminated_on}; its status stays terminated",
                    f"dự án {project.id} đã chấm dứt ngày {project.terminated_on}; tình trạng giữ nguyên là chấm dứt",
                )
            )
            ok = False
    for name in REQUIRED:
        if name in given and given[name] is None:
            errors.append(required(row.number, name))
            ok = False
    given = {n: v for n, v in given.items() if v is not None or n in NULLABLE_FIELDS}
    stored = {name: getattr(project, name) for name in WRITABLE}
    changes = changed(stored, given, WRITABLE)
    if not ok or skip:
        return None
    try:
        data = ProjectUpdate.model_validate(changes)
    except ValidationError as exc:
        errors += schema_errors(row.number, row.values, exc)
        return None
    changes = data.model_dump(exclude_unset=True)
    merged = _merged(project, changes)
    if not _rules_hold(row, merged, errors):
        return None
    if project.terminated_on is not None and merged["lease_start"] > project.terminated_on:
        errors.append(
            error(
                row.number,
                "lease_start",
                merged["lease_start"],
                "must not be after the project's termination date",
            )
        )
        return None
    return changes


def _merged(project: Project, changes: Mapping[str, Any]) -> dict[str, Any]:
    return (
        {name: getattr(project, name) for name in WRITABLE}
        | {"terminated_on": project.terminated_on}
        | dict(changes)
    )


def _rules_hold(row: Row, values: Mapping[str, Any], errors: list[RowError]) -> bool:
    try:
        check_project_rules(values)
    except InvalidValues as exc:
        for item in exc.extensions["errors"]:
            errors.append(
                error(row.number, item["field"], values.get(item["field"]), item["message"])
            )
        return False
    return True


def _terminated_status(row: Row) -> RowError:
    return error(
        row.number,
        "status",
        ProjectState.TERMINATED,
        "a project is terminated through the API (POST /api/v1/projects/{id}/terminate), "
        "with its date and reason; a spreadsheet cannot set it",
        "dự án được chấm dứt qua API (POST /api/v1/projects/{id}/terminate) với ngày và lý do; "
        "bảng tính không đặt được tình trạng này",
    )


def _claim(
    row: Row,
    code: str,
    key: Key,
    claimed: dict[str, tuple[int, Key]],
    by_code: Mapping[Any, Project],
    errors: list[RowError],
) -> bool:
    """A project code belongs to one project, stored or on the file."""
    if code in claimed and claimed[code][1] != key:
        errors.append(
            error(
                row.number,
                "project_code",
                code,
                f"project code {code} is already on row {claimed[code][0]}",
                f"mã dự án {code} đã có ở dòng {claimed[code][0]}",
            )
        )
        return False
    holder = by_code.get(code)
    if holder is not None and holder.id != key:
        errors.append(
            error(
                row.number,
                "project_code",
                code,
                f"project code {code} is taken by project {holder.id}",
                f"mã dự án {code} đã thuộc về dự án {holder.id}",
            )
        )
        return False
    claimed[code] = (row.number, key)
    return True


def _fits(
    row: Row,
    zone_id: int,
    zone_code: str,
    key: Key,
    values: Mapping[str, Any],
    ledger: Ledger,
    errors: list[RowError],
) -> bool:
    use: str = values["land_use"]
    start: date = values["lease_start"]
    end = lease_end(values["lease_end"], values.get("terminated_on"))
    requested: Decimal = values["leased_ha"]
    free = max(ledger.free(zone_id, use, key, start, end), Decimal(0))
    if requested > free:
        until = f"to {end}" if end else "on"
        ha, asked = shown(free), shown(requested)
        errors.append(
            error(
                row.number,
                "leased_ha",
                requested,
                f"zone {zone_code} has {ha} ha of {use} land free from {start} {until} "
                f"(counting the leases stored and on the rows above); {asked} ha requested",
                f"khu/cụm {zone_code} chỉ còn {ha} ha đất "
                f"{'công nghiệp' if use == LandUse.INDUSTRIAL else 'dịch vụ'} trống từ {start} "
                f"{'đến ' + str(end) if end else 'trở đi'} (tính cả các hợp đồng đã lưu và các dòng phía trên); "
                f"dòng này xin thuê {asked} ha",
            )
        )
        return False
    ledger.hold(zone_id, use, key, Lease(start, end, requested))
    return True


def _write(
    session: Session,
    creates: list[dict[str, Any]],
    updates: list[tuple[Project, dict[str, Any]]],
    progress: Progress,
) -> None:
    now = utcnow()
    total = len(creates) + len(updates)
    statement = insert(Project).returning(Project.id, sort_by_parameter_order=True)
    for done, batch in enumerate(chunks(creates, BATCH), start=1):
        rows = [
            values
            | {
                "search_text": search_key(values["name"], values["investor"]),
                "created_at": now,
                "updated_at": now,
            }
            for values in batch
        ]
        ids = _insert(session, statement, rows)
        audit.record_created(
            session,
            "project",
            [
                (i, audit.snapshot_values(Project, row | {"id": i}))
                for i, row in zip(ids, rows, strict=True)
            ],
        )
        progress(min(done * BATCH, total), total)
    for project, changes in updates:
        before = audit.snapshot(project)
        for name, value in changes.items():
            setattr(project, name, value)
        project.search_text = search_key(project.name, project.investor)
        project.updated_at = now
        _flush(session)
        audit.record(
            session, "update", "project", project.id, before=before, after=audit.snapshot(project)
        )
    session.flush()


def _insert(session: Session, statement: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert a batch of new projects, their ids in the batch's order.

    PostgreSQL hands out the ids first (one nextval per row, in one query) and takes the rows
    by COPY: an INSERT ... RETURNING of thousands of rows is one statement of tens of thousands
    of parameters that psycopg parses in Python, several times slower. SQLite takes the
    RETURNING statement (no such parsing there).
    """
    try:
        with session.begin_nested():
            if session.get_bind().dialect.name != "postgresql":
                return list(session.scalars(statement, rows))
            ids = list(session.scalars(NEXT_IDS, {"n": len(rows)}))
            copy_rows(session, Project, [row | {"id": i} for i, row in zip(ids, rows, strict=True)])
            return ids
    except IntegrityError as exc:
        raise _code_taken() from exc


def _flush(session: Session) -> None:
    """A project code a concurrent API request took meanwhile fails the unique index."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise _code_taken() from exc


def _code_taken() -> DuplicateValue:
    return DuplicateValue(
        "a project code in the file was taken by another request during the import; "
        "nothing was written, try again",
        field="project_code",
    )
