"""Request-scoped dependencies shared by the routers."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated

from fastapi import Depends, Header, Path, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.db import open_session
from app.etags import etag_of
from app.idempotency.middleware import complete_write
from app.schema_types import MAX_ID
from app.settings import Settings

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; write requests take the writer lock at BEGIN on SQLite.

    Handlers commit once, at the end of a successful write; anything else is rolled back
    when the session closes.
    """
    yield from open_session(
        request.app.state.sessionmaker, write=request.method not in READ_METHODS
    )


SessionDep = Annotated[Session, Depends(get_session)]


def app_settings(request: Request) -> Settings:
    """The settings the application was created with."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Numeric id.")]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=1000,
        description="An ETag from an earlier read; 412 when the resource has changed since.",
    ),
]


def commit_post(
    session: Session, request: Request, response: Response, result: BaseModel, status: int
) -> None:
    """Commit a POST's write together with its Idempotency-Key record (when it has one), so
    that a retry after any failure either replays this response or runs the write anew."""
    body = result.model_dump_json(by_alias=True)
    complete_write(session, request, response, status, body)
    session.commit()


def tag(response: Response, entity: object) -> None:
    """Send the stored row's version as the response's ETag."""
    response.headers["ETag"] = etag_of(entity)


def today(settings: SettingsDep) -> date:
    """Today in the province's time zone (Vietnam keeps UTC+7 all year)."""
    offset = timezone(timedelta(hours=settings.utc_offset_hours))
    return datetime.now(UTC).astimezone(offset).date()


TodayDep = Annotated[date, Depends(today)]
