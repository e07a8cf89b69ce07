from typing import Any

from fastapi import APIRouter, Response, status

from app.clearance import service
from app.clearance.schemas import ClearanceCreate, ClearanceRead, ClearanceUpdate
from app.kit.conditional import DataTag
from app.kit.deps import IdPath, IfMatch, SessionDep, TodayDep, short_read
from app.kit.errors import STALE_RESPONSES
from app.kit.etags import tag
from app.kit.json_body import ExactJsonRoute
from app.kit.pagination import Page, PageDep, page_answer
from app.kit.uow import WorkDep
from app.models import ClearanceRecord
from app.sheets.layout import Entity
from app.sheets.responses import EXPORT_RESPONSES, ListFormatParam, SepParam, export

router = APIRouter(
    prefix="/api/v1/zones/{zone_id}/clearance", tags=["clearance"], route_class=ExactJsonRoute
)


# A record's stored fields that its row of the register holds (with its zone's code).
RECORD_FIELDS = (
    "recorded_on",
    "cleared_ha",
    "households_total",
    "households_relocated",
    "compensation_paid_vnd",
    "note",
)


def clearance_record(record: ClearanceRecord, zone_code: str) -> dict[str, Any]:
    return {name: getattr(record, name) for name in RECORD_FIELDS} | {"zone_code": zone_code}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ClearanceRead)
def add_clearance_record(
    zone_id: IdPath,
    body: ClearanceCreate,
    work: WorkDep,
) -> ClearanceRead:
    """Record cumulative land-clearance figures of a zone as of a date."""
    record = service.add_record(work.session, zone_id, body)
    read = ClearanceRead.model_validate(record)
    location = f"/api/v1/zones/{zone_id}/clearance/{record.id}"
    return work.created(read, entity=record, location=location)


@router.get("", response_model=Page[ClearanceRead], responses=EXPORT_RESPONSES)
def list_clearance_records(
    zone_id: IdPath,
    session: SessionDep,
    etag: DataTag,
    today: TodayDep,
    page: PageDep,
    format: ListFormatParam = "json",
    sep: SepParam = ",",
) -> Any:
    """A zone's clearance records, oldest first. As csv or xlsx: every record, in the import
    template's layout."""
    if format != "json":
        zone, stored = service.all_records(session, zone_id)
        rows = [clearance_record(record, zone.code) for record in stored]
        name = f"clearance-{zone.code}"
        return export(Entity.CLEARANCE, rows, format, name=name, day=today, sep=sep, etag=etag)
    records, total = service.list_records(session, zone_id, limit=page.limit, offset=page.offset)
    items = [ClearanceRead.model_validate(r) for r in records]
    return page_answer(items, total, page, etag)


@router.get("/{record_id}", response_model=ClearanceRead)
async def get_clearance_record(
    zone_id: IdPath, record_id: IdPath, session: SessionDep, response: Response
) -> ClearanceRead:
    """One clearance record of a zone."""
    return await short_read(session, _tagged_read, zone_id, record_id, response)


def _tagged_read(
    session: SessionDep, zone_id: int, record_id: int, response: Response
) -> ClearanceRead:
    record = service.get_record(session, zone_id, record_id)
    tag(response, record)
    return ClearanceRead.model_validate(record)


@router.patch("/{record_id}", response_model=ClearanceRead, responses=STALE_RESPONSES)
def update_clearance_record(
    zone_id: IdPath,
    record_id: IdPath,
    body: ClearanceUpdate,
    work: WorkDep,
    if_match: IfMatch = None,
) -> ClearanceRead:
    """Correct a record entered wrongly; it must still fit between the zone's other records."""
    changes = body.model_dump(exclude_unset=True)
    record = service.update_record(work.session, zone_id, record_id, changes, if_match=if_match)
    return work.changed(ClearanceRead.model_validate(record), entity=record)


@router.delete(
    "/{record_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=STALE_RESPONSES,
)
def delete_clearance_record(
    zone_id: IdPath, record_id: IdPath, work: WorkDep, if_match: IfMatch = None
) -> Response:
    """Delete a record entered by mistake."""
    service.delete_record(work.session, zone_id, record_id, if_match=if_match)
    return work.deleted()
