"""The shape of the code, checked: who may import whom, who may commit, what stays pure.

These read the source (no database, no app): they fail the moment a change breaks one of the
rules docs/architecture.md states.
"""

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from app.access.keys import create_key
from app.kit.deps import SessionDep
from app.kit.settings import Settings
from app.kit.uow import WorkDep
from app.main import create_app
from app.models import ApiKey
from app.models.enums import Role

APP = Path(__file__).resolve().parents[1] / "app"

# What each package may import from app (besides itself). The domains talk through land.
ALLOWED: dict[str, set[str]] = {
    "kit": {"models"},
    "models": {"kit"},
    "land": {"kit", "models"},
    "audit": {"kit", "models"},
    "access": {"kit", "models"},
    # Spreadsheets (CSV, XLSX) read and written for people: no database, no domain.
    "sheets": {"kit", "models"},
    "zones": {"kit", "models", "land", "sheets"},
    "projects": {"kit", "models", "land", "sheets"},
    "clearance": {"kit", "models", "land", "sheets"},
    "reports": {"kit", "models", "land", "sheets"},
    "plans": {"kit", "models", "land"},
    # The client of a running service: httpx and the standard library, nothing of the service,
    # so that scripts can import it with httpx alone.
    "client": set(),
    "dashboard": {"kit"},
    # Imports apply rows through the domains' own schemas and services.
    "imports": {"kit", "models", "land", "sheets", "zones", "projects", "clearance"},
}
# Top-level modules held to a layer too: the command line's remote commands go through the
# client only.
MODULE_ALLOWED: dict[str, set[str]] = {"remote.py": {"client"}}
# The client's pure parts: which reports, which parameters, when to retry; no I/O, no httpx.
CLIENT_PURE = ("client/reports.py", "client/retry.py")
# Pure arithmetic: no I/O, no framework; every rate and rounding rule is tested without a
# database.
PURE = (
    "land/forecast.py",
    "land/rates.py",
    "land/capacity.py",
    "land/held_tree.py",
    "land/clearance.py",
    "land/revisions.py",
    "reports/restatement.py",
    "models/enums.py",
    "sheets/styles.py",
    "sheets/labels.py",
    "kit/countries.py",
    "sheets/layout.py",
    "sheets/cells.py",
    "sheets/headers.py",
)
# The only places that commit: the request's unit of work, the idempotency store (claims
# commit on their own short session before the request's opens), and the command line.
COMMITTERS = {"kit/uow.py", "kit/idempotency/store.py", "cli.py"}


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(APP.rglob("*.py")):
        yield path.relative_to(APP).as_posix(), ast.parse(path.read_text(), str(path))


def imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_packages_import_only_the_layers_below_them():
    wrong = []
    for name, tree in modules():
        package = name.split("/")[0]
        if package not in ALLOWED:
            continue
        for module in imported(tree):
            parts = module.split(".")
            if parts[0] != "app" or len(parts) < 2 or parts[1] in (package, "__init__"):
                continue
            if parts[1] not in ALLOWED[package]:
                wrong.append(f"app/{name} imports {module}")
    assert wrong == []


def test_top_level_modules_import_only_their_layers():
    wrong = []
    for name, tree in modules():
        if name not in MODULE_ALLOWED:
            continue
        for module in imported(tree):
            parts = module.split(".")
            if parts[0] == "app" and (len(parts) < 2 or parts[1] not in MODULE_ALLOWED[name]):
                wrong.append(f"app/{name} imports {module}")
    assert wrong == []


def _outside(tree: ast.Module) -> set[str]:
    """Top-level names of what a module imports from outside the standard library and app."""
    return {
        module.split(".")[0]
        for module in imported(tree)
        if module.split(".")[0] not in sys.stdlib_module_names | {"app"}
    }


def test_the_client_and_the_remote_commands_need_httpx_alone():
    needs = {
        name: _outside(tree)
        for name, tree in modules()
        if name.startswith("client/") or name in MODULE_ALLOWED
    }
    assert needs and {name: found - {"httpx"} for name, found in needs.items()} == {
        name: set() for name in needs
    }


