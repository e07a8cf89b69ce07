"""What the contract asks of the image and of compose.yaml, read from the files themselves (no
Docker here): the runtime lock only, a non-root user, migrations before serving, PORT, a health
check, a build context of only what the image is built from, PostgreSQL with a health check and
a named volume. tests/test_runtime_install.py runs the same recipe in a clean virtualenv."""

import re

import pytest
import yaml

from tests.dockerfile import (
    ROOT,
    copied_from_context,
    dockerignore_patterns,
    final_stage,
    healthcheck_command,
    instructions,
    run_command,
)

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_the_image_installs_the_runtime_lock_and_never_the_development_one():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "requirements-dev" not in dockerfile
    assert "requirements.txt" in copied_from_context()
    installs = [
        i.arguments for i in instructions() if i.keyword == "RUN" and "pip install" in i.arguments
    ]
    assert installs, "the Dockerfile installs nothing with pip"
    for command in installs:
        assert "--no-deps" in command, f"pip may pull in more than the lock: {command}"


def test_the_image_runs_as_a_numeric_unprivileged_user():
    users = [i.arguments for i in final_stage() if i.keyword == "USER"]
    assert users, "the image runs as root"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) != 0, users[-1]
    assert not gid or (gid.isdigit() and int(gid) != 0), users[-1]


def test_the_image_migrates_and_only_then_serves_on_the_port_from_the_environment():
    command = run_command()
    assert command[:2] == ["sh", "-c"], command
    migrate, _, serve = command[2].partition("&&")
    assert migrate.split() == ["occupancy", "migrate"], command
    assert serve.split() == ["exec", "occupancy", "serve"], command  # HOST, PORT, WORKERS: ENV
    variables = " ".join(i.arguments for i in final_stage() if i.keyword == "ENV")
    for variable in ("HOST=0.0.0.0", "PORT=", "WORKERS="):
        assert variable in variables, f"the image does not set {variable}"


def test_the_image_checks_its_own_readiness():
    assert healthcheck_command()[:2] == ["occupancy", "healthcheck"]


def test_the_build_context_is_only_what_the_image_copies():
    patterns = dockerignore_patterns()
    assert patterns[0] == "*", ".dockerignore must leave everything out first, then let in"
    let_in = {pattern[1:].rstrip("/") for pattern in patterns if pattern.startswith("!")}
    copied = {source.rstrip("/") for source in copied_from_context()}
    assert copied <= let_in, f".dockerignore leaves out what the image copies: {copied - let_in}"
    assert let_in <= copied, f".dockerignore lets in what the image never copies: {let_in - copied}"


def test_compose_runs_postgresql_on_a_pinned_image_with_a_health_check_and_a_named_volume():
    db = COMPOSE["services"]["db"]
    assert re.fullmatch(r"postgres:\d+\.\d+(-[a-z0-9.]+)?", db["image"]), db["image"]
    assert db["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    volume, _, mount = db["volumes"][0].partition(":")
    assert volume in COMPOSE["volumes"], f"{volume} is not a named volume"
    assert mount == "/var/lib/postgresql/data"


def test_compose_starts_the_app_once_postgresql_is_healthy_and_checks_the_app():
    app = COMPOSE["services"]["app"]
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    environment = app["environment"]
    assert environment["OCCUPANCY_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@db:" in environment["OCCUPANCY_DATABASE_URL"]
    port = environment["PORT"]
    assert any(mapping.endswith(f":{port}") for mapping in app["ports"]), app["ports"]
    assert app["healthcheck"]["test"][1:3] == ["occupancy", "healthcheck"]


@pytest.mark.parametrize("service", ["db", "app"])
def test_compose_takes_the_database_password_from_outside_the_file(service):
    """The password is never written in compose.yaml: compose refuses to start without it."""
    environment = COMPOSE["services"][service]["environment"]
    secret = environment["POSTGRES_PASSWORD" if service == "db" else "PGPASSWORD"]
    assert secret.startswith("${POSTGRES_PASSWORD:?"), secret
