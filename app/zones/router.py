from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from app.kit.deps import (
    IdPath,
    IfMatch,
    SessionDep,
    SettingsDep,
    TodayDep,
)
from app.kit.errors import STALE_RESPONSES
from app.kit.etags import tag
from app.kit.json_body import ExactJsonRoute
from app.kit.pagination import Page, PageDep
from app.kit.schema_types import DateIn, QueryText
from app.kit.uow import WorkDep
from app.land.blocks import ClearanceBlock, OccupancyBlock, clearance_fields, occupancy_fields
from app.land.queries import ZoneFigures
from app.models import Zone
from app.models.enums import ZoneKind, ZoneStatus
from app.zones import service
from app.zones.schemas import ZoneCreate, ZoneRead, ZoneUpdate
from app.zones.service import ZoneFilters

ZONE_COLUMNS = [name for name in ZoneRead.model_fields if name in Zone.__table__.columns]

router = APIRouter(prefix="/api/v1/zones", tags=["zones"], route_class=ExactJsonRoute)

ZoneSort = Literal["code", "name", "occupancy_rate", "-occupancy_rate"]


def zone_read(zone: Zone, figures: ZoneFigures, day: date, stall_days: int) -> ZoneRead:
    columns = {name: getattr(zone, name) for name in ZONE_COLUMNS}
    return ZoneRead(
        **columns | occupancy_fields(figures.occupancy),
        active_projects=figures.active_projects,
        clearance=ClearanceBlock(**clearance_fields(figures.clearance, day, stall_days)),
    )


def _read_one(session: SessionDep, zone: Zone, day: date, stall_days: int) -> ZoneRead:
    return zone_read(*service.with_figures(session, [zone], day)[0], day, stall_days)


@router.get("", response_model=Page[ZoneRead])
def list_zones(
    session: SessionDep,
    page: PageDep,
    day: TodayDep,
    settings: SettingsDep,
    kind: ZoneKind | None = None,
    status: ZoneStatus | None = None,
    province: Annotated[Annotated[str, QueryText(100)] | None, Query()] = None,
    code: Annotated[Annotated[str, QueryText(40)] | None, Query()] = None,
    q: Annotated[
        Annotated[str, QueryText(200)] | None,
        Query(description="Substring of name or code, any case, accents as written."),
    ] = None,
    sort: ZoneSort = "code",
) -> Page[ZoneRead]:
    """List zones with their occupancy today."""
    filters = ZoneFilters(kind=kind, status=status, province=province, code=code, q=q, sort=sort)
    zones, total = service.list_zones(
        session, filters=filters, limit=page.limit, offset=page.offset, day=day
    )
    stall_days = settings.stall_days
    items = [zone_read(z, f, day, stall_days) for z, f in service.with_figures(session, zones, day)]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ZoneRead)
def create_zone(body: ZoneCreate, work: WorkDep, day: TodayDep, settings: SettingsDep) -> ZoneRead:
    """Register a zone."""
    zone = service.create_zone(work.session, body)
    read = _read_one(work.session, zone, day, settings.stall_days)
    return work.created(read, entity=zone, location=f"/api/v1/zones/{zone.id}")


@router.get("/{zone_id}", response_model=ZoneRead)
def get_zone(
    zone_id: IdPath, session: SessionDep, day: TodayDep, settings: SettingsDep, response: Response
) -> ZoneRead:
    """One zone with its occupancy today."""
    zone = service.get_zone(session, zone_id)
    tag(response, zone)
    return _read_one(session, zone, day, settings.stall_days)


@router.patch("/{zone_id}", response_model=ZoneRead, responses=STALE_RESPONSES)
def update_zone(
    zone_id: IdPath,
    body: ZoneUpdate,
    work: WorkDep,
    day: TodayDep,
    settings: SettingsDep,
    if_match: IfMatch = None,
) -> ZoneRead:
    """Change some fields of a zone; its land may not drop below what leases hold."""
    changes = body.model_dump(exclude_unset=True)
    zone = service.update_zone(work.session, zone_id, changes, if_match=if_match)
    read = _read_one(work.session, zone, day, settings.stall_days)
    return work.changed(read, entity=zone)


@router.delete(
    "/{zone_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=STALE_RESPONSES,
)
def delete_zone(zone_id: IdPath, work: WorkDep, if_match: IfMatch = None) -> Response:
    """Delete a zone entered by mistake; refused while it has projects."""
    service.delete_zone(work.session, zone_id, if_match=if_match)
    return work.deleted()


@router.get("/{zone_id}/occupancy", response_model=OccupancyBlock)
def zone_occupancy(
    zone_id: IdPath,
    session: SessionDep,
    day: TodayDep,
    as_of: Annotated[DateIn | None, Query(description="Date, YYYY-MM-DD; default today.")] = None,
) -> OccupancyBlock:
    """Occupancy of one zone on a date."""
    when: date = as_of or day
    zone = service.get_zone(session, zone_id)
    occupancy = service.occupancy_on(session, zone, when)
    return OccupancyBlock(as_of=when, **occupancy_fields(occupancy))
