"""Access control (docs/api.md §1, §7): API keys, roles on every route, public reads.

Every write endpoint is listed once in WRITES; each role is tried against each of them.
Keys: random, shown once, stored only as a hash, revoked keys stop at once.
"""

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access.keys import authenticate
from app.kit.db import Base
from app.kit.settings import Settings
from app.main import create_app
from app.models import ApiKey
from tests.conftest import bearer, share_session
from tests.factories import (
    assert_problem,
    create_project,
    create_zone,
    project_body,
    zone_body,
)

ZONES = "/api/v1/zones"
PROJECTS = "/api/v1/projects"
PLANS = "/api/v1/plans"
KEYS = "/api/v1/keys"
AUDIT = "/api/v1/audit"
ROLES = ("anonymous", "viewer", "editor", "admin")
KEY_PATTERN = re.compile(r"^occ_[0-9a-f]{12}_[A-Za-z0-9_-]{32,}$")

_names = count(1)


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class World:
    """Records every write endpoint can act on, created by an admin."""

    zone_id: int  # has a project; target of PATCH and clearance
    empty_zone_id: int  # no history: deletable
    project_id: int
    plan_id: int
    target_id: int
    spare_key_id: int  # a viewer key nobody uses: revocable
    spare_key_name: str
    record_id: int  # a clearance record of zone_id: correctable
    deletable_record_id: int  # another one


def build_world(client: TestClient) -> World:
    zone = create_zone(client)
    empty = create_zone(client)
    project = create_project(client, zone["id"])
    plan = client.post(PLANS, json=plan_body())
    assert plan.status_code == 201, plan.text
    plan_id = plan.json()["id"]
    target = client.post(
        f"{PLANS}/{plan_id}/targets", json={"indicator": "park_occupancy_rate", "target": 0.8}
    )
    assert target.status_code == 201, target.text
    name = f"spare-{next(_names)}"
    key = client.post(KEYS, json={"name": name, "role": "viewer"})
    assert key.status_code == 201, key.text
    records = [
        client.post(
            f"{ZONES}/{zone['id']}/clearance", json={"recorded_on": day, "cleared_ha": cleared}
        )
        for day, cleared in (("2019-06-30", 1), ("2019-12-31", 2))
    ]
    assert all(r.status_code == 201 for r in records), [r.text for r in records]
    return World(
        zone_id=zone["id"],
        empty_zone_id=empty["id"],
        project_id=project["id"],
        plan_id=plan_id,
        target_id=target.json()["id"],
        spare_key_id=key.json()["id"],
        spare_key_name=name,
        record_id=records[0].json()["id"],
        deletable_record_id=records[1].json()["id"],
    )


def plan_body(**overrides: Any) -> dict[str, Any]:
    n = next(_names)
    body = {
        "code": f"{n:02d}-ĐA/TU",
        "title": f"Đề án phát triển công nghiệp {n}",
        "starts_on": "2021-01-01",
        "ends_on": "2025-12-31",
    }
    return body | overrides


@dataclass(frozen=True)
class Write:
    """One write endpoint: how to call it on a World, what success is, what it records."""

    id: str
    method: str
    path: Callable[[World], str]
    body: Callable[[World], dict[str, Any] | None]
    success: int
    entity: str
    action: str
    # The id the audit event names: from the response (creates) or from the World.
    entity_id: Callable[[World, Any], int]
    admin_only: bool = False
    changed: str | None = None  # a field whose before/after differ on update-like actions
    # A file body instead of JSON: (content, media type).
    content: Callable[[World], tuple[bytes, str]] | None = None
    # Audit events a success leaves (an import: one per row it writes, then its own, last).
    events: int = 1


def _zone_sheet(_world: World) -> tuple[bytes, str]:
    body = zone_body()
    header = "code,name,kind,province,total_area_ha,industrial_land_ha"
    row = ",".join(str(body[k]) for k in header.split(","))
    return f"{header}\n{row}\n".encode(), "text/csv"


def _created(_world: World, response: Any) -> int:
    return response.json()["id"]


