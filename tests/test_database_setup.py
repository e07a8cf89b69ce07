"""SQLite is made to behave like a real database; PostgreSQL gets row locks."""

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.kit.db import make_engine, make_sessionmaker, open_session
from tests.databases import backend

sqlite_only = pytest.mark.skipif(backend() != "sqlite", reason="SQLite connection settings")


@sqlite_only
def test_sqlite_connection_pragmas(engine: Engine):
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def _new_file_with_the_write_lock_held(path: Path) -> sqlite3.Connection:
    """A new file, still in rollback mode, whose write lock another connection holds."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    return holder


@sqlite_only
def test_a_connection_to_a_new_file_waits_for_a_writer_before_switching_to_wal(tmp_path: Path):
    """Hosts opening a new file together: switching it to WAL while another connection holds
    the write lock is answered "locked" at once, busy timeout or not, so the switch waits
    for the lock itself (one of three hosts migrating an empty file at once used to fail)."""
    path = tmp_path / "new.db"
    holder = _new_file_with_the_write_lock_held(path)
    release = threading.Timer(0.3, holder.execute, ["COMMIT"])
    release.start()
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar() == 1
    finally:
        release.join()
        engine.dispose()
        holder.close()


@sqlite_only
def test_the_switch_to_wal_waits_no_longer_than_the_busy_timeout(tmp_path: Path):
    path = tmp_path / "new.db"
    holder = _new_file_with_the_write_lock_held(path)
    engine = make_engine(f"sqlite:///{path}", sqlite_busy_timeout_ms=200)
    try:
        with pytest.raises(OperationalError, match="locked"):
            engine.connect()
        assert holder.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        engine.dispose()
        holder.execute("ROLLBACK")
        holder.close()


def test_foreign_keys_are_enforced(session: Session):
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            text(
                "INSERT INTO clearance_records (zone_id, recorded_on, cleared_ha, created_at) "
                "VALUES (999999, '2024-01-01', 0, '2024-01-01T00:00:00+00:00')"
            )
        )


@sqlite_only
def test_sqlite_reads_see_one_snapshot(database_url: str):
    """SQLAlchemy, not the driver, issues BEGIN: a read transaction keeps its snapshot while
    another connection commits."""
    engine = make_engine(database_url)
    try:
        factory = make_sessionmaker(engine)
        opened = open_session(factory, write=False)  # keep the generator: it owns the session
        reader = next(opened)
        count = "SELECT count(*) FROM plans"
        before = reader.execute(text(count)).scalar()
        with engine.begin() as writer:
            writer.execute(
                text(
                    "INSERT INTO plans (code, title, starts_on, ends_on, created_at, updated_at) "
                    "VALUES ('SNAPSHOT-TEST', 't', '2020-01-01', '2021-01-01', "
                    "'2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')"
                )
            )
        assert reader.execute(text(count)).scalar() == before
        reader.rollback()
        assert reader.execute(text(count)).scalar() == before + 1
        opened.close()
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM plans WHERE code = 'SNAPSHOT-TEST'"))
        engine.dispose()


@sqlite_only
def test_sqlite_write_transactions_take_the_writer_lock_at_begin(database_url: str):
    engine = make_engine(database_url, sqlite_busy_timeout_ms=0)
    marker = "SELECT count(*) FROM plans WHERE code = 'WRITER-LOCK-TEST'"
    try:
        with engine.begin() as connection:  # committed before the lock: a reader must see it
            connection.execute(
                text(
                    "INSERT INTO plans (code, title, starts_on, ends_on, created_at, updated_at) "
                    "VALUES ('WRITER-LOCK-TEST', 't', '2020-01-01', '2021-01-01', "
                    "'2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')"
                )
            )
        factory = make_sessionmaker(engine)
        opened = open_session(factory, write=True)  # keep the generator: it owns the session
        first = next(opened)
        # A second writer cannot even begin while the first holds the lock...
        with pytest.raises(OperationalError, match="locked"):
            next(open_session(factory, write=True))
        # ...while a reader can, and reads the committed data.
        reading = open_session(factory, write=False)
        assert next(reading).execute(text(marker)).scalar() == 1
        reading.close()
        first.rollback()
        opened.close()
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM plans WHERE code = 'WRITER-LOCK-TEST'"))
        engine.dispose()
