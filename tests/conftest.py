"""Fixtures: one migrated database per run, each test inside a transaction rolled back."""

from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.access.keys import authenticate, create_key
from app.kit import migrate
from app.kit.db import data_version, make_engine
from app.kit.deps import get_session
from app.kit.settings import Settings
from app.main import create_app
from tests.databases import backend, scratch_database


def pytest_report_header() -> str:
    return f"database backend: {backend()}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with scratch_database(tmp_path_factory.mktemp("db")) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """A session whose commits become savepoints of the test's outer transaction."""
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def app(settings: Settings, engine: Engine, session: Session) -> FastAPI:
    """The application, its requests sharing the test's session."""
    return share_session(create_app(settings, engine), session)


def share_session(application: FastAPI, session: Session) -> FastAPI:
    """The application with every read and write it makes going through the test's session:
    what the test's transaction holds (keys, data, the data version) is seen by it alone."""
    application.dependency_overrides[get_session] = lambda: session
    application.state.authenticate = lambda presented: authenticate(session, presented)
    application.state.idempotency_sessions = lambda: nullcontext(session)

    async def read_version() -> int:
        return data_version(session)

    application.state.read_data_version = read_version
    return application


@pytest.fixture
def api_keys(session: Session) -> dict[str, str]:
    """A fresh API key for each role, by role."""
    made = {}
    for role in ("viewer", "editor", "admin"):
        _, secret = create_key(session, name=f"test-{role}", role=role)
        made[role] = secret
    return made


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def client(app: FastAPI, api_keys: dict[str, str]) -> Iterator[TestClient]:
    """A client with an admin key: most tests are about the API, not about access."""
    with TestClient(
        app, raise_server_exceptions=False, headers=bearer(api_keys["admin"])
    ) as client:
        yield client


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    with scratch_database(tmp_path) as url:
        yield url
