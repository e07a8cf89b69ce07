"""One import: the sheet's rows checked by the register's importer inside a savepoint, kept
only when every row passed and it is not a dry run, and recorded."""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.imports.clearance import import_clearance
from app.imports.common import Outcome, Progress, no_progress
from app.imports.projects import import_projects
from app.imports.rows import RowError, error, in_sheet_order
from app.imports.schemas import ImportResult
from app.imports.zones import import_zones
from app.kit import audit
from app.kit.db import utcnow
from app.kit.errors import DomainError, NotFound
from app.kit.repo import paginate
from app.models import ImportRecord
from app.sheets.layout import Entity
from app.sheets.reading import Sheet

Importer = Callable[[Session, Sheet, Mapping[int, set[str]], Progress, date], Outcome]
IMPORTERS: dict[Entity, Importer] = {
    Entity.ZONES: import_zones,
    Entity.PROJECTS: import_projects,
    Entity.CLEARANCE: import_clearance,
}
# A refusal lists at most this many errors (and says how many there were).
MAX_LISTED = 5000


class RowsRefused(DomainError):
    status, slug, title = 422, "invalid-rows", "Rows of the spreadsheet break the rules"

    def __init__(self, errors: list[RowError]) -> None:
        rows = len({e.row for e in errors})
        super().__init__(
            f"{_count(len(errors), 'error')} on {_count(rows, 'row')}; nothing was imported. "
            "Fix them and send the file again.",
            error_count=len(errors),
            errors=[e.as_json() for e in errors[:MAX_LISTED]],
        )
        self.detail_vi = (
            f"{len(errors)} lỗi ở {rows} dòng; chưa nhập dòng nào. Sửa các lỗi rồi gửi lại tệp."
        )


NO_ROWS = (
    "the sheet has its header but no rows to import",
    "bảng tính chỉ có dòng tiêu đề, không có dòng dữ liệu nào để nhập",
)


class SpreadsheetRefused(DomainError):
    status, slug, title = 422, "invalid-spreadsheet", "Not a spreadsheet the service can read"

    def __init__(self, message: str, message_vi: str) -> None:
        super().__init__(message)
        self.detail_vi = message_vi


class _Undo(Exception):
    """Leaves the import's savepoint rolled back (errors found, or a dry run)."""


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@dataclass(frozen=True, slots=True)
class Source:
    """Where the rows came from."""

    content: bytes
    media_type: str
    filename: str | None = None


def run_import(
    session: Session,
    entity: Entity,
    sheet: Sheet,
    source: Source,
    *,
    dry_run: bool,
    today: date,
    progress: Progress = no_progress,
) -> ImportResult:
    """Apply the sheet's rows, all or nothing: RowsRefused lists every error and leaves the
    session as it was; a dry run checks every row the same way and then leaves it too."""
    bad: dict[int, set[str]] = {}
    for cell in sheet.errors:
        bad.setdefault(cell.row, set()).add(cell.column)
    try:
        with session.begin_nested():
            outcome = IMPORTERS[entity](session, sheet, bad, progress, today)
            found = [error(e.row, e.column, e.value, e.message, e.message_vi) for e in sheet.errors]
            found += outcome.errors
            if found or dry_run:
                raise _Undo
    except _Undo:
        pass
    if found:
        raise RowsRefused(in_sheet_order(found, sheet.columns))
    record_id = None if dry_run else _record(session, entity, sheet, source, outcome).id
    return ImportResult(
        id=record_id,
        entity=entity,
        dry_run=dry_run,
        rows=len(sheet.rows),
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
    )


def _record(
    session: Session, entity: Entity, sheet: Sheet, source: Source, outcome: Outcome
) -> ImportRecord:
    record = ImportRecord(
        entity=entity.value,
        filename=source.filename,
        media_type=source.media_type,
        size_bytes=len(source.content),
        sha256=hashlib.sha256(source.content).hexdigest(),
        rows=len(sheet.rows),
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        imported_at=utcnow(),
        imported_by=str(session.info.get(audit.ACTOR, "system")),
    )
    session.add(record)
    session.flush()
    audit.record(session, "create", "import", record.id, after=audit.snapshot(record))
    return record


def list_imports(
    session: Session, *, entity: Entity | None, limit: int, offset: int
) -> tuple[list[ImportRecord], int]:
    query = select(ImportRecord)
    if entity is not None:
        query = query.where(ImportRecord.entity == entity.value)
    return paginate(session, query, order_by=(ImportRecord.id.desc(),), limit=limit, offset=offset)


def get_import(session: Session, import_id: int) -> ImportRecord:
    record = session.get(ImportRecord, import_id)
    if record is None:
        raise NotFound("import", import_id)
    return record
