"""The audit trail (docs/api.md §7): every successful write appends exactly one event in the
write's own transaction; failed writes leave none; the API cannot change or delete an event.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.access.keys import create_key
from app.kit import audit as audit_service
from app.kit import migrate
from app.kit.db import make_engine
from app.kit.settings import Settings
from app.main import create_app
from app.models import AuditEvent, Zone
from tests.conftest import bearer
from tests.databases import scratch_database
from tests.factories import (
    assert_problem,
    create_project,
    create_zone,
    project_body,
    zone_body,
)
from tests.test_access import (
    KEYS,
    PLANS,
    PROJECTS,
    WRITES,
    ZONES,
    World,
    body_of,
    build_world,
    fingerprint,
    plan_body,
)

AUDIT = "/api/v1/audit"
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
EVENT_FIELDS = {
    "id",
    "occurred_at",
    "actor",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
    "request_id",
}
TIMESTAMPS = {"created_at", "updated_at", "revoked_at"}


# --------------------------------------------------------------------------- helpers


def all_events(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    """Every event (through the API, all pages)."""
    items: list[dict[str, Any]] = []
    while True:
        response = client.get(AUDIT, params={"limit": 500, "offset": len(items), **params})
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        if len(items) >= page["total"] or not page["items"]:
            return items


def last_event_id(session: Session) -> int:
    return session.scalar(select(func.max(AuditEvent.id))) or 0


def events_after(client: TestClient, last_id: int) -> list[dict[str, Any]]:
    return [e for e in all_events(client) if e["id"] > last_id]


@pytest.fixture
def clients(app, api_keys) -> Iterator[dict[str, TestClient]]:
    made = {"anonymous": TestClient(app, raise_server_exceptions=False)}
    for role, key in api_keys.items():
        made[role] = TestClient(app, raise_server_exceptions=False, headers=bearer(key))
    yield made
    for c in made.values():
        c.close()


@pytest.fixture
def world(clients) -> World:
    return build_world(clients["admin"])


# ------------------------------------------------------- one event per successful write


@pytest.mark.parametrize("write", WRITES, ids=[w.id for w in WRITES])
def test_each_successful_write_appends_exactly_one_event(clients, world, session, write):
    role = "admin" if write.admin_only else "editor"
    last = last_event_id(session)
    request_id = f"req-{write.id}.1"
    arguments = body_of(write, world)
    body = arguments.get("json")
    headers = {"X-Request-ID": request_id} | arguments.pop("headers", {})
    response = clients[role].request(write.method, write.path(world), headers=headers, **arguments)
    assert response.status_code == write.success, response.text
    assert response.headers["x-request-id"] == request_id

    new = events_after(clients["admin"], last)
    assert len(new) == write.events, new
    event = new[-1]
    assert set(event) == EVENT_FIELDS
    assert event["actor"] == f"test-{role}"
    assert event["action"] == write.action
    assert event["entity"] == write.entity
    assert event["entity_id"] == write.entity_id(world, response)
    assert event["request_id"] == request_id
    occurred = datetime.fromisoformat(event["occurred_at"].replace("Z", "+00:00"))
    assert event["occurred_at"].endswith("Z")
    assert abs(datetime.now(UTC) - occurred) < timedelta(minutes=5)

    before, after = event["before"], event["after"]
    if write.action == "create":
        assert before is None
        assert isinstance(after, dict) and after["id"] == event["entity_id"]
        shown = response.json()
        common = (set(shown) & set(after)) - TIMESTAMPS - {"status"}
        assert common, (shown, after)
        for field in common:
            assert after[field] == shown[field], field
        if body:
            for field, value in body.items():
                if field in after and not isinstance(value, float):
                    assert after[field] == (value.strip() if isinstance(value, str) else value)
    elif write.action == "merge":
        assert before is None and event["entity_id"] is None
        assert (after["from"], after["into"]) == (body["from"], body["into"])
        assert after["effective_from"] == body["effective_from"]
        moved = [zone["id"] for zone in response.json()["moved"]]
        assert moved and [zone["id"] for zone in after["zones"]] == moved
    elif write.action == "delete":
        assert after is None
        assert isinstance(before, dict) and before["id"] == event["entity_id"]
    else:
        assert isinstance(before, dict) and isinstance(after, dict)
        assert before["id"] == after["id"] == event["entity_id"]
        assert write.changed is not None
        assert before[write.changed] != after[write.changed]
        if write.action == "update":
            assert after[write.changed] == body[write.changed]
        if write.action == "terminate":
            assert before["terminated_on"] is None
            assert after["terminated_on"] == body["terminated_on"]
            assert after["termination_reason"] == body["reason"]
        if write.action == "revoke":
            assert before["revoked_at"] is None and after["revoked_at"] is not None
    for snapshot in (before, after):
        if snapshot is not None:
            assert "secret_hash" not in snapshot and "search_text" not in snapshot
            for name in TIMESTAMPS & set(snapshot):
                assert snapshot[name] is None or snapshot[name].endswith("Z"), snapshot

    # The stored row says the same as the API.
    session.expire_all()
    row = session.get(AuditEvent, event["id"])
    assert (row.actor, row.action, row.entity, row.entity_id, row.request_id) == (
        event["actor"],
        event["action"],
        event["entity"],
        event["entity_id"],
        request_id,
    )
    assert row.before == before and row.after == after


def test_update_event_keeps_unchanged_fields_equal(client, session):
    zone = create_zone(client, name="Khu công nghiệp Bờ Trái Sông Đà")
    last = last_event_id(session)
    patched = client.patch(f"{ZONES}/{zone['id']}", json={"developer": "Tổng công ty Viglacera"})
    assert patched.status_code == 200, patched.text
    (event,) = events_after(client, last)
    before, after = event["before"], event["after"]
    assert before["developer"] is None and after["developer"] == "Tổng công ty Viglacera"
    assert before["name"] == after["name"] == "Khu công nghiệp Bờ Trái Sông Đà"
    assert before["code"] == after["code"] == zone["code"]
    differing = {k for k in before if before[k] != after[k]}
    assert differing <= {"developer", "updated_at"}, differing


def test_zone_snapshot_values_are_exact(client, session):
    last = last_event_id(session)
    zone = create_zone(
        client, total_area_ha=123.4567, industrial_land_ha=100.0001, service_land_ha=0
    )
    (event,) = events_after(client, last)
    assert event["after"]["total_area_ha"] == 123.4567
    assert event["after"]["industrial_land_ha"] == 100.0001
    assert event["after"]["code"] == zone["code"]
    assert event["after"]["province"] == "Hòa Bình"


def test_a_write_by_each_key_is_attributed_to_that_key(client, session):
    made = client.post(KEYS, json={"name": "Sở Công Thương Hòa Bình", "role": "editor"})
    assert made.status_code == 201
    last = last_event_id(session)
    with TestClient(
        client.app, raise_server_exceptions=False, headers=bearer(made.json()["key"])
    ) as editor:
        zone = create_zone(editor)
        assert editor.delete(f"{ZONES}/{zone['id']}").status_code == 204
    new = events_after(client, last)
    assert [(e["actor"], e["action"]) for e in new] == [
        ("Sở Công Thương Hòa Bình", "create"),
        ("Sở Công Thương Hòa Bình", "delete"),
    ]
    filtered = all_events(client, actor="Sở Công Thương Hòa Bình")
    assert [e["id"] for e in filtered] == [e["id"] for e in new]


def test_key_creation_event_is_attributed_to_the_admin(client, session):
    last = last_event_id(session)
    created = client.post(KEYS, json={"name": "made-by-admin", "role": "viewer"})
    (event,) = events_after(client, last)
    assert event["actor"] == "test-admin"
    assert event["entity"] == "api_key" and event["entity_id"] == created.json()["id"]
    assert event["after"]["name"] == "made-by-admin" and event["after"]["role"] == "viewer"


def test_reads_and_refused_requests_append_nothing(clients, world, session):
    before = fingerprint(session)
    for role in ("anonymous", "viewer", "editor", "admin"):
        for path in (
            ZONES,
            f"{ZONES}/{world.zone_id}",
            PROJECTS,
            PLANS,
            "/api/v1/reports/summary",
            f"{PLANS}/{world.plan_id}/report",
        ):
            assert clients[role].get(path).status_code == 200
    clients["admin"].get(KEYS)
    clients["admin"].get(AUDIT)
    clients["anonymous"].post(ZONES, json=zone_body())
    clients["viewer"].post(ZONES, json=zone_body())
    clients["editor"].post(KEYS, json={"name": "nope", "role": "viewer"})
    assert fingerprint(session) == before


# --------------------------------------------------------------------------- request id


@pytest.mark.parametrize(
    "given", ["abc", "0f8fad5b-d9cb-469f-a165-70867728950e", "a.b_c-D", "x" * 64]
)
def test_well_formed_request_id_is_kept(client, session, given):
    last = last_event_id(session)
    response = client.post(ZONES, json=zone_body(), headers={"X-Request-ID": given})
    assert response.status_code == 201
    assert response.headers["x-request-id"] == given
    (event,) = events_after(client, last)
    assert event["request_id"] == given


@pytest.mark.parametrize(
    "given",
    [
        "has space",
        "x" * 65,
        "x" * 100,
        "",
        "a/b",
        "<script>",
        "a;b",
        "tab\tbed",
        "ünïcödé".encode(),
        "id\u00a0nbsp".encode(),
    ],
    ids=[
        "space",
        "65-chars",
        "100-chars",
        "empty",
        "slash",
        "angle",
        "semicolon",
        "tab",
        "utf8",
        "nbsp",
    ],
)
def test_malformed_request_id_is_replaced(client, session, given):
    last = last_event_id(session)
    response = client.post(ZONES, json=zone_body(), headers={"X-Request-ID": given})
    assert response.status_code == 201, response.text
    generated = response.headers["x-request-id"]
    shown = given.decode("latin-1") if isinstance(given, bytes) else given
    assert generated != shown
    assert REQUEST_ID.fullmatch(generated)
    (event,) = events_after(client, last)
    assert event["request_id"] == generated


def test_request_ids_are_generated_and_unique(client, session):
    last = last_event_id(session)
    ids = []
    for _ in range(3):
        response = client.post(ZONES, json=zone_body())
        assert response.status_code == 201
        ids.append(response.headers["x-request-id"])
    assert len(set(ids)) == 3 and all(REQUEST_ID.fullmatch(i) for i in ids)
    assert [e["request_id"] for e in events_after(client, last)] == ids


def test_every_response_carries_a_request_id(client, anonymous):
    responses = [
        client.get(ZONES),
        client.get("/healthz"),
        client.get(f"{ZONES}/987654"),
        client.get("/api/v1/nothing"),
        client.put(ZONES),
        client.post(ZONES, json={}),
        client.post(ZONES, content=b"{", headers={"content-type": "application/json"}),
        client.post(ZONES, content=b"x" * 2_000_000, headers={"content-type": "application/json"}),
        anonymous.post(ZONES, json=zone_body()),
    ]
    for response in responses:
        assert REQUEST_ID.fullmatch(response.headers.get("x-request-id", "")), response


# ------------------------------------------------------------------ failed writes: no event


def _terminated_project(client: TestClient, world: World) -> str:
    path = f"{PROJECTS}/{world.project_id}/terminate"
    assert client.post(path, json={"terminated_on": "2022-01-01", "reason": "x"}).status_code == 200
    return path


@dataclass(frozen=True)
class Failure:
    id: str
    status: int
    method: str
    path: Any  # (client, world) -> path; may set up state first
    body: Any = None
    headers: dict[str, str] | None = None


FAILURES = [
    # 422
    Failure(
        "zone-land-over-total",
        422,
        "POST",
        lambda c, w: ZONES,
        zone_body(total_area_ha=10, industrial_land_ha=20),
    ),
    Failure("zone-unknown-field", 422, "POST", lambda c, w: ZONES, zone_body(id=5)),
    Failure("zone-patch-null", 422, "PATCH", lambda c, w: f"{ZONES}/{w.zone_id}", {"name": None}),
    Failure("project-unknown-zone", 422, "POST", lambda c, w: PROJECTS, project_body(987654)),
    Failure("project-bad-country", 422, "POST", lambda c, w: PROJECTS, None),
    Failure(
        "terminate-before-start",
        422,
        "POST",
        lambda c, w: f"{PROJECTS}/{w.project_id}/terminate",
        {"terminated_on": "2019-01-01", "reason": "x"},
    ),
    Failure(
        "clearance-over-required",
        422,
        "POST",
        lambda c, w: f"{ZONES}/{w.zone_id}/clearance",
        {"recorded_on": "2021-01-01", "cleared_ha": 5000},
    ),
    Failure(
        "plan-ends-before-start",
        422,
        "POST",
        lambda c, w: PLANS,
        plan_body(starts_on="2025-01-01", ends_on="2020-01-01"),
    ),
    Failure(
        "actual-computed-indicator",
        422,
        "POST",
        lambda c, w: f"{PLANS}/{w.plan_id}/actuals",
        {"indicator": "leased_ha", "value": 1, "as_of": "2024-01-01"},
    ),
    Failure(
        "target-bad-key",
        422,
        "POST",
        lambda c, w: f"{PLANS}/{w.plan_id}/targets",
        {"indicator": "Bad Key", "target": 1},
    ),
    Failure("key-bad-role", 422, "POST", lambda c, w: KEYS, {"name": "k", "role": "root"}),
    # 409
    Failure("zone-duplicate-code", 409, "POST", lambda c, w: ZONES, None),
    Failure("zone-delete-with-project", 409, "DELETE", lambda c, w: f"{ZONES}/{w.zone_id}"),
    Failure(
        "zone-shrink-below-leases",
        409,
        "PATCH",
        lambda c, w: f"{ZONES}/{w.zone_id}",
        {"industrial_land_ha": 1},
    ),
    Failure("project-capacity", 409, "POST", lambda c, w: PROJECTS, None),
    Failure(
        "terminate-twice",
        409,
        "POST",
        lambda c, w: _terminated_project(c, w),
        {"terminated_on": "2023-01-01", "reason": "again"},
    ),
    Failure(
        "clearance-duplicate-date",
        409,
        "POST",
        lambda c, w: _cleared(c, w),
        {"recorded_on": "2021-01-01", "cleared_ha": 3},
    ),
    Failure("plan-duplicate-code", 409, "POST", lambda c, w: PLANS, None),
    Failure(
        "target-duplicate",
        409,
        "POST",
        lambda c, w: f"{PLANS}/{w.plan_id}/targets",
        {"indicator": "park_occupancy_rate", "target": 0.9},
    ),
    Failure(
        "actual-duplicate",
        409,
        "POST",
        lambda c, w: _reported(c, w),
        {"indicator": "gdp_growth", "value": 7.5, "as_of": "2024-12-31"},
    ),
    Failure("key-duplicate-name", 409, "POST", lambda c, w: KEYS, None),
    Failure("key-revoke-twice", 409, "POST", lambda c, w: _revoked(c, w)),
    # 404
    Failure("zone-patch-unknown", 404, "PATCH", lambda c, w: f"{ZONES}/987654", {"name": "x"}),
    Failure("zone-delete-unknown", 404, "DELETE", lambda c, w: f"{ZONES}/987654"),
    Failure(
        "project-patch-unknown", 404, "PATCH", lambda c, w: f"{PROJECTS}/987654", {"employees": 1}
    ),
    Failure("project-delete-unknown", 404, "DELETE", lambda c, w: f"{PROJECTS}/987654"),
    Failure(
        "terminate-unknown",
        404,
        "POST",
        lambda c, w: f"{PROJECTS}/987654/terminate",
        {"terminated_on": "2023-01-01", "reason": "x"},
    ),
    Failure(
        "clearance-unknown-zone",
        404,
        "POST",
        lambda c, w: f"{ZONES}/987654/clearance",
        {"recorded_on": "2021-01-01", "cleared_ha": 1},
    ),
    Failure("plan-patch-unknown", 404, "PATCH", lambda c, w: f"{PLANS}/987654", {"title": "x"}),
    Failure("plan-delete-unknown", 404, "DELETE", lambda c, w: f"{PLANS}/987654"),
    Failure(
        "target-unknown-plan",
        404,
        "POST",
        lambda c, w: f"{PLANS}/987654/targets",
        {"indicator": "leased_ha", "target": 1},
    ),
    Failure(
        "target-delete-unknown", 404, "DELETE", lambda c, w: f"{PLANS}/{w.plan_id}/targets/987654"
    ),
    Failure("target-delete-other-plan", 404, "DELETE", lambda c, w: _other_plans_target(c, w)),
    Failure(
        "actual-unknown-plan",
        404,
        "POST",
        lambda c, w: f"{PLANS}/987654/actuals",
        {"indicator": "gdp_growth", "value": 1, "as_of": "2024-01-01"},
    ),
    Failure("key-revoke-unknown", 404, "POST", lambda c, w: f"{KEYS}/987654/revoke"),
    # 412
    Failure(
        "zone-patch-stale",
        412,
        "PATCH",
        lambda c, w: f"{ZONES}/{w.zone_id}",
        {"name": "x"},
        {"If-Match": '"stale"'},
    ),
    Failure(
        "zone-delete-stale",
        412,
        "DELETE",
        lambda c, w: f"{ZONES}/{w.empty_zone_id}",
        None,
        {"If-Match": '"stale"'},
    ),
    Failure(
        "project-patch-stale",
        412,
        "PATCH",
        lambda c, w: f"{PROJECTS}/{w.project_id}",
        {"employees": 5},
        {"If-Match": '"stale"'},
    ),
    Failure(
        "project-delete-stale",
        412,
        "DELETE",
        lambda c, w: f"{PROJECTS}/{w.project_id}",
        None,
        {"If-Match": '"stale"'},
    ),
    Failure(
        "plan-patch-stale",
        412,
        "PATCH",
        lambda c, w: f"{PLANS}/{w.plan_id}",
        {"title": "x"},
        {"If-Match": '"stale"'},
    ),
    Failure(
        "plan-delete-stale",
        412,
        "DELETE",
        lambda c, w: f"{PLANS}/{w.plan_id}",
        None,
        {"If-Match": '"stale"'},
    ),
]


def _cleared(client: TestClient, world: World) -> str:
    path = f"{ZONES}/{world.zone_id}/clearance"
    assert client.post(path, json={"recorded_on": "2021-01-01", "cleared_ha": 3}).status_code == 201
    return path


def _reported(client: TestClient, world: World) -> str:
    path = f"{PLANS}/{world.plan_id}/actuals"
    body = {"indicator": "gdp_growth", "value": 7.5, "as_of": "2024-12-31"}
    assert client.post(path, json=body).status_code == 201
    return path


def _revoked(client: TestClient, world: World) -> str:
    path = f"{KEYS}/{world.spare_key_id}/revoke"
    assert client.post(path).status_code == 200
    return path


def _other_plans_target(client: TestClient, world: World) -> str:
    other = client.post(PLANS, json=plan_body()).json()["id"]
    return f"{PLANS}/{other}/targets/{world.target_id}"


def _failure_body(failure: Failure, client: TestClient, world: World) -> Any:
    """Bodies that depend on stored state."""
    if failure.id == "zone-duplicate-code":
        code = client.get(f"{ZONES}/{world.zone_id}").json()["code"]
        return zone_body(code=code.lower())
    if failure.id == "project-capacity":
        return project_body(world.zone_id, leased_ha=65)
    if failure.id == "project-bad-country":
        return project_body(world.zone_id, investor_country="XX")
    if failure.id == "plan-duplicate-code":
        return plan_body(code=client.get(f"{PLANS}/{world.plan_id}").json()["code"])
    if failure.id == "key-duplicate-name":
        return {"name": world.spare_key_name, "role": "admin"}
    return failure.body


@pytest.mark.parametrize("failure", FAILURES, ids=[f.id for f in FAILURES])
def test_failed_write_leaves_no_event(client, world, session, failure):
    path = failure.path(client, world)  # may set up state (and record events) first
    body = _failure_body(failure, client, world)
    before = fingerprint(session)
    last = last_event_id(session)
    kwargs: dict[str, Any] = {"headers": failure.headers or {}}
    if body is not None:
        kwargs["json"] = body
    response = client.request(failure.method, path, **kwargs)
    assert_problem(response, failure.status)
    assert fingerprint(session) == before
    assert events_after(client, last) == []


# ------------------------------------------------------------------ secrets never in the log


def test_audit_log_never_shows_a_key_secret_or_hash(client, api_keys, session):
    created = client.post(KEYS, json={"name": "secret-keeper", "role": "admin"})
    secret = created.json()["key"]
    assert client.post(f"{KEYS}/{created.json()['id']}/revoke").status_code == 200
    secrets = [secret, *api_keys.values()]
    leaks = []
    for s in secrets:
        leaks += [s, s.split("_", 2)[2], hashlib.sha256(s.encode()).hexdigest()]
    response = client.get(AUDIT, params={"limit": 500})
    for leak in leaks:
        assert leak not in response.text
    events = all_events(client, entity="api_key")
    assert {e["action"] for e in events} >= {"create", "revoke"}
    for event in events:
        for snapshot in (event["before"], event["after"]):
            if snapshot is not None:
                assert not {"secret_hash", "key", "secret"} & set(snapshot), snapshot
    # And not in the stored rows either.
    for row in session.execute(select(AuditEvent.__table__)):
        text = json.dumps([str(v) for v in row])
        for leak in leaks:
            assert leak not in text


# ----------------------------------------------------------------------- listing, filters


def _seed(clients: dict[str, TestClient]) -> dict[str, Any]:
    zone_a = create_zone(clients["editor"])
    zone_b = create_zone(clients["admin"])
    assert (
        clients["editor"]
        .patch(f"{ZONES}/{zone_a['id']}", json={"locality": "Lương Sơn"})
        .status_code
        == 200
    )
    project = create_project(clients["editor"], zone_b["id"])
    return {"zone_a": zone_a, "zone_b": zone_b, "project": project}


def test_list_shape_and_order(clients, session):
    _seed(clients)
    page = clients["admin"].get(AUDIT).json()
    assert set(page) == {"items", "total", "limit", "offset"}
    assert page["limit"] == 50 and page["offset"] == 0
    ids = [e["id"] for e in page["items"]]
    assert ids == sorted(ids)  # oldest first
    times = [e["occurred_at"] for e in page["items"]]
    assert times == sorted(times)
    assert all(set(e) == EVENT_FIELDS for e in page["items"])
    assert page["total"] == session.scalar(select(func.count()).select_from(AuditEvent))


def test_filter_by_entity_and_id(clients):
    seeded = _seed(clients)
    admin = clients["admin"]
    zones = all_events(admin, entity="zone")
    assert zones and {e["entity"] for e in zones} == {"zone"}
    a = all_events(admin, entity="zone", entity_id=seeded["zone_a"]["id"])
    assert [(e["action"], e["entity_id"]) for e in a] == [
        ("create", seeded["zone_a"]["id"]),
        ("update", seeded["zone_a"]["id"]),
    ]
    projects = all_events(admin, entity="project", entity_id=seeded["project"]["id"])
    assert [e["action"] for e in projects] == ["create"]
    assert all_events(admin, entity="no_such_entity") == []
    by_id = all_events(admin, entity_id=seeded["zone_a"]["id"])
    assert {e["entity_id"] for e in by_id} == {seeded["zone_a"]["id"]}


def test_filter_by_actor(clients):
    _seed(clients)
    admin = clients["admin"]
    editor_events = all_events(admin, actor="test-editor")
    assert [(e["entity"], e["action"]) for e in editor_events] == [
        ("zone", "create"),
        ("zone", "update"),
        ("project", "create"),
    ]
    admin_events = all_events(admin, actor="test-admin")
    assert admin_events and {e["actor"] for e in admin_events} == {"test-admin"}
    assert all_events(admin, actor="nobody") == []


def test_filter_since(clients):
    _seed(clients)
    admin = clients["admin"]
    events = all_events(admin)
    pivot = events[len(events) // 2]
    at = datetime.fromisoformat(pivot["occurred_at"].replace("Z", "+00:00"))
    expected = [e["id"] for e in events if e["occurred_at"] >= pivot["occurred_at"]]
    assert pivot["id"] in expected
    for since in (
        at.isoformat(),
        at.isoformat().replace("+00:00", "Z"),
        at.astimezone(timezone(timedelta(hours=7))).isoformat(),
        at.astimezone(timezone(timedelta(hours=-5))).isoformat(),
    ):
        got = [e["id"] for e in all_events(admin, since=since)]
        assert got == expected, since
    later = (at + timedelta(seconds=1)).isoformat()
    assert pivot["id"] not in [e["id"] for e in all_events(admin, since=later)]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert all_events(admin, since=future) == []
    past = "2000-01-01T00:00:00Z"
    assert [e["id"] for e in all_events(admin, since=past)] == [e["id"] for e in events]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2024-01-01T00:00:00"}, "since"),  # naive
        ({"since": "2024-01-01T00:00"}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2024-13-01T00:00:00Z"}, "since"),
        ({"entity_id": 0}, "entity_id"),
        ({"entity_id": "x"}, "entity_id"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"offset": -1}, "offset"),
        ({"actor": "a\u0001b"}, "actor"),
        ({"entity": "x" * 31}, "entity"),
    ],
)
def test_invalid_filters_are_422(client, params, field):
    body = assert_problem(client.get(AUDIT, params=params), 422)
    assert any(field in e["field"] for e in body["errors"]), body


def test_pagination(clients):
    _seed(clients)
    admin = clients["admin"]
    full = all_events(admin)
    assert len(full) >= 6
    first = admin.get(AUDIT, params={"limit": 2}).json()
    second = admin.get(AUDIT, params={"limit": 2, "offset": 2}).json()
    beyond = admin.get(AUDIT, params={"limit": 2, "offset": len(full)}).json()
    assert first["total"] == second["total"] == beyond["total"] == len(full)
    assert [e["id"] for e in first["items"] + second["items"]] == [e["id"] for e in full[:4]]
    assert beyond["items"] == []
    filtered = admin.get(AUDIT, params={"entity": "zone", "limit": 1, "offset": 1}).json()
    zone_events = all_events(admin, entity="zone")
    assert filtered["total"] == len(zone_events)
    assert [e["id"] for e in filtered["items"]] == [zone_events[1]["id"]]


# ------------------------------------------------------------------------ immutability


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
@pytest.mark.parametrize("suffix", ["", "/1", "/{first}", "/{first}/revoke"])
def test_the_api_cannot_change_or_delete_events(clients, session, method, suffix):
    _seed(clients)
    first = all_events(clients["admin"])[0]["id"]
    path = AUDIT + suffix.format(first=first)
    before = fingerprint(session)
    listed = all_events(clients["admin"])
    # Access control answers first (no key: 401, not an admin: 403); an admin meets the
    # routes: the log's own path offers GET only (405), there is nothing below it (404).
    expected = {"anonymous": 401, "editor": 403, "admin": 405 if suffix == "" else 404}
    for role in ("admin", "editor", "anonymous"):
        response = clients[role].request(
            method, path, json={"actor": "someone-else", "before": None, "after": None}
        )
        assert_problem(response, expected[role])
    assert fingerprint(session) == before
    assert all_events(clients["admin"]) == listed


def test_openapi_offers_only_reading_the_audit_log(client):
    paths = client.get("/openapi.json").json()["paths"]
    audit_paths = {p: set(ops) for p, ops in paths.items() if "audit" in p}
    assert audit_paths == {AUDIT: {"get"}}


# ------------------------------------------- one transaction: real sessions, real commits


@pytest.fixture(scope="module")
def real_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """A database of this module's own, used with the application's real per-request
    sessions (no shared test session), so commits and rollbacks are the real ones."""
    with scratch_database(tmp_path_factory.mktemp("audit-real")) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            yield url, engine
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def real_keys(real_engine: tuple[str, Engine]) -> dict[str, str]:
    _, engine = real_engine
    made = {}
    with Session(engine) as session:
        for role in ("viewer", "editor", "admin"):
            _, made[role] = create_key(session, name=f"real-{role}", role=role)
        session.commit()
    return made


@pytest.fixture
def real(real_engine, real_keys) -> Iterator[dict[str, Any]]:
    url, engine = real_engine
    application = create_app(Settings(database_url=url), engine)
    with (
        TestClient(
            application, raise_server_exceptions=False, headers=bearer(real_keys["editor"])
        ) as editor,
        TestClient(
            application, raise_server_exceptions=False, headers=bearer(real_keys["admin"])
        ) as admin,
    ):
        yield {
            "engine": engine,
            "editor": editor,
            "admin": admin,
            "app": application,
            "keys": real_keys,
        }


def _stored(engine: Engine) -> tuple[int, int]:
    """(zones, audit events) as another connection sees them: only committed rows."""
    with Session(engine) as session:
        zones = session.scalar(select(func.count()).select_from(Zone)) or 0
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return zones, events


def test_real_successful_write_commits_data_and_event_together(real):
    zones, events = _stored(real["engine"])
    response = real["editor"].post(ZONES, json=zone_body(), headers={"X-Request-ID": "real-1"})
    assert response.status_code == 201, response.text
    assert _stored(real["engine"]) == (zones + 1, events + 1)
    with Session(real["engine"]) as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.actor, event.action, event.entity, event.entity_id, event.request_id) == (
        "real-editor",
        "create",
        "zone",
        response.json()["id"],
        "real-1",
    )


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", ZONES, zone_body(total_area_ha=1, industrial_land_ha=2), 422),
        ("POST", ZONES, {"code": "X"}, 422),
        ("PATCH", f"{ZONES}/987654", {"name": "x"}, 404),
        ("DELETE", f"{ZONES}/987654", None, 404),
        ("POST", f"{KEYS}/987654/revoke", None, 404),
        ("POST", KEYS, {"name": "real-admin", "role": "viewer"}, 409),
    ],
)
def test_real_failed_write_leaves_no_event(real, method, path, body, status):
    client = real["admin"] if path.startswith(KEYS) else real["editor"]
    stored = _stored(real["engine"])
    kwargs = {} if body is None else {"json": body}
    assert_problem(client.request(method, path, **kwargs), status)
    assert _stored(real["engine"]) == stored


def test_real_duplicate_and_conflicts_leave_no_event(real):
    zone = real["editor"].post(ZONES, json=zone_body()).json()
    stored = _stored(real["engine"])
    assert_problem(real["editor"].post(ZONES, json=zone_body(code=zone["code"])), 409)
    project = real["editor"].post(PROJECTS, json=project_body(zone["id"], leased_ha=60))
    assert project.status_code == 201
    stored = _stored(real["engine"])
    assert_problem(real["editor"].delete(f"{ZONES}/{zone['id']}"), 409)
    assert_problem(real["editor"].post(PROJECTS, json=project_body(zone["id"], leased_ha=20)), 409)
    assert_problem(
        real["editor"].patch(f"{ZONES}/{zone['id']}", json={"industrial_land_ha": 5}), 409
    )
    assert _stored(real["engine"]) == stored


def test_real_write_is_undone_when_its_event_cannot_be_recorded(real, monkeypatch):
    """No write without its event: when recording fails, the write is rolled back."""

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit_service, "record", broken)
    stored = _stored(real["engine"])
    body = zone_body()
    assert_problem(real["editor"].post(ZONES, json=body), 500)
    assert _stored(real["engine"]) == stored
    monkeypatch.undo()
    found = real["editor"].get(ZONES, params={"code": body["code"]}).json()
    assert found["total"] == 0


def test_real_event_is_undone_when_the_write_fails_after_recording(real, monkeypatch):
    """No event without its write: a failure after the event was added rolls both back."""
    original = audit_service.record

    def record_then_fail(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        raise RuntimeError("failure after the event was added")

    monkeypatch.setattr(audit_service, "record", record_then_fail)
    stored = _stored(real["engine"])
    assert_problem(real["editor"].post(ZONES, json=zone_body()), 500)
    assert_problem(real["admin"].post(KEYS, json={"name": "never", "role": "viewer"}), 500)
    assert _stored(real["engine"]) == stored
    monkeypatch.undo()
    names = [k["name"] for k in real["admin"].get(KEYS).json()["items"]]
    assert "never" not in names


def test_conditional_write_with_current_etag_appends_one_event(client, session):
    zone = create_zone(client)
    etag = client.get(f"{ZONES}/{zone['id']}").headers.get("etag")
    assert etag
    last = last_event_id(session)
    patched = client.patch(
        f"{ZONES}/{zone['id']}", json={"name": "Khu mới"}, headers={"If-Match": etag}
    )
    assert patched.status_code == 200, patched.text
    (event,) = events_after(client, last)
    assert (event["action"], event["entity_id"]) == ("update", zone["id"])
    assert event["after"]["name"] == "Khu mới"
    stale = client.patch(
        f"{ZONES}/{zone['id']}", json={"name": "Khu cũ"}, headers={"If-Match": etag}
    )
    assert_problem(stale, 412)
    assert len(events_after(client, last)) == 1


def test_real_sessions_enforce_roles_and_refuse_bad_keys(real):
    """The same rules with the application's own key look-ups (no test-session override)."""
    app, keys = real["app"], real["keys"]
    stored = _stored(real["engine"])
    with TestClient(app, raise_server_exceptions=False) as caller:
        assert caller.get(ZONES).status_code == 200  # public read
        assert_problem(caller.post(ZONES, json=zone_body()), 401)
        viewer = bearer(keys["viewer"])
        assert caller.get(ZONES, headers=viewer).status_code == 200
        assert_problem(caller.post(ZONES, json=zone_body(), headers=viewer), 403)
        assert_problem(caller.get(AUDIT, headers=bearer(keys["editor"])), 403)
        for bad in (keys["admin"][:-1] + "_", "occ_000000000000_" + "a" * 43, "garbage"):
            response = caller.post(ZONES, json=zone_body(), headers=bearer(bad))
            assert_problem(response, 401)
            assert response.headers["www-authenticate"].lower().startswith("bearer")
        assert_problem(caller.get(ZONES, headers={"Authorization": "Basic xyz"}), 401)
    assert _stored(real["engine"]) == stored


def test_real_revoked_key_stops_at_once(real):
    made = real["admin"].post(KEYS, json={"name": "real-short-lived", "role": "editor"})
    assert made.status_code == 201
    key, key_id = made.json()["key"], made.json()["id"]
    with TestClient(real["app"], raise_server_exceptions=False, headers=bearer(key)) as editor:
        assert editor.post(ZONES, json=zone_body()).status_code == 201
        assert real["admin"].post(f"{KEYS}/{key_id}/revoke").status_code == 200
        stored = _stored(real["engine"])
        assert_problem(editor.post(ZONES, json=zone_body()), 401)
        assert_problem(editor.get(ZONES), 401)
        assert _stored(real["engine"]) == stored
    assert_problem(real["admin"].post(f"{KEYS}/{key_id}/revoke"), 409)
