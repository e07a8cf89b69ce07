"""The schema is made only by migrations; models and migrations must agree."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from app.kit import migrate
from app.kit.db import Base, make_engine


def test_models_match_migrations(engine: Engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], f"models and migrations drift: {differences}"


def test_database_is_at_head(engine: Engine):
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.head_revision()


def test_upgrade_downgrade_upgrade(scratch_url: str):
    tables = set(Base.metadata.tables)
    scratch = make_engine(scratch_url)
    try:
        migrate.upgrade(scratch_url)
        assert tables <= set(inspect(scratch).get_table_names())
        migrate.downgrade(scratch_url, "base")
        assert not tables & set(inspect(scratch).get_table_names())
        migrate.upgrade(scratch_url)
        assert tables <= set(inspect(scratch).get_table_names())
        with scratch.connect() as connection:
            assert migrate.current_revision(connection) == migrate.head_revision()
    finally:
        scratch.dispose()
