from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.countries import DOMESTIC
from app.deps import IdPath, IfMatch, SessionDep, commit_post, tag
from app.errors import STALE_RESPONSES
from app.models import Project
from app.pagination import Page, PageDep
from app.projects import service
from app.projects.schemas import (
    ProjectCreate,
    ProjectRead,
    ProjectStatusRead,
    ProjectTerminate,
    ProjectUpdate,
)
from app.projects.service import ProjectFilters
from app.schema_types import MAX_ID, QueryText

router = APIRouter(prefix="/api/v1/projects", tags=["projects"])

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


def _read_one(session: SessionDep, project: Project) -> ProjectRead:
    return project_read(project, service.zone_codes(session, [project])[project.zone_id])


@router.get("", response_model=Page[ProjectRead])
def list_projects(
    session: SessionDep,
    page: PageDep,
    zone_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: ProjectStatusRead | None = None,
    investor_country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    fdi: bool | None = None,
    q: Annotated[
        QueryText(200) | None,  # type: ignore[valid-type]
        Query(description="Substring of name or investor, any case, accents as written."),
    ] = None,
) -> Page[ProjectRead]:
    """List investor projects, oldest first."""
    filters = ProjectFilters(
        zone_id=zone_id, status=status, investor_country=investor_country, fdi=fdi, q=q
    )
    projects, total = service.list_projects(
        session, filters=filters, limit=page.limit, offset=page.offset
    )
    codes = service.zone_codes(session, projects)
    items = [project_read(p, codes[p.zone_id]) for p in projects]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ProjectRead)
def create_project(
    body: ProjectCreate, session: SessionDep, request: Request, response: Response
) -> ProjectRead:
    """Register an investor project and its lease; refused when the zone lacks the land."""
    project = service.create_project(session, body)
    read = _read_one(session, project)
    response.headers["Location"] = f"/api/v1/projects/{project.id}"
    tag(response, project)
    commit_post(session, request, response, read, status.HTTP_201_CREATED)
    return read


@router.get("/{project_id}", response_model=ProjectRead)
def get_project(project_id: IdPath, session: SessionDep, response: Response) -> ProjectRead:
    """One investor project."""
    project = service.get_project(session, project_id)
    tag(response, project)
    return _read_one(session, project)


@router.patch("/{project_id}", response_model=ProjectRead, responses=STALE_RESPONSES)
def update_project(
    project_id: IdPath,
    body: ProjectUpdate,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> ProjectRead:
    """Change some fields of a project; a changed lease must still fit the zone."""
    changes = body.model_dump(exclude_unset=True)
    project = service.update_project(session, project_id, changes, if_match=if_match)
    read = _read_one(session, project)
    session.commit()
    tag(response, project)
    return read


@router.delete(
    "/{project_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=STALE_RESPONSES,
)
def delete_project(project_id: IdPath, session: SessionDep, if_match: IfMatch = None) -> Response:
    """Delete a project entered by mistake (real leases are terminated instead)."""
    service.delete_project(session, project_id, if_match=if_match)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{project_id}/terminate", response_model=ProjectRead)
def terminate_project(
    project_id: IdPath,
    body: ProjectTerminate,
    session: SessionDep,
    request: Request,
    response: Response,
) -> ProjectRead:
    """End a lease early; its land is free from terminated_on on."""
    project = service.terminate_project(session, project_id, body)
    read = _read_one(session, project)
    tag(response, project)
    commit_post(session, request, response, read, status.HTTP_200_OK)
    return read
