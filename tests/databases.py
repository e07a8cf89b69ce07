"""Throwaway databases for the suite: a SQLite file, or a fresh PostgreSQL database.

TEST_DATABASE_URL picks the server: empty for SQLite, or a PostgreSQL URL whose database is
used only to create and drop the suite's own databases (so a run never touches its data).
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def server_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def backend() -> str:
    return "postgresql" if server_url() else "sqlite"


@contextmanager
def scratch_database(directory: Path) -> Iterator[str]:
    """An empty database, dropped afterwards; yields its URL."""
    server = server_url()
    if server is None:
        path = directory / f"scratch-{uuid.uuid4().hex[:8]}.db"
        yield f"sqlite:///{path}"
        return
    name = f"occupancy_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
