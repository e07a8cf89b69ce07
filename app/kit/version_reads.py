"""The data version read on the event loop, before routing (app.kit.kept) and for a report's
ETag when no answer is kept (app.kit.conditional.data_tag).

On SQLite the read is in-process: a pooled connection through the bare driver
(`db.read_data_version`), microseconds, done on the loop as it is. On PostgreSQL it is a round
trip to the server. Sent to a worker thread, it cost a trip there and back, about 0.5 ms of
every computed report, kept answer and 304; here it is one statement on a connection of
psycopg's asyncio kind, which the worker keeps for these reads alone (autocommit, outside the
pool): the loop goes on serving while the answer travels. Requests take turns on it, a turn
being one round trip.

A connection that fails (the server restarted, the connection was ended) is dropped and made
again, and the read tried once more, as the pool's pre-ping spares a request a stale
connection; a second failure is raised as SQLAlchemy's OperationalError, which is answered
503 with Retry-After like any database that is away (app.kit.middleware.CatchAll).
"""

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Protocol

import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from app.kit.db import READ_DATA_VERSION_SQL, is_sqlite_engine, read_data_version

# How the application reads the data version (app.state.read_data_version).
ReadVersion = Callable[[], Awaitable[int]]


class VersionReader(Protocol):
    async def read(self) -> int: ...

    async def close(self) -> None: ...


def version_reader(engine: Engine) -> VersionReader:
    """The data version reader for the engine's database."""
    if is_sqlite_engine(engine):
        return InProcessVersionReader(engine)
    return ServerVersionReader(engine)


class InProcessVersionReader:
    """Reads the data version of a SQLite file on the loop, through the pool."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def read(self) -> int:
        return read_data_version(self.engine)

    async def close(self) -> None:
        """Nothing to close: the pool's connections are the engine's."""


class ServerVersionReader:
    """Reads the data version of a PostgreSQL database on its own asyncio connection."""

    def __init__(self, engine: Engine) -> None:
        args, kwargs = engine.dialect.create_connect_args(engine.url)
        self._connect: Callable[[], Awaitable[psycopg.AsyncConnection[Any]]] = partial(
            psycopg.AsyncConnection.connect, *args, **kwargs, autocommit=True
        )
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._turn = asyncio.Lock()

    async def read(self) -> int:
        self._on_this_loop()
        async with self._turn:
            try:
                return await self._read()
            except psycopg.OperationalError:
                await self.close()  # a stale connection: a fresh one, once
            try:
                return await self._read()
            except psycopg.OperationalError as failure:
                await self.close()
                raise OperationalError(READ_DATA_VERSION_SQL, None, failure) from failure

    def _on_this_loop(self) -> None:
        """A worker runs one event loop; an application served by one loop after another (as
        tests do) starts afresh on each, since a connection and a lock belong to one loop."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            if self._connection is not None:
                self._connection.pgconn.finish()  # its loop is gone: closed without it
            self._loop, self._connection, self._turn = loop, None, asyncio.Lock()

    async def _read(self) -> int:
        if self._connection is None or self._connection.closed:
            self._connection = await self._connect()
        cursor = await self._connection.execute(READ_DATA_VERSION_SQL)
        row = await cursor.fetchone()
        if row is None:
            raise RuntimeError("the data_version row is missing: run migrate")
        return int(row[0])

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()
