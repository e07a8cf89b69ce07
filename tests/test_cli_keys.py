"""`occupancy keys create --name NAME --role viewer|editor|admin`, `occupancy keys list` and
`occupancy keys revoke ID|--name NAME` on the configured database (docs/api.md, Command line).
Over the API (`--server`) they are tested in tests/test_cli_remote.py."""

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
from app.kit.db import data_version, make_engine
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


# ------------------------------------------------------------- keys list, keys revoke


def _keys(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(["keys", *args])
    except SystemExit as exited:
        code = int(exited.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _made(capsys: pytest.CaptureFixture[str], name: str, role: str) -> str:
    code, out, err = _create(capsys, "--name", name, "--role", role)
    assert code == 0, err
    return KEY.search(out).group(0)


def _rows(out: str) -> list[list[str]]:
    """The table's rows, split on the two-space column gaps (names may hold one space)."""
    return [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()]


def _stored(db_session: Session) -> dict[str, ApiKey]:
    db_session.rollback()  # a fresh look: end the session's earlier read
    return {key.name: key for key in db_session.scalars(select(ApiKey))}


def _revocations(db_session: Session) -> list[AuditEvent]:
    db_session.rollback()
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == "revoke")))


def test_keys_list_of_no_keys_is_the_header(cli_database, capsys):
    code, out, err = _keys(capsys, "list")
    assert code == 0, err
    assert _rows(out) == [["id", "name", "role", "prefix", "created", "revoked"]]


def test_keys_list_shows_every_key_and_never_a_secret(cli_database, db_session, capsys):
    secrets = [_made(capsys, name, role) for name, role in [("a", "admin"), ("Sở Công Thương", "editor")]]  # fmt: skip
    code, out, err = _keys(capsys, "list")
    assert code == 0, err
    header, *rows = _rows(out)
    assert header == ["id", "name", "role", "prefix", "created", "revoked"]
    stored = sorted(_stored(db_session).values(), key=lambda key: key.id)
    assert [row[:4] for row in rows] == [[str(k.id), k.name, k.role, k.prefix] for k in stored]
    for row, key in zip(rows, stored, strict=True):
        assert row[4] == key.created_at.strftime("%Y-%m-%dT%H:%M:%SZ") and row[5] == "-"
    for secret in secrets:
        assert secret.split("_", 2)[2] not in out
    for key in stored:
        assert key.secret_hash not in out


def test_keys_revoke_by_id_and_by_name(cli_database, db_session, capsys):
    _made(capsys, "admin", "admin")
    by_id = _made(capsys, "by-id", "editor")
    by_name = _made(capsys, "Sở Công Thương", "viewer")
    version = data_version(db_session)
    key_id = _stored(db_session)["by-id"].id
    code, out, err = _keys(capsys, "revoke", str(key_id))
    assert code == 0, err
    assert _rows(out)[1][:2] == [str(key_id), "by-id"] and _rows(out)[1][-1] != "-"
    code, out, err = _keys(capsys, "revoke", "--name", "Sở Công Thương")
    assert code == 0, err
    stored = _stored(db_session)
    assert stored["by-id"].revoked_at is not None
    assert stored["Sở Công Thương"].revoked_at is not None
    assert stored["admin"].revoked_at is None
    assert authenticate(db_session, by_id) is None and authenticate(db_session, by_name) is None
    events = _revocations(db_session)
    assert [(e.entity, e.entity_id, e.actor) for e in events] == [
        ("api_key", stored["by-id"].id, "cli"),
        ("api_key", stored["Sở Công Thương"].id, "cli"),
    ]
    db_session.rollback()
    assert data_version(db_session) > version  # report ETags change


def test_keys_revoke_refuses_the_last_working_admin_key_like_the_api(
    cli_database, db_session, capsys
):
    secret = _made(capsys, "only-admin", "admin")
    _made(capsys, "editor", "editor")
    key_id = _stored(db_session)["only-admin"].id
    version = data_version(db_session)
    code, out, err = _keys(capsys, "revoke", str(key_id))
    assert code == 1 and out == ""
    engine = make_engine(cli_database)
    try:  # the API refuses it in the same words
        app = create_app(Settings(database_url=cli_database), engine)
        with TestClient(app, raise_server_exceptions=False, headers=bearer(secret)) as admin:
            refusal = assert_problem(admin.post(f"/api/v1/keys/{key_id}/revoke"), 409)
    finally:
        engine.dispose()
    assert refusal["detail"] in err
    code, out, err = _keys(capsys, "revoke", "--name", "only-admin")
    assert code == 1 and refusal["detail"] in err
    assert _stored(db_session)["only-admin"].revoked_at is None
    assert authenticate(db_session, secret) is not None
    assert _revocations(db_session) == []
    db_session.rollback()
    assert data_version(db_session) == version


def test_with_two_admin_keys_one_may_go_and_then_not_the_other(cli_database, db_session, capsys):
    _made(capsys, "first", "admin")
    _made(capsys, "second", "admin")
    assert _keys(capsys, "revoke", "--name", "first")[0] == 0
    code, out, err = _keys(capsys, "revoke", "--name", "second")
    assert code == 1 and "last admin key" in err
    stored = _stored(db_session)
    assert stored["first"].revoked_at is not None and stored["second"].revoked_at is None


@pytest.mark.parametrize(
    "args, says",
    [
        (["2147483647"], "does not exist"),
        (["--name", "nobody"], "no key is named 'nobody'"),
    ],
)
def test_keys_revoke_of_an_unknown_key_exits_1(cli_database, db_session, capsys, args, says):
    _made(capsys, "admin", "admin")
    _made(capsys, "editor", "editor")
    code, out, err = _keys(capsys, "revoke", *args)
    assert code == 1 and says in err and out == ""
    assert all(key.revoked_at is None for key in _stored(db_session).values())


def test_keys_revoke_of_a_revoked_key_exits_1(cli_database, db_session, capsys):
    _made(capsys, "admin", "admin")
    _made(capsys, "editor", "editor")
    assert _keys(capsys, "revoke", "--name", "editor")[0] == 0
    revoked_at = _stored(db_session)["editor"].revoked_at
    code, out, err = _keys(capsys, "revoke", "--name", "editor")
    assert code == 1 and "was revoked" in err
    assert _stored(db_session)["editor"].revoked_at == revoked_at
    assert len(_revocations(db_session)) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["revoke"],
        ["revoke", "1", "--name", "x"],
        ["revoke", "0"],
        ["revoke", "-3"],
        ["revoke", "abc"],
        ["revoke", "1", "--timeout", "5"],
        ["list", "--retries", "2"],
    ],
)
def test_bad_keys_command_lines_exit_2_and_change_nothing(cli_database, db_session, capsys, args):
    _made(capsys, "admin", "admin")
    _made(capsys, "editor", "editor")
    code, out, err = _keys(capsys, *args)
    assert code == 2 and err
    assert all(key.revoked_at is None for key in _stored(db_session).values())
