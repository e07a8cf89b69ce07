"""Request-scoped dependencies shared by the routers."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Header, Path, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app.kit.db import begin_write, is_sqlite, new_session
from app.kit.schema_types import MAX_ID
from app.kit.settings import Settings, local_today

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request; write requests take the writer lock at BEGIN on SQLite, and
    a read sees one snapshot of the database (app.kit.db.make_read_sessionmaker).

    It commits only through the request's unit of work (app.kit.uow); anything else is
    rolled back when the session closes.

    A sync dependency would cost two trips to a worker thread and back (to open, to close)
    besides the route's own, and each trip wakes the event loop: making a session does no
    I/O, so it is made here, on the loop; a write's BEGIN waits for the writer lock, so it
    goes to a thread. Closing a read is SQLite rolling back in-process (microseconds, done
    here); on PostgreSQL it is a round trip, made from a thread.
    """
    read = request.method in READ_METHODS
    factory: sessionmaker[Session] = (
        request.app.state.read_sessionmaker if read else request.app.state.sessionmaker
    )
    session = new_session(factory, guarded=True)
    try:
        if not read:
            await run_in_threadpool(begin_write, session)
        yield session
    finally:
        if read and is_sqlite(session):
            session.close()
        else:
            await run_in_threadpool(session.close)


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
