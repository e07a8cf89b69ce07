from fastapi import APIRouter, Response, status

from app.clearance import service
from app.clearance.schemas import ClearanceCreate, ClearanceRead, ClearanceUpdate
from app.kit.conditional import Conditional
from app.kit.deps import IdPath, IfMatch, SessionDep
from app.kit.errors import STALE_RESPONSES
from app.kit.etags import tag
from app.kit.json_body import ExactJsonRoute
from app.kit.pagination import Page, PageDep
from app.kit.uow import WorkDep

router = APIRouter(
    prefix="/api/v1/zones/{zone_id}/clearance", tags=["clearance"], route_class=ExactJsonRoute
)


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


@router.get("", response_model=Page[ClearanceRead], dependencies=[Conditional])
def list_clearance_records(
    zone_id: IdPath, session: SessionDep, page: PageDep
) -> Page[ClearanceRead]:
    """A zone's clearance records, oldest first."""
    records, total = service.list_records(session, zone_id, limit=page.limit, offset=page.offset)
    items = [ClearanceRead.model_validate(r) for r in records]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{record_id}", response_model=ClearanceRead)
def get_clearance_record(
    zone_id: IdPath, record_id: IdPath, session: SessionDep, response: Response
) -> ClearanceRead:
    """One clearance record of a zone."""
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
