"""What a busy, careless or hostile caller meets: exact numbers from the JSON text, malformed
bodies refused as malformed, HEAD on every GET path, the last admin key kept, durable SQLite
commits, and admission that answers 503 with Retry-After instead of hanging."""

import asyncio
import json
import socket
from contextlib import asynccontextmanager
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.kit.admission import Admission
from app.kit.json_body import loads_exact
from app.kit.serve import NoDelayConfig
from app.models import Project
from tests.databases import backend
from tests.factories import assert_problem, create_zone, project_body

PROJECTS = "/api/v1/projects"
KEYS = "/api/v1/keys"

# ----------------------------------------------------------------- exact numbers


def post_with(client, body: dict, **numbers: str):
    """POST the body with these fields written as the given JSON number text."""
    raw = json.dumps(body | dict.fromkeys(numbers, 0))
    for name, written in numbers.items():
        raw = raw.replace(f'"{name}": 0', f'"{name}": {written}')
    return client.post(PROJECTS, content=raw.encode(), headers={"Content-Type": "application/json"})


def test_money_with_cents_is_stored_exactly(client, session):
    zone = create_zone(client)
    body = project_body(zone["id"], capital_currency="USD", leased_ha=1)
    response = post_with(client, body, registered_capital="99999999999999.99")
    assert response.status_code == 201, response.text
    stored = session.scalar(
        select(Project.registered_capital).where(Project.id == response.json()["id"])
    )
    assert stored == Decimal("99999999999999.99")


@pytest.mark.parametrize("written", ["1.000000000000000000001", "0.99999999999999999", "1.00001"])
def test_an_area_with_more_than_four_places_is_refused_as_written(client, written):
    zone = create_zone(client)
    response = post_with(client, project_body(zone["id"]), leased_ha=written)
    assert_problem(response, 422, field="leased_ha")


def test_four_places_written_with_trailing_zeros_are_accepted(client):
    zone = create_zone(client)
    response = post_with(client, project_body(zone["id"]), leased_ha="1.250000")
    assert response.status_code == 201, response.text
    assert response.json()["leased_ha"] == 1.25


def test_numbers_parse_as_decimals_and_integers_stay_integers():
    parsed = loads_exact(b'{"a": 0.1, "b": 1e-2, "c": 7, "d": [2.50]}')
    assert parsed == {"a": Decimal("0.1"), "b": Decimal("0.01"), "c": 7, "d": [Decimal("2.50")]}
    assert type(parsed["c"]) is int


# ----------------------------------------------------------------- malformed bodies

MALFORMED = {
    "invalid UTF-8": b'{"name": "\xff\xfe"}',
    "UTF-16": json.dumps({"name": "x"}).encode("utf-16"),
    "UTF-16 without BOM": json.dumps({"name": "x"}).encode("utf-16-le"),
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "a 5,000-digit integer": b'{"leased_ha": ' + b"9" * 5000 + b"}",
    "a 5,000-digit negative integer": b'{"leased_ha": -' + b"9" * 5000 + b"}",
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_body_is_the_malformed_json_problem_and_changes_nothing(client, body):
    before = client.get(PROJECTS).json()["total"]
    response = client.post(PROJECTS, content=body, headers={"Content-Type": "application/json"})
    problem = assert_problem(response, 400)
    assert problem["type"].endswith("/malformed-json")
    assert client.get(PROJECTS).json()["total"] == before


def test_a_5000_digit_decimal_is_refused_as_a_value_not_a_crash(client):
    zone = create_zone(client)
    response = post_with(client, project_body(zone["id"]), leased_ha="0." + "1" * 5000)
    assert_problem(response, 422, field="leased_ha")


# ----------------------------------------------------------------- HEAD


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
@pytest.mark.parametrize(
    "path",
    ["/api/v1/zones", "/api/v1/reports/occupancy?as_of=2024-06-24", "/healthz", "/openapi.json"],
)
def test_head_answers_like_get_without_a_body(client, path, encoding):
    """The same status and headers as GET, compressed or not: Content-Length is the length of
    the bytes GET sends (compressed ones when it compresses), Content-Encoding the same."""
    asked = {"Accept-Encoding": encoding}
    get = client.get(path, headers=asked)
    head = client.head(path, headers=asked)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("content-encoding") == get.headers.get("content-encoding")
    assert head.headers["content-length"] == str(get.num_bytes_downloaded)


def test_head_on_a_single_zone_carries_its_etag(client):
    zone = create_zone(client)
    get = client.get(f"/api/v1/zones/{zone['id']}")
    head = client.head(f"/api/v1/zones/{zone['id']}")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]


