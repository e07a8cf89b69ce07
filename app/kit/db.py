"""Database plumbing: declarative base, column types, engine factory, sessions.

SQLite is made to behave like a real database here: foreign keys enforced, WAL, a busy
timeout, and SQLAlchemy (not the sqlite3 driver) emitting BEGIN so that reads inside a
transaction see one snapshot. Write requests open their transaction with BEGIN IMMEDIATE,
which takes SQLite's single writer lock up front; that is what serialises capacity checks
there, the way SELECT ... FOR UPDATE on the zone row does on PostgreSQL.
"""

import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Engine,
    MetaData,
    Table,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import CursorResult, Dialect, Result
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Execution option that asks the SQLite begin hook for BEGIN IMMEDIATE.
WRITE_TRANSACTION = "occupancy_write_transaction"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def one_of(column: str, values: type[StrEnum]) -> str:
    """The SQL condition `column IN (...)` over an enum's values."""
    return f"{column} IN ({', '.join(repr(member.value) for member in values)})"


def check_one_of(column: str, values: type[StrEnum]) -> CheckConstraint:
    """The CHECK constraint named after `column` that keeps it within an enum's values."""
    return CheckConstraint(one_of(column, values), name=column)


class FixedPoint(TypeDecorator[Decimal]):
    """A decimal with a fixed number of places, stored as a scaled integer.

    SQLite has no exact decimal type (NUMERIC columns come back as floats), so areas are kept
    as whole square metres (hectares x 10^4) and money as hundredths. Sums computed in SQL
    over such columns stay exact on both databases.
    """

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int) -> None:
        super().__init__()
        self.places = places

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value).scaleb(self.places)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.places} decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        # PostgreSQL's SUM(bigint) is numeric (a Decimal); SQLite's is an int.
        return Decimal(int(value)).scaleb(-self.places)


class Hectares(FixedPoint):
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(4)


class Money(FixedPoint):
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(2)


class UTCDateTime(TypeDecorator[datetime]):
    """Time-zone-aware UTC timestamps on both databases (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched."""
    if not isinstance(result, CursorResult):
        raise TypeError("rows_changed needs the result of an UPDATE or DELETE")
    return result.rowcount


def driver_parts(result: Result[*tuple[Any, ...]], size: int) -> Iterator[Sequence[Any]]:
    """A result's rows as its driver fetched them, `size` at a time, then the result closed:
    plain tuples, without SQLAlchemy's row objects and its conversion of each value (an enum
    column's text is left as text, the same str as its StrEnum; a date on SQLite would be
    left as ISO text, so a statement with dates is not read this way). A national occupancy
    report's statement read this way took 0.25-0.33 ms less on SQLite and 0.4-0.8 ms less on
    PostgreSQL (medians of 60 turns in one process). SQLAlchemy still compiles, caches and
    binds the statement."""
    if not isinstance(result, CursorResult):
        raise TypeError("driver_parts needs the result of a statement run on a connection")
    cursor = result.cursor
    try:
        while part := cursor.fetchmany(size):
            yield part
    finally:
        result.close()


# Every committed write raises this number (see app.models.data_version); reports use it as
# their version. Raw SQL, so the plumbing needs no model import.
_BUMP = text("UPDATE data_version SET version = version + 1 WHERE id = 1")
READ_DATA_VERSION_SQL = "SELECT version FROM data_version WHERE id = 1"
_READ = text(READ_DATA_VERSION_SQL)


def bump_data_version(session: Session) -> None:
    """Raise the data version inside the write's transaction, just before it commits (on
    PostgreSQL the row is then locked only for the moment between this and the commit)."""
    session.execute(_BUMP)


def data_version(session: Session) -> int:
    return int(session.execute(_READ).scalar_one())


