from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from app.kit.conditional import DataTag
from app.kit.countries import DOMESTIC
from app.kit.deps import IdPath, IfMatch, SessionDep, TodayDep, short_read
from app.kit.errors import STALE_RESPONSES
from app.kit.etags import tag
from app.kit.json_body import ExactJsonRoute
from app.kit.pagination import Page, PageDep, page_answer
from app.kit.schema_types import MAX_ID, AnyCase, QueryText
from app.kit.uow import WorkDep
from app.models import Project
from app.models.enums import ProjectState
from app.projects import service
from app.projects.schemas import (
    CountryCode,
    ProjectCreate,
    ProjectRead,
    ProjectTerminate,
    ProjectUpdate,
)
from app.projects.service import ProjectFilters
from app.sheets.layout import Entity
from app.sheets.responses import EXPORT_RESPONSES, ListFormatParam, SepParam, export

router = APIRouter(prefix="/api/v1/projects", tags=["projects"], route_class=ExactJsonRoute)

PROJECT_COLUMNS = [name for name in ProjectRead.model_fields if name in Project.__table__.columns]


def project_read(project: Project, zone_code: str) -> ProjectRead:
    columns = {name: getattr(project, name) for name in PROJECT_COLUMNS}
    return ProjectRead(
        **columns
        | {
            "zone_code": zone_code,
            "fdi": project.investor_country != DOMESTIC,
            "status": service.read_status(project),
        }
    )


def project_record(project: Project, zone_code: str) -> dict[str, Any]:
    """A project's row of the register: its stored fields, its zone by code and its status as
    read (`terminated` once terminated)."""
    return {name: getattr(project, name) for name in PROJECT_COLUMNS} | {
        "zone_code": zone_code,
        "status": service.read_status(project),
    }


def _read_one(session: SessionDep, project: Project) -> ProjectRead:
    return project_read(project, service.zone_codes(session, [project])[project.zone_id])


@router.get("", response_model=Page[ProjectRead], responses=EXPORT_RESPONSES)
def list_projects(
    session: SessionDep,
    etag: DataTag,
    today: TodayDep,
    page: PageDep,
    zone_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Annotated[ProjectState, AnyCase(ProjectState)] | None = None,
    investor_country: Annotated[CountryCode | None, Query()] = None,
    fdi: bool | None = None,
    q: Annotated[
        Annotated[str, QueryText(200)] | None,
        Query(description="Substring of name or investor, in any case, with or without accents."),
    ] = None,
    format: ListFormatParam = "json",
    sep: SepParam = ",",
) -> Any:
    """List investor projects, oldest first. As csv or xlsx: every project of the filters, in
    the import template's layout."""
    filters = ProjectFilters(
        zone_id=zone_id, status=status, investor_country=investor_country, fdi=fdi, q=q
    )
    if format != "json":
        records = [
            project_record(project, code)
            for project, code in service.all_projects(session, filters=filters)
        ]
        return export(
            Entity.PROJECTS, records, format, name="projects", day=today, sep=sep, etag=etag
        )
    projects, total = service.list_projects(
        session, filters=filters, limit=page.limit, offset=page.offset
    )
    codes = service.zone_codes(session, projects)
    items = [project_read(p, codes[p.zone_id]) for p in projects]
    return page_answer(items, total, page, etag)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ProjectRead)
def create_project(body: ProjectCreate, work: WorkDep) -> ProjectRead:
    """Register an investor project and its lease; refused when the zone lacks the land."""
    project = service.create_project(work.session, body)
    read = _read_one(work.session, project)
    return work.created(read, entity=project, location=f"/api/v1/projects/{project.id}")


@router.get("/{project_id}", response_model=ProjectRead)
async def get_project(project_id: IdPath, session: SessionDep, response: Response) -> ProjectRead:
    """One investor project."""
    return await short_read(session, _tagged_read, project_id, response)


def _tagged_read(session: SessionDep, project_id: int, response: Response) -> ProjectRead:
    project = service.get_project(session, project_id)
    tag(response, project)
    return _read_one(session, project)


@router.patch("/{project_id}", response_model=ProjectRead, responses=STALE_RESPONSES)
def update_project(
    project_id: IdPath,
    body: ProjectUpdate,
    work: WorkDep,
    if_match: IfMatch = None,
) -> ProjectRead:
    """Change some fields of a project; a changed lease must still fit the zone."""
    changes = body.model_dump(exclude_unset=True)
    project = service.update_project(work.session, project_id, changes, if_match=if_match)
    return work.changed(_read_one(work.session, project), entity=project)


@router.delete(
    "/{project_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=STALE_RESPONSES,
)
def delete_project(project_id: IdPath, work: WorkDep, if_match: IfMatch = None) -> Response:
    """Delete a project entered by mistake (real leases are terminated instead)."""
    service.delete_project(work.session, project_id, if_match=if_match)
    return work.deleted()


@router.post("/{project_id}/terminate", response_model=ProjectRead)
def terminate_project(
    project_id: IdPath,
    body: ProjectTerminate,
    work: WorkDep,
) -> ProjectRead:
    """End a lease early; its land is free from terminated_on on."""
    project = service.terminate_project(work.session, project_id, body)
    return work.changed(_read_one(work.session, project), entity=project)