def test_head_on_an_unknown_zone_is_404_without_a_body(client):
    response = client.head("/api/v1/zones/987654")
    assert response.status_code == 404
    assert response.content == b""


def test_head_is_allowed_wherever_get_is(client):
    response = client.delete("/api/v1/reports/occupancy")
    assert response.status_code == 405
    assert "HEAD" in response.headers["allow"].split(", ")


# ----------------------------------------------------------------- the last admin key


def _admin_ids(client) -> list[int]:
    keys = client.get(KEYS, params={"limit": 500}).json()["items"]
    return [k["id"] for k in keys if k["role"] == "admin" and k["revoked_at"] is None]


def test_the_last_working_admin_key_cannot_be_revoked(client):
    admins = _admin_ids(client)
    # Revoke every other admin key first (the client's own key is test-admin).
    own = next(
        k
        for k in client.get(KEYS, params={"limit": 500}).json()["items"]
        if k["name"] == "test-admin"
    )
    for key_id in admins:
        if key_id != own["id"]:
            assert client.post(f"{KEYS}/{key_id}/revoke").status_code == 200
    problem = assert_problem(client.post(f"{KEYS}/{own['id']}/revoke"), 409)
    assert "last admin key" in problem["detail"]
    assert _admin_ids(client) == [own["id"]]
    # With a second admin key, the first may go.
    second = client.post(KEYS, json={"name": "second-admin", "role": "admin"})
    assert second.status_code == 201
    assert client.post(f"{KEYS}/{own['id']}/revoke").status_code == 200


def test_other_keys_may_all_be_revoked(client):
    made = client.post(KEYS, json={"name": "lone-viewer", "role": "viewer"}).json()
    assert client.post(f"{KEYS}/{made['id']}/revoke").status_code == 200


# ----------------------------------------------------------------- durability and sockets


@pytest.mark.skipif(backend() != "sqlite", reason="SQLite's durability setting")
def test_sqlite_acknowledges_a_commit_only_once_it_is_on_disk(engine):
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_the_served_socket_sets_tcp_nodelay():
    config = NoDelayConfig("app.asgi:app", host="127.0.0.1", port=0, workers=2)
    sock = config.bind_socket()
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        sock.close()


# ----------------------------------------------------------------- admission


def _slow_app(started: asyncio.Event, release: asyncio.Event):
    async def app(scope, receive, send):
        started.set()
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def _call(app, method: str = "GET"):
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url="http://test")
    return client, client.request(method, "/api/v1/zones")


@asynccontextmanager
async def _one_place_taken(*, queue_timeout: float, max_queue: int):
    """A gate with one place, held by a first request until `release` is set; yields the
    gate, a client of it, the first request's task and `release`."""
    started, release = asyncio.Event(), asyncio.Event()
    gate = Admission(
        _slow_app(started, release),
        slots=1,
        write_slots=1,
        queue_timeout=queue_timeout,
        max_queue=max_queue,
    )
    client, first = _call(gate)
    async with client:
        first_task = asyncio.create_task(first)
        await started.wait()
        yield gate, client, first_task, release


def test_a_request_beyond_the_slots_waits_then_gets_503_with_retry_after():
    async def scenario():
        async with _one_place_taken(queue_timeout=0.2, max_queue=10) as taken:
            gate, client, first_task, release = taken
            second = await client.get("/api/v1/zones")
            release.set()
            assert (await first_task).status_code == 200
            # The slot is free again once the first answer is out.
            third_started = asyncio.Event()
            gate.app = _slow_app(third_started, release)
            third = await client.get("/api/v1/zones")
        return second, third

    second, third = asyncio.run(scenario())
    assert second.status_code == 503
    assert second.headers["retry-after"] == "1"
    assert second.headers["content-type"].startswith("application/problem+json")
    assert third.status_code == 200


