import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime, BeforeValidator

from app.kit import audit as service
from app.kit.conditional import DataTag
from app.kit.deps import SessionDep
from app.kit.json_body import ExactJsonRoute
from app.kit.pagination import Page, PageDep, page_answer
from app.kit.schema_types import MAX_ID, OutputModel, QueryText

ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _iso_datetime_only(value: Any) -> Any:
    if isinstance(value, str) and not ISO_DATETIME.fullmatch(value):
        raise ValueError("must be an ISO 8601 time with a zone, e.g. 2024-06-14T00:00:00Z")
    return value


router = APIRouter(prefix="/api/v1/audit", tags=["access"], route_class=ExactJsonRoute)


class AuditEventRead(OutputModel):
    id: int
    occurred_at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None


@router.get("", response_model=Page[AuditEventRead])
def list_audit_events(
    session: SessionDep,
    etag: DataTag,
    page: PageDep,
    entity: Annotated[Annotated[str, QueryText(30)] | None, Query()] = None,
    entity_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    actor: Annotated[Annotated[str, QueryText(100)] | None, Query()] = None,
    since: Annotated[
        AwareDatetime | None,
        BeforeValidator(_iso_datetime_only),
        Query(description="ISO 8601 time with zone."),
    ] = None,
) -> Response:
    """The audit trail, oldest first; it has no way to change or delete an event."""
    events, total = service.list_events(
        session,
        entity=entity,
        entity_id=entity_id,
        actor=actor,
        since=since,
        limit=page.limit,
        offset=page.offset,
    )
    items = [AuditEventRead.model_validate(e) for e in events]
    return page_answer(items, total, page, etag)
