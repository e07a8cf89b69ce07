from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Path, Query, Response, status
from sqlalchemy.orm import Session

from app.kit.answers import Kept
from app.kit.conditional import Conditional, DataTag
from app.kit.deps import (
    IdPath,
    IfMatch,
    SessionDep,
    SettingsDep,
    TodayDep,
    short_read,
)
from app.kit.errors import STALE_RESPONSES
from app.kit.etags import etag_of
from app.kit.json_body import ExactJsonRoute
from app.kit.json_out import json_answer
from app.kit.pagination import Page, PageDep, page_answer
from app.kit.schema_types import AnyCase, DateIn, QueryText, json_number
from app.kit.text import search_fold
from app.kit.uow import WorkDep
from app.land.blocks import ClearanceBlock, OccupancyBlock, clearance_fields, occupancy_fields
from app.land.queries import ZoneFigures
from app.land.revisions import AREA_FIELDS
from app.models import ZoneRevision
from app.sheets.layout import Entity
from app.sheets.responses import EXPORT_RESPONSES, ListFormatParam, SepParam, export
from app.zones import provinces, service
from app.zones.schemas import (
    KindIn,
    MovedZoneRead,
    ProvinceList,
    ProvinceMerge,
    ProvinceMergeResult,
    ProvinceRead,
    StatusIn,
    ZoneCreate,
    ZoneHistory,
    ZoneRead,
    ZoneRevisionRead,
    ZoneUpdate,
)
from app.zones.service import ZoneAt, ZoneFilters

AsOf = Annotated[
    DateIn | None,
    Query(description="Show the zone as it stood on this date, YYYY-MM-DD; default today."),
]

router = APIRouter(prefix="/api/v1/zones", tags=["zones"], route_class=ExactJsonRoute)

ZoneSortValue = Literal["code", "name", "occupancy_rate", "-occupancy_rate"]
ZoneSort = Annotated[ZoneSortValue, AnyCase(get_args(ZoneSortValue))]


def zone_read(zone: ZoneAt, figures: ZoneFigures, day: date, stall_days: int) -> ZoneRead:
    return ZoneRead(
        **zone.values() | occupancy_fields(figures.occupancy),
        active_projects=figures.active_projects,
        clearance=ClearanceBlock(**clearance_fields(figures.clearance, day, stall_days)),
    )


def zone_record(zone: ZoneAt) -> dict[str, Any]:
    """A zone's row of the register: its fields on the day (`effective_from` stays empty, so
    that a row sent back unchanged changes nothing, and a changed one takes effect from the
    day it is imported unless the editor dates it)."""
    return zone.values()


def _read(session: SessionDep, zone: ZoneAt, day: date, stall_days: int) -> ZoneRead:
    return zone_read(*service.with_figures(session, [zone], day)[0], day, stall_days)


def _answer(session: SessionDep, zone: ZoneAt, day: date, stall_days: int) -> Response:
    """A zone read, written once with the stored row's ETag (app.kit.json_out)."""
    return json_answer(_read(session, zone, day, stall_days), {"ETag": etag_of(zone.zone)})


def _read_written(session: SessionDep, zone_id: int, day: date, stall_days: int) -> ZoneRead:
    """A zone just written, as it stands today (or on its first day, when it begins later)."""
    zone = service.get_zone(session, zone_id, day, or_first_day=True)
    shown = max(day, zone.state.valid_from or day)
    return _read(session, zone, shown, stall_days)


def revision_read(revision: ZoneRevision) -> ZoneRevisionRead:
    changes = {
        name: (json_number(value) if name in AREA_FIELDS else value)
        for name, value in service.revision_values(revision).items()
    }
    return ZoneRevisionRead(
        effective_from=revision.effective_from,
        changes=changes,
        recorded_at=revision.recorded_at,
        recorded_by=revision.recorded_by,
    )


@router.get("", response_model=Page[ZoneRead], responses=EXPORT_RESPONSES)
def list_zones(
    session: SessionDep,
    etag: DataTag,
    page: PageDep,
    day: TodayDep,
    settings: SettingsDep,
    kind: KindIn | None = None,
    status: StatusIn | None = None,
    province: Annotated[
        Annotated[str, QueryText(100)] | None,
        Query(
            description="The whole province name, in any case, with or without accents: "
            "hoa binh finds Hòa Bình (not a substring)."
        ),
    ] = None,
    code: Annotated[Annotated[str, QueryText(40)] | None, Query()] = None,
    q: Annotated[
        Annotated[str, QueryText(200)] | None,
        Query(
            description="Substring of name or code, in any case, with or without accents "
            "(đ is d): dong tam finds Đồng Tâm."
        ),
    ] = None,
    sort: ZoneSort = "code",
    as_of: AsOf = None,
    format: ListFormatParam = "json",
    sep: SepParam = ",",
) -> Any:
    """List the zones that exist on a date (default today) as they stood then, with their
    occupancy on that date; filters match the values of that date. As csv or xlsx: every
    zone of the filters, in the import template's layout."""
    day = as_of or day
    filters = ZoneFilters(kind=kind, status=status, province=province, code=code, q=q, sort=sort)
    if format != "json":
        records = [
            zone_record(zone) for zone in service.all_zones(session, filters=filters, day=day)
        ]
        return export(Entity.ZONES, records, format, name="zones", day=day, sep=sep, etag=etag)
    zones, total = service.list_zones(
        session, filters=filters, limit=page.limit, offset=page.offset, day=day
    )
    stall_days = settings.stall_days
    items = [zone_read(z, f, day, stall_days) for z, f in service.with_figures(session, zones, day)]
    return page_answer(items, total, page, etag)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ZoneRead)
