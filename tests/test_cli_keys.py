"""`occupancy keys create --name NAME --role viewer|editor|admin` (docs/api.md §7)."""

import hashlib
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import cli
from app.access.keys import authenticate
from app.kit import migrate
from app.kit.db import make_engine
from app.kit.settings import Settings, get_settings
from app.main import create_app
from app.models import ApiKey, AuditEvent
from tests.conftest import bearer
from tests.factories import assert_problem, zone_body

KEY = re.compile(r"occ_[0-9a-f]{12}_[A-Za-z0-9_-]{32,}")


@pytest.fixture
def cli_database(scratch_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    migrate.upgrade(scratch_url)
    monkeypatch.setenv("OCCUPANCY_DATABASE_URL", scratch_url)
    get_settings.cache_clear()
    yield scratch_url
    get_settings.cache_clear()


@pytest.fixture
def db_session(cli_database: str) -> Iterator[Session]:
    engine = make_engine(cli_database)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _create(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["keys", "create", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_keys_create_prints_a_working_key_once(cli_database, db_session, capsys):
    code, out, err = _create(capsys, "--name", "n", "--role", "editor")
    assert code == 0, err
    keys = KEY.findall(out + err)
    assert len(keys) == 1, out
    secret = keys[0]
    assert out.count(secret) == 1 and secret not in err
    assert secret in out.splitlines()  # on a line of its own, easy to copy or pipe
    principal = authenticate(db_session, secret)
    assert principal is not None
    assert (principal.name, principal.role) == ("n", "editor")


def test_keys_create_stores_only_a_hash(cli_database, db_session, capsys):
    code, out, _ = _create(capsys, "--name", "hashed", "--role", "viewer")
    assert code == 0
    secret = KEY.search(out).group(0)
    row = db_session.scalar(select(ApiKey).where(ApiKey.name == "hashed"))
    assert row is not None and row.role == "viewer" and row.revoked_at is None
    for column in ApiKey.__table__.columns:
        value = getattr(row, column.key)
        assert not (isinstance(value, str) and secret.split("_", 2)[2] in value), column.key
    assert row.secret_hash != secret
    assert hashlib.sha256(secret.encode()).hexdigest() not in out


def test_keys_create_leaves_an_audit_event_without_secrets(cli_database, db_session, capsys):
    code, out, _ = _create(capsys, "--name", "audited", "--role", "admin")
    assert code == 0
    secret = KEY.search(out).group(0)
    events = list(db_session.scalars(select(AuditEvent)))
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.entity, event.before) == ("create", "api_key", None)
    assert event.after["name"] == "audited" and event.after["role"] == "admin"
    assert event.actor  # the command line names itself as the actor
    assert "secret_hash" not in event.after
    assert secret.split("_", 2)[2] not in repr(event.after)


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_each_role_can_be_created(cli_database, db_session, capsys, role):
    code, out, _ = _create(capsys, "--name", f"key-{role}", "--role", role)
    assert code == 0
    principal = authenticate(db_session, KEY.search(out).group(0))
    assert principal is not None and principal.role == role


def test_keys_are_different_each_time(cli_database, capsys):
    secrets = []
    for i in range(3):
        code, out, _ = _create(capsys, "--name", f"k{i}", "--role", "viewer")
        assert code == 0
        secrets.append(KEY.search(out).group(0))
    assert len(set(secrets)) == 3


def test_duplicate_name_returns_1_and_prints_no_key(cli_database, db_session, capsys):
    assert _create(capsys, "--name", "n", "--role", "editor")[0] == 0
    code, out, err = _create(capsys, "--name", "n", "--role", "admin")
    assert code == 1
    assert not KEY.search(out + err)
    assert "n" in err
    rows = list(db_session.scalars(select(ApiKey)))
    assert [(r.name, r.role) for r in rows] == [("n", "editor")]
    assert len(list(db_session.scalars(select(AuditEvent)))) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["--name", "n", "--role", "root"],
        ["--name", "n", "--role", "Admin"],
        ["--name", "n"],
        ["--role", "viewer"],
        [],
    ],
    ids=["bad-role", "role-case", "no-role", "no-name", "nothing"],
)
def test_bad_arguments_exit_2(cli_database, db_session, capsys, args):
    with pytest.raises(SystemExit) as exited:
        cli.main(["keys", "create", *args])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert not KEY.search(out + err)
    assert list(db_session.scalars(select(ApiKey))) == []


def test_keys_without_subcommand_exits_2(cli_database, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["keys"])
    assert exited.value.code == 2


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "tab\tname", "nl\nname"])
def test_invalid_names_are_refused_like_the_api_does(cli_database, db_session, capsys, name):
    """The API refuses these names (422); the command line must not store them either."""
    try:
        code = cli.main(["keys", "create", "--name", name, "--role", "viewer"])
    except SystemExit as exited:
        code = exited.code
    out, err = capsys.readouterr()
    assert code != 0, out
    assert not KEY.search(out)
    assert list(db_session.scalars(select(ApiKey))) == []


def test_cli_name_is_trimmed_like_the_api(cli_database, db_session, capsys):
    code, out, err = _create(capsys, "--name", "  Sở Công Thương  ", "--role", "viewer")
    assert code == 0, err
    names = [r.name for r in db_session.scalars(select(ApiKey))]
    assert names == ["Sở Công Thương"]


def test_cli_key_works_over_http_and_its_writes_name_it(cli_database, capsys):
    code, out, _ = _create(capsys, "--name", "Sở Công Thương", "--role", "editor")
    assert code == 0
    secret = KEY.search(out).group(0)
    engine = make_engine(cli_database)
    try:
        app = create_app(Settings(database_url=cli_database), engine)
        with TestClient(app, raise_server_exceptions=False, headers=bearer(secret)) as editor:
            assert editor.post("/api/v1/zones", json=zone_body()).status_code == 201
            assert_problem(editor.get("/api/v1/audit"), 403)
        with TestClient(app, raise_server_exceptions=False) as anonymous:
            assert_problem(anonymous.post("/api/v1/zones", json=zone_body()), 401)
        with Session(engine) as session:
            zone_event = session.scalar(select(AuditEvent).where(AuditEvent.entity == "zone"))
            assert zone_event is not None and zone_event.actor == "Sở Công Thương"
    finally:
        engine.dispose()


def test_cli_admin_key_can_manage_keys_over_http(cli_database, capsys):
    code, out, _ = _create(capsys, "--name", "bootstrap", "--role", "admin")
    assert code == 0
    secret = KEY.search(out).group(0)
    engine = make_engine(cli_database)
    try:
        app = create_app(Settings(database_url=cli_database), engine)
        with TestClient(app, raise_server_exceptions=False, headers=bearer(secret)) as admin:
            listed = admin.get("/api/v1/keys")
            assert listed.status_code == 200
            assert [k["name"] for k in listed.json()["items"]] == ["bootstrap"]
            assert secret not in listed.text
            key_id = listed.json()["items"][0]["id"]
            # The only admin key cannot be revoked; with a second one, it can.
            assert_problem(admin.post(f"/api/v1/keys/{key_id}/revoke"), 409)
            second = admin.post("/api/v1/keys", json={"name": "second", "role": "admin"})
            assert second.status_code == 201, second.text
            assert admin.post(f"/api/v1/keys/{key_id}/revoke").status_code == 200
            assert_problem(admin.get("/api/v1/keys"), 401)
        with Session(engine) as session:
            assert authenticate(session, secret) is None
    finally:
        engine.dispose()
