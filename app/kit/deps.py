"""Request-scoped dependencies shared by the routers."""

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Annotated, Concatenate, ParamSpec, TypeVar

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

Params = ParamSpec("Params")
Result = TypeVar("Result")


async def short_read(
    session: Session,
    call: Callable[Concatenate[Session, Params], Result],
    *args: Params.args,
    **kwargs: Params.kwargs,
) -> Result:
    """`call(session, *args, **kwargs)`: a read of a few rows found by their keys (one zone,
    say), made in the request's session where it costs least: on SQLite here, on the event
    loop, as the session's making and the data version's read are (the database is
    in-process and, in WAL mode, a reader never waits for a writer: the trip to a worker
    thread and back was 0.2 ms of a zone read's 1.3-1.6); on PostgreSQL in a worker thread,
    so that the loop goes on serving while the read's round trips travel.

    On SQLite the loop turns once before the read (`sleep(0)`): the read then runs in the
    loop's next turn, beside the reads of other requests that arrived with it, not in the
    turn that took its request in. The loop takes in one new connection per turn (seen with
    strace: one accept4 a turn while it is busy), and a read made whole in its request's turn
    made every turn as long as all waiting reads together: with wrk's 64 connections on one
    worker, turns of 150-250 ms, the last connections taken in 3-5 s after they connected,
    p99 2.4-3.6 s. With the turn, all 64 were taken in within 0.5-0.7 s.

    Not for reports: a report stays in a worker thread on either database, since SQLite lets
    go of the interpreter's lock while it adds up and the loop meanwhile serves others."""
    if is_sqlite(session):
        await asyncio.sleep(0)
        return call(session, *args, **kwargs)
    return await run_in_threadpool(call, session, *args, **kwargs)


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