@pytest.mark.parametrize("name", CLIENT_PURE)
def test_the_client_rules_do_no_io(name):
    tree = ast.parse((APP / name).read_text())
    assert _outside(tree) == set()
    inside = {m for m in imported(tree) if m.startswith("app.")}
    assert inside <= {"app." + p.removesuffix(".py").replace("/", ".") for p in CLIENT_PURE}
    io = {"os", "socket", "io", "pathlib", "subprocess", "time", "urllib", "http", "tempfile"}
    assert {m.split(".")[0] for m in imported(tree)} & io == set()


def test_every_package_is_placed_in_a_layer():
    packages = {p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - set(ALLOWED) <= {"demo"}, "a new package needs its place in ALLOWED"


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_import_no_framework_and_no_io(name):
    tree = ast.parse((APP / name).read_text())
    outside = {m for m in imported(tree) if m.split(".")[0] not in ("app", "__future__")}
    standard = {
        "calendar",
        "collections.abc",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "re",
        "typing",
        "unicodedata",
    }
    assert outside <= standard
    inside = {m for m in imported(tree) if m.startswith("app.")}
    assert inside <= {"app." + p.removesuffix(".py").replace("/", ".") for p in PURE}


def test_only_the_unit_of_work_commits():
    commits = []
    for name, tree in modules():
        for node in ast.walk(tree):
            call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if call and node.func.attr == "commit" and name not in COMMITTERS:
                commits.append(f"app/{name}:{node.lineno}")
    assert commits == []


def test_services_never_import_fastapi():
    leaks = [
        name
        for name, tree in modules()
        if name.endswith("service.py") and any(m.startswith("fastapi") for m in imported(tree))
    ]
    assert leaks == []


# ----------------------------------------------------------------- the guard, at run time


class Made(BaseModel):
    name: str


@pytest.fixture
def real_app(database_url: str, engine: Engine) -> Iterator[FastAPI]:
    """The application with its own sessions (no test transaction), plus two routes that
    create an API key: one through the unit of work, one committing by itself."""
    application = create_app(Settings(database_url=database_url), engine)

    @application.post("/api/v1/probe/through-work", status_code=201)
    def through_work(work: WorkDep) -> Made:
        key, _ = create_key(work.session, name="probe-through-work", role=Role.VIEWER)
        return work.created(Made(name=key.name), location=f"/api/v1/keys/{key.id}")

    @application.post("/api/v1/probe/stray-commit", status_code=201)
    def stray_commit(session: SessionDep) -> Made:
        key, _ = create_key(session, name="probe-stray-commit", role=Role.VIEWER)
        session.commit()
        return Made(name=key.name)

    with Session(engine) as session:
        _, secret = create_key(session, name="probe-editor", role=Role.EDITOR)
        session.commit()
    application.state.probe_headers = {"Authorization": f"Bearer {secret}"}
    yield application
    with Session(engine) as session:
        session.execute(delete(ApiKey).where(ApiKey.name.like("probe-%")))
        session.commit()


def _key_stored(engine: Engine, name: str) -> bool:
    with Session(engine) as session:
        return session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None


def test_a_route_that_commits_by_itself_fails_and_keeps_nothing(real_app, engine):
    headers = real_app.state.probe_headers
    with TestClient(real_app, raise_server_exceptions=False, headers=headers) as client:
        response = client.post("/api/v1/probe/stray-commit")
    assert response.status_code == 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert not _key_stored(engine, "probe-stray-commit")


def test_the_unit_of_work_commits_its_write(real_app, engine):
    headers = real_app.state.probe_headers
    with TestClient(real_app, raise_server_exceptions=False, headers=headers) as client:
        response = client.post("/api/v1/probe/through-work")
    assert response.status_code == 201, response.text
    assert response.headers["location"].startswith("/api/v1/keys/")
    assert _key_stored(engine, "probe-through-work")
