"""Health and readiness, and the command line."""

import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from app.cli import build_parser, main, serve_options
from app.kit import migrate
from app.kit.db import make_engine
from app.kit.settings import Settings, get_settings
from app.main import create_app


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_worker_starts_without_the_libraries_only_some_commands_need():
    """Alembic (with Mako and Pygments, about 11 MB) serves `migrate` only, openpyxl (about
    6 MB) the spreadsheets: a worker that never writes a workbook never loads them."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, app.main; app.main.create_app(); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'mako', 'openpyxl'}))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert loaded.strip() == "[]"


def test_readyz_when_schema_is_at_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "schema": migrate.head_revision()}


def _readyz(url: str):
    engine = make_engine(url)
    try:
        with TestClient(create_app(Settings(database_url=url), engine)) as client:
            return client.get("/readyz")
    finally:
        engine.dispose()


def test_readyz_refuses_an_unmigrated_database(scratch_url):
    response = _readyz(scratch_url)
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "run migrate" in response.json()["detail"]


def test_readyz_refuses_an_unreachable_database(tmp_path):
    response = _readyz(f"sqlite:///{tmp_path}/missing-dir/x.db")
    assert response.status_code == 503
    assert response.json()["detail"] == "the database does not answer"


@pytest.fixture
def configured(monkeypatch, scratch_url):
    monkeypatch.setenv("OCCUPANCY_DATABASE_URL", scratch_url)
    get_settings.cache_clear()
    yield scratch_url
    get_settings.cache_clear()


def test_migrate_command_brings_schema_to_head(configured, capsys):
    assert main(["migrate"]) == 0
    assert migrate.head_revision() in capsys.readouterr().out
    engine = make_engine(configured)
    try:
        with engine.connect() as connection:
            assert migrate.current_revision(connection) == migrate.head_revision()
    finally:
        engine.dispose()


def test_serve_options():
    args = build_parser().parse_args(
        ["serve", "--host", "0.0.0.0", "--port", "9000", "--workers", "4"]
    )
    assert (args.host, args.port, args.workers) == ("0.0.0.0", 9000, 4)
    # Left out, each is taken from HOST, PORT or WORKERS, and without those defaults.
    defaults = serve_options(build_parser().parse_args(["serve"]), {})
    assert (defaults["host"], defaults["port"], defaults["workers"]) == ("127.0.0.1", 8000, 1)


def test_unknown_command_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
