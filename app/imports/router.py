from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from app.imports import service
from app.imports.schemas import ImportRead, ImportResult
from app.imports.service import NO_ROWS, Source, SpreadsheetRefused
from app.imports.upload import CSV, XLSX, UploadRefused, upload
from app.kit.conditional import DataTag
from app.kit.deps import IdPath, SessionDep, TodayDep
from app.kit.errors import problem_response
from app.kit.json_body import ExactJsonRoute
from app.kit.pagination import Page, PageDep, page_answer
from app.kit.uow import WorkDep
from app.sheets.layout import Entity
from app.sheets.reading import Refused, Sheet, read_sheet
from app.sheets.responses import AnyEntity

router = APIRouter(prefix="/api/v1/imports", tags=["imports"], route_class=ExactJsonRoute)

FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The spreadsheet: the body itself (CSV in UTF-8, or an XLSX workbook), "
        "or the part `file` of a multipart/form-data body. At most 10 MiB and 50,000 rows.",
        "content": {
            CSV: {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}


async def _sheet(request: Request, entity: Entity) -> tuple[Sheet, Source]:
    """The request's file, read as rows of the register (in a worker thread: big files take
    seconds to read)."""
    body = await request.body()
    try:
        file = upload(body, request.headers.get("content-type", ""))
        sheet = await run_in_threadpool(read_sheet, file.content, file.media_type, entity)
    except UploadRefused as exc:
        raise SpreadsheetRefused(exc.message, exc.message_vi) from exc
    except Refused as exc:
        raise SpreadsheetRefused(exc.message, exc.message_vi) from exc
    if not sheet.rows and not sheet.errors:
        raise SpreadsheetRefused(*NO_ROWS)
    return sheet, Source(file.content, file.media_type, file.filename)


async def _entity_sheet(
    request: Request,
    entity: Annotated[AnyEntity, Query(description="Which register the file holds.")],
) -> tuple[Entity, Sheet, Source]:
    return (entity, *await _sheet(request, entity))


@router.post(
    "",
    response_model=ImportResult,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=FILE_BODY,
    responses={
        200: {
            "description": "A dry run: every row checked, nothing written.",
            "model": ImportResult,
        },
        422: problem_response(
            "The file is not a spreadsheet the service can read, or rows break the rules "
            "(every error listed by row and column); nothing was written"
        ),
    },
)
def import_spreadsheet(
    # Read first: the file is parsed before the write transaction (and SQLite's writer lock)
    # begins.
    read: Annotated[tuple[Entity, Sheet, Source], Depends(_entity_sheet)],
    work: WorkDep,
    day: TodayDep,
    dry_run: Annotated[bool, Query(description="Check every row, write nothing.")] = False,
) -> ImportResult:
    """Import a register (zones, projects or clearance) from a spreadsheet, all or nothing:
    rows are matched to stored records by natural key and created, updated or left
    unchanged."""
    entity, sheet, source = read
    result = service.run_import(work.session, entity, sheet, source, dry_run=dry_run, today=day)
    if result.id is None:
        return work.checked(result)
    return work.created(result, location=f"/api/v1/imports/{result.id}")


@router.get("", response_model=Page[ImportRead])
def list_imports(
    session: SessionDep, etag: DataTag, page: PageDep, entity: AnyEntity | None = None
) -> Response:
    """Committed imports, newest first."""
    records, total = service.list_imports(
        session, entity=entity, limit=page.limit, offset=page.offset
    )
    items = [ImportRead.model_validate(r) for r in records]
    return page_answer(items, total, page, etag)


@router.get("/{import_id}", response_model=ImportRead)
def get_import(import_id: IdPath, session: SessionDep) -> ImportRead:
    """One committed import."""
    return ImportRead.model_validate(service.get_import(session, import_id))
