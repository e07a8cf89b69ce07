"""The data version read on the event loop (app.kit.version_reads): the current version, after
every committed write; on PostgreSQL through its own asyncio connection, which outlives the
server ending it and, when the server is away, fails as a database that is away (503)."""

import asyncio

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.kit.db import bump_data_version, data_version, make_engine
from app.kit.version_reads import ServerVersionReader, version_reader
from tests.databases import backend

server_only = pytest.mark.skipif(backend() == "sqlite", reason="SQLite reads in-process")


def _committed_write(engine: Engine) -> None:
    with Session(engine) as writer, writer.begin():
        bump_data_version(writer)


def test_the_reader_reads_the_version_each_committed_write_raises(engine: Engine):
    reader = version_reader(engine)

    async def read_around_a_write() -> tuple[int, int]:
        try:
            before = await reader.read()
            _committed_write(engine)
            return before, await reader.read()
        finally:
            await reader.close()

    before, after = asyncio.run(read_around_a_write())
    with Session(engine) as session:
        assert after == before + 1 == data_version(session)


@server_only
def test_a_connection_the_server_ended_is_made_again_for_the_same_read(engine: Engine):
    reader = ServerVersionReader(engine)

    async def read_after_the_server_ends_it() -> tuple[int, int, int, int]:
        try:
            first = await reader.read()
            assert reader._connection is not None
            ended = reader._connection.info.backend_pid
            with engine.connect() as admin:
                admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": ended})
            again = await reader.read()
            assert reader._connection is not None
            return first, again, ended, reader._connection.info.backend_pid
        finally:
            await reader.close()

    first, again, ended, now = asyncio.run(read_after_the_server_ends_it())
    assert again == first
    assert now != ended


@server_only
def test_a_server_that_is_away_fails_the_read_as_a_database_away(engine: Engine):
    away = make_engine(engine.url.set(port=1).render_as_string(hide_password=False))
    reader = ServerVersionReader(away)

    async def read() -> int:
        try:
            return await reader.read()
        finally:
            await reader.close()

    with pytest.raises(OperationalError):  # CatchAll answers it 503 with Retry-After
        asyncio.run(read())
    away.dispose()


@server_only
def test_one_reader_serves_one_loop_after_another(engine: Engine):
    """Tests serve an application from one event loop after another; a worker has one."""
    reader = ServerVersionReader(engine)

    async def read() -> int:
        return await reader.read()

    try:
        assert asyncio.run(read()) == asyncio.run(read())
    finally:
        asyncio.run(reader.close())