WRITES = [
    Write(
        "zone-create",
        "POST",
        lambda w: ZONES,
        lambda w: zone_body(),
        201,
        "zone",
        "create",
        _created,
    ),
    Write(
        "zone-update",
        "PATCH",
        lambda w: f"{ZONES}/{w.zone_id}",
        lambda w: {"name": "Khu công nghiệp Lương Sơn (đổi tên)"},
        200,
        "zone",
        "update",
        lambda w, r: w.zone_id,
        changed="name",
    ),
    Write(
        "zone-delete",
        "DELETE",
        lambda w: f"{ZONES}/{w.empty_zone_id}",
        lambda w: None,
        204,
        "zone",
        "delete",
        lambda w, r: w.empty_zone_id,
    ),
    Write(
        "project-create",
        "POST",
        lambda w: PROJECTS,
        lambda w: project_body(w.zone_id),
        201,
        "project",
        "create",
        _created,
    ),
    Write(
        "project-update",
        "PATCH",
        lambda w: f"{PROJECTS}/{w.project_id}",
        lambda w: {"employees": 321},
        200,
        "project",
        "update",
        lambda w, r: w.project_id,
        changed="employees",
    ),
    Write(
        "project-delete",
        "DELETE",
        lambda w: f"{PROJECTS}/{w.project_id}",
        lambda w: None,
        204,
        "project",
        "delete",
        lambda w, r: w.project_id,
    ),
    Write(
        "project-terminate",
        "POST",
        lambda w: f"{PROJECTS}/{w.project_id}/terminate",
        lambda w: {"terminated_on": "2023-06-30", "reason": "Nhà đầu tư rút vốn"},
        200,
        "project",
        "terminate",
        lambda w, r: w.project_id,
        changed="terminated_on",
    ),
    Write(
        "clearance-create",
        "POST",
        lambda w: f"{ZONES}/{w.zone_id}/clearance",
        lambda w: {"recorded_on": "2021-03-31", "cleared_ha": 12.5, "note": "Đợt 1"},
        201,
        "clearance_record",
        "create",
        _created,
    ),
    Write(
        "clearance-update",
        "PATCH",
        lambda w: f"{ZONES}/{w.zone_id}/clearance/{w.record_id}",
        lambda w: {"cleared_ha": 1.5},
        200,
        "clearance_record",
        "update",
        lambda w, r: w.record_id,
        changed="cleared_ha",
    ),
    Write(
        "clearance-delete",
        "DELETE",
        lambda w: f"{ZONES}/{w.zone_id}/clearance/{w.deletable_record_id}",
        lambda w: None,
        204,
        "clearance_record",
        "delete",
        lambda w, r: w.deletable_record_id,
    ),
    Write(
        "import-zones",
        "POST",
        lambda w: "/api/v1/imports?entity=zones",
        lambda w: None,
        201,
        "import",
        "create",
        _created,
        content=_zone_sheet,
        events=2,
    ),
    Write(
        "province-merge",
        "POST",
        lambda w: "/api/v1/provinces/merge",
        lambda w: {"from": ["Hòa Bình"], "into": "Phú Thọ", "effective_from": "2025-07-01"},
        200,
        "province",
        "merge",
        lambda w, r: None,  # type: ignore[arg-type,return-value]
        admin_only=True,
    ),
    Write(
        "filing-create",
        "POST",
        lambda w: "/api/v1/filings",
        lambda w: {"report": "occupancy", "params": {"as_of": "2024-06-14"}, "note": "Kỳ 1"},
        201,
        "filing",
        "create",
        _created,
    ),
    Write(
        "plan-create",
        "POST",
        lambda w: PLANS,
        lambda w: plan_body(),
        201,
        "plan",
        "create",
        _created,
    ),
    Write(
        "plan-update",
        "PATCH",
        lambda w: f"{PLANS}/{w.plan_id}",
        lambda w: {"title": "Đề án sửa đổi"},
        200,
        "plan",
        "update",
        lambda w, r: w.plan_id,
        changed="title",
    ),
    Write(
        "plan-delete",
        "DELETE",
        lambda w: f"{PLANS}/{w.plan_id}",
        lambda w: None,
        204,
        "plan",
        "delete",
        lambda w, r: w.plan_id,
    ),
    Write(
        "target-create",
        "POST",
        lambda w: f"{PLANS}/{w.plan_id}/targets",
        lambda w: {"indicator": "leased_ha", "target": 500, "label": "Diện tích cho thuê"},
        201,
        "plan_target",
        "create",
        _created,
    ),
    Write(
        "target-delete",
        "DELETE",
        lambda w: f"{PLANS}/{w.plan_id}/targets/{w.target_id}",
        lambda w: None,
        204,
        "plan_target",
        "delete",
        lambda w, r: w.target_id,
    ),
    Write(
        "actual-create",
        "POST",
        lambda w: f"{PLANS}/{w.plan_id}/actuals",
        lambda w: {
            "indicator": "industrial_production_index",
            "value": 112.5,
            "as_of": "2024-12-31",
            "source": "Cục Thống kê",
        },
        201,
        "plan_actual",
        "create",
        _created,
    ),
    Write(
        "key-create",
        "POST",
        lambda w: KEYS,
        lambda w: {"name": f"new-key-{next(_names)}", "role": "viewer"},
        201,
        "api_key",
        "create",
        _created,
        admin_only=True,
    ),
    Write(
        "key-revoke",
        "POST",
        lambda w: f"{KEYS}/{w.spare_key_id}/revoke",
        lambda w: None,
        200,
        "api_key",
        "revoke",
        lambda w, r: w.spare_key_id,
        admin_only=True,
        changed="revoked_at",
    ),
]