def test_a_request_cancelled_in_line_leaves_no_place_taken():
    async def scenario():
        async with _one_place_taken(queue_timeout=30, max_queue=10) as taken:
            gate, client, first_task, release = taken
            queued = asyncio.create_task(client.get("/api/v1/zones"))
            while gate.waiting == 0:
                await asyncio.sleep(0.01)
            queued.cancel()  # as when its client goes away
            with pytest.raises(asyncio.CancelledError):
                await queued
            release.set()
            assert (await first_task).status_code == 200
            began = asyncio.get_running_loop().time()
            after = await asyncio.wait_for(client.get("/api/v1/zones"), 5)
            waited = asyncio.get_running_loop().time() - began
        return gate, after, waited

    gate, after, waited = asyncio.run(scenario())
    assert after.status_code == 200
    assert waited < 5
    assert gate.waiting == 0
    assert gate._any is not None and not gate._any.locked()


def test_a_full_line_is_refused_at_once():
    async def scenario():
        async with _one_place_taken(queue_timeout=30, max_queue=0) as taken:
            gate, client, first_task, release = taken
            loop = asyncio.get_running_loop()
            began = loop.time()
            refused = await client.get("/api/v1/zones")
            waited = loop.time() - began
            release.set()
            await first_task
        return refused, waited

    refused, waited = asyncio.run(scenario())
    assert refused.status_code == 503
    assert waited < 5  # refused without waiting out the 30 s line


def test_paths_outside_the_api_are_not_queued():
    async def scenario():
        started, release = asyncio.Event(), asyncio.Event()
        slow_api = _slow_app(started, release)

        async def app(scope, receive, send):
            if scope["path"].startswith("/api/"):
                await slow_api(scope, receive, send)
                return
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"up"})

        gate = Admission(app, slots=1, write_slots=1, queue_timeout=0.1, max_queue=0)
        transport = httpx.ASGITransport(app=gate)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            first = asyncio.create_task(client.get("/api/v1/zones"))
            await started.wait()
            health = await client.get("/healthz")
            api = await client.get("/api/v1/zones")
            release.set()
            await first
        return health, api

    health, api = asyncio.run(scenario())
    assert health.status_code == 200
    assert api.status_code == 503


def test_writes_queue_in_their_own_lane():
    async def scenario():
        started, release = asyncio.Event(), asyncio.Event()
        gate = Admission(
            _slow_app(started, release), slots=4, write_slots=1, queue_timeout=0.1, max_queue=10
        )
        transport = httpx.ASGITransport(app=gate)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            first = asyncio.create_task(client.post("/api/v1/zones"))
            await started.wait()
            second_write = await client.post("/api/v1/zones")
            read_task = asyncio.create_task(client.get("/api/v1/zones"))
            await asyncio.sleep(0.05)
            release.set()
            read = await read_task
            await first
        return second_write, read

    second_write, read = asyncio.run(scenario())
    assert second_write.status_code == 503
    assert read.status_code == 200


@pytest.mark.parametrize(
    "failure",
    [
        OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked")),
        PoolTimeout("QueuePool limit of size 8 overflow 8 reached"),
    ],
    ids=["lock not granted", "no pooled connection"],
)
def test_a_busy_database_is_503_with_retry_after(client, monkeypatch, failure):
    from app.zones import service

    def busy(*_args, **_kwargs):
        raise failure

    monkeypatch.setattr(service, "list_zones", busy)
    response = client.get("/api/v1/zones", headers={"X-Request-ID": "busy-1"})
    problem = assert_problem(response, 503)
    assert problem["type"].endswith("/busy")
    assert response.headers["retry-after"] == "1"
    assert response.headers["x-request-id"] == "busy-1"
    assert "locked" not in response.text and "QueuePool" not in response.text


@pytest.mark.parametrize("body", [b"1.5", b"1e3", b"-6.3e16", b"5", b'"text"', b"null", b"[1.5]"])
@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/api/v1/zones"), ("PATCH", "/api/v1/zones/{id}")]
)
def test_a_body_that_is_not_an_object_is_refused(client, body, method, path):
    zone = create_zone(client)
    response = client.request(
        method,
        path.format(id=zone["id"]),
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert_problem(response, 422, field="body")
    assert client.get(f"/api/v1/zones/{zone['id']}").json() == zone  # nothing changed