def create_zone(body: ZoneCreate, work: WorkDep, day: TodayDep, settings: SettingsDep) -> ZoneRead:
    """Register a zone."""
    zone = service.create_zone(work.session, body)
    read = _read_written(work.session, zone.id, day, settings.stall_days)
    return work.created(read, entity=zone, location=f"/api/v1/zones/{zone.id}")


ZoneCodePath = Annotated[
    str,
    Path(
        description="The zone's code, in any case (kcn-x is KCN-X).",
        pattern=r"^\s*[A-Za-z][A-Za-z0-9-]{1,39}\s*$",
    ),
]


# Before /{zone_id}/...: "/by-code/history" is a code, not zone "by-code"'s history.
@router.get("/by-code/{code}", response_model=ZoneRead, dependencies=[Kept])
def get_zone_by_code(
    code: ZoneCodePath,
    session: SessionDep,
    day: TodayDep,
    settings: SettingsDep,
    as_of: AsOf = None,
) -> Response:
    """The same as `GET /api/v1/zones/{id}` (same answer, same ETag), for the zone with this
    code, in any case; 404 for a code no zone has."""
    zone = service.get_zone_by_code(session, code, as_of or day)
    return _answer(session, zone, as_of or day, settings.stall_days)


@router.get("/{zone_id}", response_model=ZoneRead, dependencies=[Kept])
async def get_zone(
    zone_id: IdPath,
    session: SessionDep,
    day: TodayDep,
    settings: SettingsDep,
    as_of: AsOf = None,
) -> Response:
    """One zone as it stands on a date (default today), with its occupancy then; 404 before
    its first revision."""
    return await short_read(session, _zone_answer, zone_id, as_of or day, settings.stall_days)


def _zone_answer(session: Session, zone_id: int, day: date, stall_days: int) -> Response:
    return _answer(session, service.get_zone(session, zone_id, day), day, stall_days)


@router.get("/{zone_id}/history", response_model=ZoneHistory, dependencies=[Conditional])
def zone_history(zone_id: IdPath, session: SessionDep) -> ZoneHistory:
    """Every revision of the zone's time-varying fields, oldest first."""
    return ZoneHistory(items=[revision_read(r) for r in service.history(session, zone_id)])


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
    zone = service.update_zone(work.session, zone_id, changes, today=day, if_match=if_match)
    read = _read_written(work.session, zone.id, day, settings.stall_days)
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


@router.get("/{zone_id}/occupancy", response_model=OccupancyBlock, dependencies=[Conditional])
async def zone_occupancy(
    zone_id: IdPath,
    session: SessionDep,
    day: TodayDep,
    as_of: Annotated[DateIn | None, Query(description="Date, YYYY-MM-DD; default today.")] = None,
) -> OccupancyBlock:
    """Occupancy of one zone on a date; an unchanged answer is 304 to If-None-Match."""
    return await short_read(session, _occupancy_block, zone_id, as_of or day)


def _occupancy_block(session: Session, zone_id: int, when: date) -> OccupancyBlock:
    zone = service.get_zone(session, zone_id, when)
    occupancy = service.occupancy_on(session, zone, when)
    return OccupancyBlock(as_of=when, **occupancy_fields(occupancy))


province_router = APIRouter(prefix="/api/v1/provinces", tags=["zones"], route_class=ExactJsonRoute)


@province_router.get("", response_model=ProvinceList, dependencies=[Conditional])
def list_provinces(session: SessionDep, day: TodayDep, as_of: AsOf = None) -> ProvinceList:
    """The provinces that hold zones on a date (default today), with their zones by kind."""
    when: date = as_of or day
    items = [
        ProvinceRead(name=p.name, zones=p.zones, parks=p.parks, clusters=p.clusters)
        for p in provinces.provinces_on(session, when)
    ]
    return ProvinceList(as_of=when, items=items)


@province_router.post("/merge", response_model=ProvinceMergeResult)
def merge_provinces(body: ProvinceMerge, work: WorkDep) -> ProvinceMergeResult:
    """Merge provinces (admin): every zone in one of `from` on `effective_from` is under
    `into` from that day on; one transaction, audited."""
    moved = provinces.merge(work.session, body.sources, body.into, body.effective_from)
    # Counted under each source as written in `from`, whichever spelling the zone had.
    source = {search_fold(name): name for name in body.sources}
    by_province = {name: 0 for name in body.sources if name != body.into}
    for zone in moved:
        name = source[search_fold(zone.from_province)]
        by_province[name] = by_province.get(name, 0) + 1
    result = ProvinceMergeResult(
        into=body.into,
        effective_from=body.effective_from,
        moved=[MovedZoneRead(**asdict(zone)) for zone in moved],
        by_province=by_province,
    )
    return work.changed(result)