def body_of(write: Write, world: World) -> dict[str, Any]:
    """The request's body arguments: JSON, a file, or none."""
    if write.content is not None:
        content, media_type = write.content(world)
        return {"content": content, "headers": {"Content-Type": media_type}}
    body = write.body(world)
    return {} if body is None else {"json": body}


def send(client: TestClient, write: Write, world: World, **kwargs: Any) -> Any:
    arguments = body_of(write, world)
    headers = arguments.pop("headers", {}) | kwargs.pop("headers", {})
    return client.request(write.method, write.path(world), headers=headers, **arguments, **kwargs)


def fingerprint(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the service (audit events included)."""
    session.expire_all()
    state = {}
    for table in Base.metadata.sorted_tables:
        rows = session.execute(select(table).order_by(*table.primary_key.columns))
        state[table.name] = [tuple(row) for row in rows]
    return state


def assert_unauthorized(response: Any) -> dict[str, Any]:
    body = assert_problem(response, 401)
    assert response.headers["www-authenticate"].lower().startswith("bearer"), response.headers
    return body


@pytest.fixture
def clients(app: FastAPI, api_keys: dict[str, str]) -> Iterator[dict[str, TestClient]]:
    made = {"anonymous": TestClient(app, raise_server_exceptions=False)}
    for role, key in api_keys.items():
        made[role] = TestClient(app, raise_server_exceptions=False, headers=bearer(key))
    yield made
    for c in made.values():
        c.close()


@pytest.fixture
def world(clients: dict[str, TestClient]) -> World:
    return build_world(clients["admin"])


def _allowed(write: Write, role: str) -> bool:
    if role == "admin":
        return True
    return role == "editor" and not write.admin_only


# --------------------------------------------------------------- every role x every write


def test_the_table_lists_every_write_endpoint(client, world):
    """WRITES covers every non-GET operation the service documents, and nothing else."""
    documented = set()
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        for method in operations:
            if method.upper() not in ("GET", "HEAD", "OPTIONS"):
                documented.add((method.upper(), path))
    covered = set()
    for write in WRITES:
        concrete = write.path(world).split("?")[0]
        matches = {
            (method, path)
            for method, path in documented
            if method == write.method
            and re.fullmatch(re.sub(r"\\{[^}]+\\}", r"\\d+", re.escape(path)), concrete)
        }
        assert len(matches) == 1, (write.id, concrete, matches)
        covered |= matches
    assert covered == documented, documented - covered


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", WRITES, ids=[w.id for w in WRITES])
def test_every_role_against_every_write(clients, world, session, write, role):
    before = fingerprint(session)
    response = send(clients[role], write, world)
    if _allowed(write, role):
        assert response.status_code == write.success, response.text
        assert fingerprint(session) != before
        return
    if role == "anonymous":
        assert_unauthorized(response)
    else:
        body = assert_problem(response, 403)
        assert "www-authenticate" not in {k.lower() for k in response.headers}
        assert body["type"] != "about:blank"
    assert fingerprint(session) == before


@pytest.mark.parametrize("write", WRITES, ids=[w.id for w in WRITES])
def test_anonymous_write_is_401_before_validation_or_lookup(clients, world, session, write):
    """Credentials are checked first: an anonymous caller learns nothing about ids or bodies."""
    before = fingerprint(session)
    path = re.sub(r"/\d+", "/987654", write.path(world))
    assert_unauthorized(clients["anonymous"].request(write.method, path, json={"bogus": 1}))
    assert_unauthorized(clients["anonymous"].request(write.method, write.path(world), json=[]))
    assert fingerprint(session) == before


@pytest.mark.parametrize("write", WRITES, ids=[w.id for w in WRITES])
def test_viewer_write_is_403_before_validation_or_lookup(clients, world, session, write):
    before = fingerprint(session)
    path = re.sub(r"/\d+", "/987654", write.path(world))
    assert_problem(clients["viewer"].request(write.method, path, json={"bogus": 1}), 403)
    assert fingerprint(session) == before


def test_editor_cannot_escalate_through_keys(clients, world, session):
    before = fingerprint(session)
    for role in ("admin", "editor"):
        body = {"name": f"escalate-{role}", "role": role}
        assert_problem(clients["editor"].post(KEYS, json=body), 403)
    own = session.scalar(select(ApiKey.id).where(ApiKey.name == "test-admin"))
    assert_problem(clients["editor"].post(f"{KEYS}/{own}/revoke"), 403)
    assert fingerprint(session) == before


# ------------------------------------------------------------------------------ reads

READS = [
    lambda w: ZONES,
    lambda w: f"{ZONES}?kind=park&sort=-occupancy_rate",
    lambda w: f"{ZONES}/{w.zone_id}",
    lambda w: f"{ZONES}/{w.zone_id}/occupancy?as_of=2024-06-14",
    lambda w: f"{ZONES}/{w.zone_id}/clearance",
    lambda w: PROJECTS,
    lambda w: f"{PROJECTS}/{w.project_id}",
    lambda w: "/api/v1/reports/occupancy",
    lambda w: "/api/v1/reports/occupancy?format=csv",
    lambda w: "/api/v1/reports/occupancy/history?from=2020-01-01&to=2024-12-31&interval=year",
    lambda w: "/api/v1/reports/clearance?period=2024-H1",
    lambda w: "/api/v1/reports/investment",
    lambda w: "/api/v1/reports/summary",
    lambda w: PLANS,
    lambda w: f"{PLANS}/{w.plan_id}",
    lambda w: f"{PLANS}/{w.plan_id}/actuals",
    lambda w: f"{PLANS}/{w.plan_id}/report?as_of=2024-12-31",
    lambda w: "/api/v1/indicators",
]
READ_IDS = [
    "zones",
    "zones-filtered",
    "zone",
    "zone-occupancy",
    "zone-clearance",
    "projects",
    "project",
    "report-occupancy",
    "report-occupancy-csv",
    "report-history",
    "report-clearance",
    "report-investment",
    "report-summary",
    "plans",
    "plan",
    "plan-actuals",
    "plan-report",
    "indicators",
]
ADMIN_READS = [KEYS, AUDIT, f"{AUDIT}?entity=zone", f"{KEYS}?limit=1"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("read", READS, ids=READ_IDS)
def test_reads_are_open_to_every_role_with_public_read(clients, world, settings, read, role):
    assert settings.public_read is True  # the default
    response = clients[role].get(read(world))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ADMIN_READS)
def test_keys_and_audit_reads_need_admin_even_with_public_read(clients, session, path, role):
    before = fingerprint(session)
    response = clients[role].get(path)
    if role == "admin":
        assert response.status_code == 200, response.text
    elif role == "anonymous":
        assert_unauthorized(response)
    else:
        assert_problem(response, 403)
    assert fingerprint(session) == before


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.parametrize("role", ROLES)
def test_operations_endpoints_need_no_key(clients, path, role):
    assert clients[role].get(path).status_code == 200


# --------------------------------------------------------------- public_read = false


@pytest.fixture
def private_app(database_url: str, engine, session: Session) -> FastAPI:
    application = create_app(Settings(database_url=database_url, public_read=False), engine)
    return share_session(application, session)


@pytest.fixture
def private_clients(
    private_app: FastAPI, api_keys: dict[str, str]
) -> Iterator[dict[str, TestClient]]:
    made = {"anonymous": TestClient(private_app, raise_server_exceptions=False)}
    for role, key in api_keys.items():
        made[role] = TestClient(private_app, raise_server_exceptions=False, headers=bearer(key))
    yield made
    for c in made.values():
        c.close()


@pytest.mark.parametrize("read", READS, ids=READ_IDS)
def test_private_reads_refuse_anonymous(private_clients, world, read):
    assert_unauthorized(private_clients["anonymous"].get(read(world)))


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
@pytest.mark.parametrize("read", READS, ids=READ_IDS)
def test_private_reads_admit_every_key(private_clients, world, read, role):
    response = private_clients[role].get(read(world))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_private_operations_endpoints_need_no_key(private_clients, path):
    assert private_clients["anonymous"].get(path).status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", WRITES, ids=[w.id for w in WRITES])
def test_private_writes_same_rules(private_clients, world, session, write, role):
    before = fingerprint(session)
    response = send(private_clients[role], write, world)
    if _allowed(write, role):
        assert response.status_code == write.success, response.text
        return
    if role == "anonymous":
        assert_unauthorized(response)
    else:
        assert_problem(response, 403)
    assert fingerprint(session) == before


def test_public_read_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("OCCUPANCY_PUBLIC_READ", "false")
    assert Settings().public_read is False
    monkeypatch.setenv("OCCUPANCY_PUBLIC_READ", "true")
    assert Settings().public_read is True
    monkeypatch.delenv("OCCUPANCY_PUBLIC_READ")
    assert Settings(_env_file=None).public_read is True


# --------------------------------------------------------------------------- bad keys


def _bad_headers(api_keys: dict[str, str]) -> dict[str, dict[str, str]]:
    good = api_keys["admin"]
    _, prefix, secret = good.split("_", 2)
    wrong_last = good[:-1] + ("A" if good[-1] != "A" else "B")
    return {
        "wrong-secret-valid-prefix": bearer(wrong_last),
        "valid-prefix-other-secret": bearer(f"occ_{prefix}_{'x' * len(secret)}"),
        "secret-truncated": bearer(good[:-5]),
        "secret-extended": bearer(good + "x"),
        "unknown-prefix": bearer(f"occ_{'0' * 12}_{secret}"),
        "other-scheme-prefix": bearer(f"key_{prefix}_{secret}"),
        "garbage": bearer("not-a-key-at-all"),
        "garbage-unicode": {"Authorization": "Bearer không-phải-khóa".encode()},
        "basic-scheme": {"Authorization": "Basic xyz"},
        "basic-scheme-with-key": {"Authorization": f"Basic {good}"},
        "empty-bearer": {"Authorization": "Bearer "},
        "bearer-no-space": {"Authorization": "Bearer"},
        "key-without-scheme": {"Authorization": good},
        "empty-header": {"Authorization": ""},
        "hash-as-key": bearer(hashlib.sha256(good.encode()).hexdigest()),
    }


BAD_KINDS = [
    "wrong-secret-valid-prefix",
    "valid-prefix-other-secret",
    "secret-truncated",
    "secret-extended",
    "unknown-prefix",
    "other-scheme-prefix",
    "garbage",
    "garbage-unicode",
    "basic-scheme",
    "basic-scheme-with-key",
    "empty-bearer",
    "bearer-no-space",
    "key-without-scheme",
    "empty-header",
    "hash-as-key",
]


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_invalid_keys_are_401_on_writes(app, api_keys, session, kind):
    headers = _bad_headers(api_keys)[kind]
    with TestClient(app, raise_server_exceptions=False) as anon:
        before = fingerprint(session)
        assert_unauthorized(anon.post(ZONES, json=zone_body(), headers=headers))
        assert_unauthorized(anon.post(KEYS, json={"name": "x", "role": "admin"}, headers=headers))
        assert fingerprint(session) == before


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_invalid_keys_are_401_even_on_public_reads(app, api_keys, kind):
    """A caller who presents a key must present a valid one; it is not silently anonymous."""
    headers = _bad_headers(api_keys)[kind]
    with TestClient(app, raise_server_exceptions=False) as anon:
        assert_unauthorized(anon.get(ZONES, headers=headers))
        assert_unauthorized(anon.get(AUDIT, headers=headers))


def test_bearer_scheme_is_case_insensitive(app, api_keys):
    with TestClient(app, raise_server_exceptions=False) as anon:
        for scheme in ("bearer", "BEARER", "Bearer"):
            response = anon.get(KEYS, headers={"Authorization": f"{scheme} {api_keys['admin']}"})
            assert response.status_code == 200, (scheme, response.text)


def test_401_and_403_problems_do_not_leak_the_key(app, api_keys):
    key = api_keys["viewer"]
    with TestClient(app, raise_server_exceptions=False) as anon:
        forbidden = anon.post(ZONES, json=zone_body(), headers=bearer(key))
        assert_problem(forbidden, 403)
        wrong = anon.post(ZONES, json=zone_body(), headers=bearer(key + "x"))
        assert_unauthorized(wrong)
    for response in (forbidden, wrong):
        assert key not in response.text
        assert key.split("_", 2)[2] not in response.text  # the secret part, whole


# --------------------------------------------------------------------------- revocation


def test_revoked_key_stops_working_at_once(client, session):
    created = client.post(KEYS, json={"name": "short-lived", "role": "editor"})
    assert created.status_code == 201, created.text
    key, key_id = created.json()["key"], created.json()["id"]
    with TestClient(client.app, raise_server_exceptions=False, headers=bearer(key)) as editor:
        assert editor.post(ZONES, json=zone_body()).status_code == 201
        assert editor.get(ZONES).status_code == 200
        revoked = client.post(f"{KEYS}/{key_id}/revoke")
        assert revoked.status_code == 200, revoked.text
        assert revoked.json()["revoked_at"] is not None
        assert "key" not in revoked.json()
        before = fingerprint(session)
        assert_unauthorized(editor.post(ZONES, json=zone_body()))
        assert_unauthorized(editor.get(ZONES))  # even a public read: the key is invalid now
        assert_unauthorized(editor.patch(f"{ZONES}/1", json={"name": "x"}))
        assert fingerprint(session) == before
    listed = {k["id"]: k for k in client.get(KEYS, params={"limit": 500}).json()["items"]}
    assert listed[key_id]["revoked_at"] is not None


def test_admin_revoking_its_own_key_locks_itself_out(client, api_keys, session):
    # Another admin key works, so this one is not the last (that one is refused: see
    # tests/test_hardening.py).
    assert client.post(KEYS, json={"name": "other-admin", "role": "admin"}).status_code == 201
    own = session.scalar(select(ApiKey).where(ApiKey.name == "test-admin"))
    assert client.post(f"{KEYS}/{own.id}/revoke").status_code == 200
    assert_unauthorized(client.get(KEYS))


def test_revoking_twice_is_409(client, session):
    key_id = client.post(KEYS, json={"name": "twice", "role": "viewer"}).json()["id"]
    assert client.post(f"{KEYS}/{key_id}/revoke").status_code == 200
    before = fingerprint(session)
    assert_problem(client.post(f"{KEYS}/{key_id}/revoke"), 409)
    assert fingerprint(session) == before


@pytest.mark.parametrize(("key_id", "status"), [(987654, 404), (2_147_483_647, 404), (0, 422)])
def test_revoking_an_unknown_key(client, session, key_id, status):
    before = fingerprint(session)
    assert_problem(client.post(f"{KEYS}/{key_id}/revoke"), status)
    assert fingerprint(session) == before


# ---------------------------------------------------------------------------- keys API


def test_create_key_returns_the_secret_once(client, session):
    response = client.post(KEYS, json={"name": "  Báo cáo tỉnh  ", "role": "editor"})
    assert response.status_code == 201, response.text
    body = response.json()
    secret = body["key"]
    assert KEY_PATTERN.fullmatch(secret), secret
    assert secret.startswith("occ_")
    assert body["name"] == "Báo cáo tỉnh"
    assert body["role"] == "editor"
    assert body["revoked_at"] is None
    assert body["created_at"].endswith("Z")
    assert isinstance(body["id"], int)
    assert "secret_hash" not in body
    assert response.headers["location"].endswith(f"{KEYS}/{body['id']}")
    # The key works for its role.
    with TestClient(client.app, raise_server_exceptions=False, headers=bearer(secret)) as new:
        assert new.post(ZONES, json=zone_body()).status_code == 201
        assert_problem(new.get(KEYS), 403)


def test_create_key_location_resolves(client):
    response = client.post(KEYS, json={"name": "located", "role": "viewer"})
    assert response.status_code == 201
    followed = client.get(response.headers["location"])
    assert followed.status_code == 200, (response.headers["location"], followed.text)
    assert followed.json()["id"] == response.json()["id"]
    assert "key" not in followed.json()


def test_keys_are_random(client):
    secrets = [
        client.post(KEYS, json={"name": f"random-{i}", "role": "viewer"}).json()["key"]
        for i in range(5)
    ]
    assert len(set(secrets)) == 5
    assert len({s.split("_")[1] for s in secrets}) == 5
    assert len({s.split("_", 2)[2] for s in secrets}) == 5
    assert all(len(s.split("_", 2)[2]) >= 32 for s in secrets)


def test_key_list_never_shows_a_secret_or_hash(client, api_keys, session):
    created = client.post(KEYS, json={"name": "listed", "role": "admin"}).json()
    secrets = [created["key"], *api_keys.values()]
    hashes = [hashlib.sha256(s.encode()).hexdigest() for s in secrets]
    response = client.get(KEYS, params={"limit": 500})
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == len(page["items"]) >= 4
    assert set(page) == {"items", "total", "limit", "offset"}
    for item in page["items"]:
        assert "key" not in item and "secret_hash" not in item and "secret" not in item
        assert set(item) <= {"id", "name", "role", "prefix", "created_at", "revoked_at"}
        for value in item.values():
            assert value not in secrets and value not in hashes
    for leak in secrets + hashes:
        assert leak not in response.text
    for secret in secrets:
        # The secret part whole (occ_<prefix>_<token>): the token itself may hold "_", so a
        # split on every "_" could leave a fragment as short as "0".
        token = secret.split("_", 2)[2]
        assert len(token) >= 40 and token not in response.text
    names = [item["name"] for item in page["items"]]
    assert {"test-viewer", "test-editor", "test-admin", "listed"} <= set(names)


def test_key_list_paginates(client):
    for i in range(3):
        client.post(KEYS, json={"name": f"page-{i}", "role": "viewer"})
    full = client.get(KEYS, params={"limit": 500}).json()
    first = client.get(KEYS, params={"limit": 2, "offset": 0}).json()
    second = client.get(KEYS, params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == full["total"] >= 6
    assert [k["id"] for k in first["items"] + second["items"]] == [
        k["id"] for k in full["items"][:4]
    ]
    assert_problem(client.get(KEYS, params={"limit": 501}), 422)


def test_duplicate_key_name_is_409(client, session):
    assert client.post(KEYS, json={"name": "dup", "role": "viewer"}).status_code == 201
    before = fingerprint(session)
    body = assert_problem(client.post(KEYS, json={"name": "dup", "role": "admin"}), 409)
    assert "key" not in body
    assert_problem(client.post(KEYS, json={"name": "  dup ", "role": "viewer"}), 409)
    assert_problem(client.post(KEYS, json={"name": "test-admin", "role": "viewer"}), 409)
    assert fingerprint(session) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "r", "role": "superuser"}, "role"),
        ({"name": "r", "role": "Admins"}, "role"),
        ({"name": "r", "role": None}, "role"),
        ({"name": "r"}, "role"),
        ({"role": "viewer"}, "name"),
        ({"name": "", "role": "viewer"}, "name"),
        ({"name": "   ", "role": "viewer"}, "name"),
        ({"name": "x" * 101, "role": "viewer"}, "name"),
        ({"name": "a\u0000b", "role": "viewer"}, "name"),
        ({"name": "r", "role": "viewer", "key": "occ_000000000000_chosen"}, "key"),
        ({"name": "r", "role": "viewer", "prefix": "000000000000"}, "prefix"),
        ({"name": "r", "role": "viewer", "secret_hash": "0" * 64}, "secret_hash"),
        ({"name": "r", "role": "viewer", "revoked_at": None}, "revoked_at"),
    ],
)
def test_invalid_key_create_is_422(client, session, body, field):
    before = fingerprint(session)
    assert_problem(client.post(KEYS, json=body), 422, field=field)
    assert fingerprint(session) == before


def test_database_stores_only_a_hash(client, session):
    created = client.post(KEYS, json={"name": "hashed", "role": "viewer"}).json()
    secret = created["key"]
    session.expire_all()
    row = session.get(ApiKey, created["id"])
    assert row is not None
    values = [getattr(row, column.key) for column in ApiKey.__table__.columns]
    for value in values:
        assert value != secret
        if isinstance(value, str):
            assert secret not in value
            assert secret.split("_", 2)[2] not in value  # not even the random part
    assert row.secret_hash != secret
    assert len(row.secret_hash) == 64
    # Raw row, without the ORM: the secret is nowhere in the table.
    table = ApiKey.__table__
    for raw in session.execute(select(table)):
        for value in raw:
            assert not (isinstance(value, str) and secret.split("_", 2)[2] in value)


def test_api_keys_fixture_roles_are_what_they_claim(session, api_keys):
    for role, secret in api_keys.items():
        principal = authenticate(session, secret)
        assert principal is not None
        assert principal.role == role
        assert principal.name == f"test-{role}"


@pytest.mark.parametrize("role", ["anonymous", "viewer", "bad-key"])
@pytest.mark.parametrize("path", [ZONES, KEYS, f"{PLANS}/1/targets"])
def test_credentials_are_checked_before_the_body_is_parsed(app, api_keys, session, role, path):
    """A malformed body from a caller who may not write at all is still 401/403, not 400."""
    headers = {"content-type": "application/json"}
    if role == "viewer":
        headers |= bearer(api_keys["viewer"])
    elif role == "bad-key":
        headers |= bearer("occ_000000000000_nope")
    with TestClient(app, raise_server_exceptions=False) as caller:
        before = fingerprint(session)
        response = caller.post(path, content=b'{"code": ', headers=headers)
        if role == "viewer":
            assert_problem(response, 403)
        else:
            assert_unauthorized(response)
        assert fingerprint(session) == before


def test_openapi_declares_the_bearer_scheme_on_every_api_operation(client):
    document = client.get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    (name,) = [n for n, s in schemes.items() if s.get("type") == "http"]
    assert schemes[name]["scheme"].lower() == "bearer"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/api/v1/"):
                assert {name: []} in operation.get("security", []), (method, path)
                assert {"401", "403"} <= set(operation["responses"]), (method, path)
            else:
                assert not operation.get("security"), (method, path)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/keys/",
        "/api/v1/audit/",
        "/api/v1//keys",
        "/api//v1/audit",
        "/api/v1/Keys",
        "/api/v1/AUDIT",
        "/api/v1/keys?limit=1",
        "/api/v1/keys%2F",
        "/api/v1/zones/../keys",
        "/api/v1/./audit",
        "/api/v1/audit%3Fx",
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "viewer", "editor"])
def test_admin_paths_cannot_be_reached_by_spelling_them_differently(clients, role, path):
    for method in ("GET", "POST"):
        response = clients[role].request(
            method, path, json={"name": "sneak", "role": "admin"}, follow_redirects=True
        )
        assert response.status_code in (401, 403, 404, 405), (method, response.text)
        assert "occ_" not in response.text


def test_a_key_read_and_its_revocation_carry_its_version(client):
    created = client.post(KEYS, json={"name": "etag-key", "role": "viewer"})
    assert created.status_code == 201, created.text
    read = client.get(f"{KEYS}/{created.json()['id']}")
    assert read.headers["etag"] == created.headers["etag"]
    revoked = client.post(f"{KEYS}/{created.json()['id']}/revoke")
    assert revoked.status_code == 200, revoked.text
    assert revoked.headers["etag"] != read.headers["etag"]
    assert client.get(f"{KEYS}/{created.json()['id']}").headers["etag"] == revoked.headers["etag"]
