"""Alembic environment: runs migrations on the configured database, online only."""

from logging.config import fileConfig

from alembic import context

import app.models  # noqa: F401 - registers every table on Base.metadata
from app.kit.db import WRITE_TRANSACTION, Base, make_engine
from app.kit.migrate import MIGRATION_LOCK
from app.kit.settings import get_settings

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
# Every host (and every container start) runs `occupancy migrate` before it serves, so several
# may migrate at once. Each takes a lock before it reads the schema's revision and holds it
# until every migration it runs has committed, as one transaction: one migrates, the others
# wait for it and then find the schema at head (unlocked, or locked one migration at a time,
# they fail on tables made twice). On PostgreSQL a transaction-level advisory lock; on SQLite
# the writer lock, taken at BEGIN (BEGIN IMMEDIATE). Alembic runs SQLite's migrations in a
# transaction each unless told that its DDL is transactional, which it is here (the driver
# leaves transactions to SQLAlchemy: app.kit.db). A waiting host waits as long as the
# migration takes, not a request's busy timeout.
MIGRATION_WAIT_MS = 30 * 60 * 1000
engine = make_engine(url, sqlite_busy_timeout_ms=MIGRATION_WAIT_MS)

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    connection.execution_options(**{WRITE_TRANSACTION: True})
    if sqlite:
        # Rebuilding a table that others reference (batch mode) needs foreign keys off, as
        # SQLite's own procedure for schema changes says; it is set before the migration's
        # transaction begins (inside one it does nothing), and the references are checked
        # before that transaction commits.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=sqlite,
        compare_type=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Wait as long as the migration takes (the engine's lock_timeout is for requests).
            connection.exec_driver_sql("SET LOCAL lock_timeout = 0")
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            connection.exec_driver_sql("RESET lock_timeout")
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"the migration left rows without their parent: {broken[:5]}")
engine.dispose()