def read_data_version(engine: Engine) -> int:
    """The data version, read on a pooled connection through the bare driver: before routing
    (app.kit.kept, through app.kit.version_reads on SQLite), where a session's own costs would
    be most of the request's."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(READ_DATA_VERSION_SQL)
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()
    if row is None:
        raise RuntimeError("the data_version row is missing: run migrate")
    return int(row[0])


def utcnow() -> datetime:
    return datetime.now(UTC)


# How long a request waits for a pooled connection before the same 503. Admission
# (app.kit.admission) keeps admitted requests within the pool, so this is a last resort.
POOL_TIMEOUT_S = 5


def make_engine(
    url: str,
    *,
    sqlite_busy_timeout_ms: int = 10_000,
    sqlite_synchronous: str = "FULL",
    pg_lock_timeout_ms: int = 10_000,
    pool_size: int = 8,
) -> Engine:
    """An engine whose pool holds `pool_size` connections, and as many again for work outside
    requests (the command line, readiness checks)."""
    pool = {"pool_size": pool_size, "max_overflow": pool_size, "pool_timeout": POOL_TIMEOUT_S}
    if url.startswith("sqlite"):
        if ":memory:" in url or url.rstrip("/") == "sqlite:":
            engine = create_engine(url, connect_args={"check_same_thread": False})
        else:
            engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
        _make_sqlite_behave(engine, sqlite_busy_timeout_ms, sqlite_synchronous)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        # How long a transaction waits for a row lock (a zone another writer holds) before
        # it gives up and the request is answered 503 with Retry-After.
        connect_args={"options": f"-c lock_timeout={int(pg_lock_timeout_ms)}"},
        **pool,
    )


def _make_sqlite_behave(engine: Engine, busy_timeout_ms: int, synchronous: str) -> None:
    if synchronous not in ("FULL", "NORMAL"):
        raise ValueError(f"synchronous must be FULL or NORMAL, not {synchronous!r}")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        _switch_to_wal(cursor, busy_timeout_ms)
        # FULL (the default): a commit is on disk before it is acknowledged, power loss
        # included; NORMAL in WAL mode may lose the last commits.
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(WRITE_TRANSACTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _switch_to_wal(cursor: Any, busy_timeout_ms: int) -> None:
    """Put the file in WAL mode, waiting out other connections as long as the busy timeout.

    On a file still in rollback mode (a new one), the switch holds a read lock while it asks
    for the write lock; SQLite then answers "database is locked" at once, without waiting,
    when another connection holds or wants the write lock (hosts opening a new file
    together). The busy timeout does not cover that case, so the switch is retried here.
    """
    deadline = time.monotonic() + busy_timeout_ms / 1000
    pause = 0.001
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


# session.info keys: the session commits only through a unit of work (app.kit.uow), and
# its unit of work is committing now.
GUARDED, COMMITTING = "occupancy_guarded", "occupancy_committing"


class CommitOutsideUnitOfWork(RuntimeError):
    pass


def _refuse_stray_commit(session: Session) -> None:
    # Releasing a savepoint (flush_or_raise) is no commit of the request's work.
    if session.in_nested_transaction():
        return
    if session.info.get(GUARDED) and not session.info.get(COMMITTING):
        raise CommitOutsideUnitOfWork("a request's session commits only through its unit of work")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
    event.listen(factory, "before_commit", _refuse_stray_commit)
    return factory


def make_read_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions for read requests, each reading the database as it stood at its first
    statement. On PostgreSQL that takes REPEATABLE READ: under the default READ COMMITTED
    every statement sees the latest commits, so a report made of several statements (the
    clearance report's zones and their latest records, the summary's four parts) could mix
    the state before a write with the state after it. At that level a transaction that only
    reads never fails to serialize (it is not declared READ ONLY: nothing here needs it). A SQLite read transaction already keeps the snapshot of its
    first read. (A kept route's ETag is read before routing, app.kit.kept: never newer than
    the figures it tags.)"""
    if is_sqlite_engine(engine):
        return make_sessionmaker(engine)
    return make_sessionmaker(engine.execution_options(isolation_level="REPEATABLE READ"))


def new_session(factory: sessionmaker[Session], *, guarded: bool) -> Session:
    """A session, no I/O yet. A guarded session (a request's) commits only through
    app.kit.uow.UnitOfWork."""
    session = factory()
    session.info[GUARDED] = guarded
    return session


def begin_write(session: Session) -> None:
    """Begin the session's transaction as a write: on SQLite it takes the writer lock."""
    session.connection(execution_options={WRITE_TRANSACTION: True})


def is_sqlite_engine(engine: Engine) -> bool:
    """Whether the database is an embedded SQLite file: its reads do not block on a server."""
    return engine.dialect.name == "sqlite"


def is_sqlite(session: Session) -> bool:
    return is_sqlite_engine(session.get_bind().engine)


def open_session(
    factory: sessionmaker[Session], *, write: bool, guarded: bool = False
) -> Iterator[Session]:
    """A session for one unit of work; write units take the writer lock at BEGIN on SQLite."""
    with new_session(factory, guarded=guarded) as session:
        if write:
            begin_write(session)
        yield session


write_session = contextmanager(partial(open_session, write=True))
"""A write session as a context manager (for work outside a request's own session)."""


def flush_or_raise(session: Session, error: Exception) -> None:
    """Flush inside a savepoint; a unique constraint that a concurrent writer won first
    raises `error` instead of poisoning the transaction."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise error from exc


def copy_rows(session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows into a PostgreSQL table by COPY, in the session's transaction: the
    fastest way PostgreSQL takes rows, for bulk imports. Each value goes through its column
    type's bind processing first, exactly as an INSERT would send it."""
    if not rows:
        return
    table = model.__table__
    assert isinstance(table, Table)
    connection = session.connection()
    names = list(rows[0])
    processors = [table.c[name].type._cached_bind_processor(connection.dialect) for name in names]
    driver = connection.connection.driver_connection
    assert driver is not None
    columns = ", ".join(names)
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    value if process is None else process(value)
                    for value, process in zip(
                        (row[name] for name in names), processors, strict=True
                    )
                ]
            )
