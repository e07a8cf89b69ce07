from fastapi import APIRouter, Response, status

from app.clearance import service
from app.clearance.schemas import ClearanceCreate, ClearanceRead
from app.kit.deps import IdPath, SessionDep
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


@router.get("", response_model=Page[ClearanceRead])
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
