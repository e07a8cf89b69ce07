"""A read request sees the database as it stood at its first statement, on both databases:
the statements of a report agree with one another whatever commits meanwhile
(app.kit.db.make_read_sessionmaker). On PostgreSQL's default READ COMMITTED each statement
would see the latest commits instead."""

import asyncio

from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.requests import Request

from app.kit import migrate
from app.kit.db import bump_data_version, data_version
from app.kit.deps import get_session
from app.kit.settings import Settings
from app.main import create_app


def _get(app: FastAPI) -> Request:
    scope = {"type": "http", "method": "GET", "app": app, "path": "/api/v1/reports/occupancy"}
    return Request(scope | {"headers": [], "query_string": b""})


def test_a_read_request_keeps_its_snapshot_while_a_write_commits(scratch_url):
    migrate.upgrade(scratch_url)
    app = create_app(Settings(database_url=scratch_url))
    engine = app.state.engine

    async def read_around_a_write() -> tuple[int, int]:
        sessions = get_session(_get(app))
        session = await anext(sessions)
        try:
            first = data_version(session)
            with Session(engine) as writer, writer.begin():  # another write commits meanwhile
                bump_data_version(writer)
            return first, data_version(session)
        finally:
            await sessions.aclose()

    try:
        first, again = asyncio.run(read_around_a_write())
        assert again == first
        # The next read request sees the write.
        first_after, _ = asyncio.run(read_around_a_write())
        assert first_after == first + 1
    finally:
        engine.dispose()
