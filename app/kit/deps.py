"""Request-scoped dependencies shared by the routers."""

from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Header, Path, Request
from sqlalchemy.orm import Session

from app.kit.db import open_session
from app.kit.schema_types import MAX_ID
from app.kit.settings import Settings, local_today

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; write requests take the writer lock at BEGIN on SQLite.

    It commits only through the request's unit of work (app.kit.uow); anything else is
    rolled back when the session closes.
    """
    yield from open_session(
        request.app.state.sessionmaker, write=request.method not in READ_METHODS, guarded=True
    )


SessionDep = Annotated[Session, Depends(get_session)]


# Dependencies that do no I/O are `async def`: FastAPI then runs them on the event loop
# instead of sending each to a worker thread and back.


async def app_settings(request: Request) -> Settings:
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


async def today(settings: SettingsDep) -> date:
    """Today in the province's time zone (Vietnam keeps UTC+7 all year)."""
    return local_today(settings)


TodayDep = Annotated[date, Depends(today)]
