from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status

from app.deps import IdPath, SessionDep, TodayDep
from app.models import Zone
from app.occupancy import Occupancy
from app.pagination import Page, PageDep
from app.schema_types import DateIn
from app.zones import service
from app.zones.schemas import (
    OccupancyBlock,
    ZoneCreate,
    ZoneKind,
    ZoneRead,
    ZoneStatus,
    ZoneUpdate,
)
from app.zones.service import ZoneFilters, ZoneWithOccupancy

ZONE_COLUMNS = [name for name in ZoneRead.model_fields if name in Zone.__table__.columns]

router = APIRouter(prefix="/api/v1/zones", tags=["zones"])

ZoneSort = Literal["code", "name", "occupancy_rate", "-occupancy_rate"]


def occupancy_fields(occupancy: Occupancy) -> dict[str, Any]:
    return {
        "industrial_land_ha": occupancy.industrial_land_ha,
        "leased_industrial_ha": occupancy.leased_industrial_ha,
        "service_land_ha": occupancy.service_land_ha,
        "leased_service_ha": occupancy.leased_service_ha,
        "available_ha": occupancy.available_ha,
        "occupancy_rate": occupancy.occupancy_rate,
        "occupancy_rate_incl_service": occupancy.occupancy_rate_incl_service,
    }


def zone_read(item: ZoneWithOccupancy) -> ZoneRead:
    columns = {name: getattr(item.zone, name) for name in ZONE_COLUMNS}
    return ZoneRead(
        **columns | occupancy_fields(item.occupancy), active_projects=item.active_projects
    )


@router.get("", response_model=Page[ZoneRead])
def list_zones(
    session: SessionDep,
    page: PageDep,
    day: TodayDep,
    kind: ZoneKind | None = None,
    status: ZoneStatus | None = None,
    province: Annotated[str | None, Query(max_length=100)] = None,
    code: Annotated[str | None, Query(max_length=40)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Substring of name or code, any case.")] = None,
    sort: ZoneSort = "code",
) -> Page[ZoneRead]:
    """List zones with their occupancy today."""
    filters = ZoneFilters(kind=kind, status=status, province=province, code=code, q=q, sort=sort)
    zones, total = service.list_zones(
        session, filters=filters, limit=page.limit, offset=page.offset, day=day
    )
    items = [zone_read(item) for item in service.with_occupancy(session, zones, day)]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ZoneRead)
def create_zone(body: ZoneCreate, session: SessionDep, day: TodayDep, response: Response) -> ZoneRead:
    """Register a zone."""
    zone = service.create_zone(session, body)
    session.commit()
    response.headers["Location"] = f"/api/v1/zones/{zone.id}"
    return zone_read(service.with_occupancy(session, [zone], day)[0])


@router.get("/{zone_id}", response_model=ZoneRead)
def get_zone(zone_id: IdPath, session: SessionDep, day: TodayDep) -> ZoneRead:
    """One zone with its occupancy today."""
    zone = service.get_zone(session, zone_id)
    return zone_read(service.with_occupancy(session, [zone], day)[0])


@router.patch("/{zone_id}", response_model=ZoneRead)
def update_zone(zone_id: IdPath, body: ZoneUpdate, session: SessionDep, day: TodayDep) -> ZoneRead:
    """Change some fields of a zone; its land may not drop below what leases hold."""
    zone = service.update_zone(session, zone_id, body.model_dump(exclude_unset=True))
    session.commit()
    return zone_read(service.with_occupancy(session, [zone], day)[0])


@router.delete("/{zone_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def delete_zone(zone_id: IdPath, session: SessionDep) -> Response:
    """Delete a zone entered by mistake; refused while it has projects."""
    service.delete_zone(session, zone_id)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


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
    occupancy = service.with_occupancy(session, [zone], when)[0].occupancy
    return OccupancyBlock(as_of=when, **occupancy_fields(occupancy))
