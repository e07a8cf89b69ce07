"""Browser frontends on other origins (CORS): the origins in OCCUPANCY_CORS_ORIGINS, none by
default; preflights answered before access control; the headers a frontend needs exposed;
refusals as problem documents that change nothing."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.kit.cors import ALLOW_HEADERS, ALLOW_METHODS
from app.kit.settings import Settings
from app.main import create_app
from tests.conftest import bearer, share_session
from tests.factories import assert_problem, create_zone, zone_body
from tests.test_access import fingerprint

FRONT = "https://front.example"
ELSEWHERE = "https://elsewhere.example"
CONTRACT_EXPOSED = {"etag", "location", "idempotent-replayed", "x-request-id"}


def make_app(
    database_url: str, engine, session: Session, *, origins: list[str], public_read: bool = True
) -> FastAPI:
    settings = Settings(database_url=database_url, cors_origins=origins, public_read=public_read)
    return share_session(create_app(settings, engine), session)


@pytest.fixture
def browser(database_url, engine, session) -> Iterator[TestClient]:
    """An anonymous client of a service that lets FRONT in."""
    application = make_app(database_url, engine, session, origins=[FRONT])
    with TestClient(application, raise_server_exceptions=False) as client:
        yield client


def preflight(client: TestClient, path: str, method: str, *, origin: str = FRONT, headers=""):
    asked = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        asked["Access-Control-Request-Headers"] = headers
    return client.options(path, headers=asked)


def exposed(response) -> set[str]:
    value = response.headers.get("access-control-expose-headers", "")
    return {name.strip().lower() for name in value.split(",") if name.strip()}


# ------------------------------------------------------------------------------ preflight


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/zones", "POST"),
        ("/api/v1/zones/1", "PATCH"),
        ("/api/v1/zones/1", "DELETE"),
        ("/api/v1/keys", "POST"),  # admin only, and still no 401 to the preflight
        ("/api/v1/reports/occupancy", "GET"),
        ("/api/v1/no-such-path", "GET"),
    ],
)
def test_a_preflight_is_answered_before_access_control(browser, session, path, method):
    before = fingerprint(session)
    response = preflight(
        browser, path, method, headers="authorization, content-type, idempotency-key, if-match"
    )
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == FRONT
    allowed_methods = {
        m.strip() for m in response.headers["access-control-allow-methods"].split(",")
    }
    assert method in allowed_methods
    allowed_headers = {
        h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")
    }
    assert {h.lower() for h in ALLOW_HEADERS} <= allowed_headers
    assert int(response.headers["access-control-max-age"]) > 0
    assert "origin" in response.headers["vary"].lower()
    assert response.headers["x-request-id"]
    assert "access-control-allow-credentials" not in response.headers
    assert fingerprint(session) == before


@pytest.mark.parametrize(
    ("origin", "method", "headers", "reason"),
    [
        (ELSEWHERE, "POST", "", "origin"),
        ("null", "GET", "", "origin"),
        (FRONT + ":8443", "GET", "", "origin"),  # another port is another origin
        ("http://front.example", "GET", "", "origin"),  # so is another scheme
        (FRONT, "PUT", "", "method"),
        (FRONT, "GET", "x-debug", "headers"),
        (FRONT, "POST", "authorization, cookie", "headers"),
    ],
)
def test_a_preflight_asking_for_what_is_not_allowed_is_refused(
    browser, session, origin, method, headers, reason
):
    before = fingerprint(session)
    response = preflight(browser, "/api/v1/zones", method, origin=origin, headers=headers)
    body = assert_problem(response, 403)
    assert body["type"] == "/problems/cors-refused"
    assert reason in body["detail"]
    assert "access-control-allow-origin" not in response.headers
    assert response.headers["x-request-id"]
    assert fingerprint(session) == before


def test_by_default_no_origin_is_let_in(anonymous):
    response = preflight(anonymous, "/api/v1/zones", "GET")
    body = assert_problem(response, 403)
    assert "OCCUPANCY_CORS_ORIGINS" in body["detail"]
    read = anonymous.get("/api/v1/zones", headers={"Origin": FRONT})
    assert read.status_code == 200
    assert "access-control-allow-origin" not in read.headers


def test_an_options_request_that_is_no_preflight_is_still_405(browser):
    plain = browser.options("/api/v1/zones")
    assert_problem(plain, 405)
    assert "GET" in plain.headers["allow"]
    with_origin_only = browser.options("/api/v1/zones", headers={"Origin": FRONT})
    assert_problem(with_origin_only, 405)
    assert with_origin_only.headers["access-control-allow-origin"] == FRONT


def test_preflights_pass_even_when_reads_are_private(database_url, engine, session):
    application = make_app(database_url, engine, session, origins=[FRONT], public_read=False)
    with TestClient(application, raise_server_exceptions=False) as client:
        response = preflight(client, "/api/v1/zones", "GET", headers="authorization")
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == FRONT
        refused = client.get("/api/v1/zones", headers={"Origin": FRONT})
        assert_problem(refused, 401)
        assert refused.headers["access-control-allow-origin"] == FRONT


# --------------------------------------------------------------------- actual requests


def test_a_read_from_an_allowed_origin_exposes_the_headers_a_frontend_needs(browser, client):
    create_zone(client)
    response = browser.get("/api/v1/zones", headers={"Origin": FRONT})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == FRONT
    assert CONTRACT_EXPOSED <= exposed(response)
    assert "origin" in response.headers["vary"].lower()
    assert response.headers["etag"] and response.headers["x-request-id"]


def test_a_write_from_an_allowed_origin_lets_the_frontend_read_location_and_replay(
    browser, api_keys
):
    headers = {"Origin": FRONT, "Idempotency-Key": "cors-1"} | bearer(api_keys["editor"])
    body = zone_body()
    created = browser.post("/api/v1/zones", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert created.headers["access-control-allow-origin"] == FRONT
    assert CONTRACT_EXPOSED <= exposed(created)
    assert created.headers["location"] and created.headers["etag"]
    replayed = browser.post("/api/v1/zones", json=body, headers=headers)
    assert replayed.status_code == 201
    assert replayed.headers["idempotent-replayed"] == "true"
    assert replayed.headers["access-control-allow-origin"] == FRONT


def test_errors_are_readable_by_an_allowed_origin(browser, monkeypatch):
    unauthorized = browser.post("/api/v1/zones", json={}, headers={"Origin": FRONT})
    assert_problem(unauthorized, 401)
    assert unauthorized.headers["access-control-allow-origin"] == FRONT

    from app.zones import service

    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "list_zones", explode)
    failed = browser.get("/api/v1/zones", headers={"Origin": FRONT})
    assert_problem(failed, 500)
    assert failed.headers["access-control-allow-origin"] == FRONT
    assert failed.headers["x-request-id"]


def test_another_origin_gets_the_answer_but_no_permission_to_read_it(browser):
    response = browser.get("/api/v1/zones", headers={"Origin": ELSEWHERE})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    assert "origin" in response.headers["vary"].lower()


def test_every_origin_when_configured_with_a_star(database_url, engine, session):
    application = make_app(database_url, engine, session, origins=["*"])
    with TestClient(application, raise_server_exceptions=False) as client:
        assert (
            preflight(client, "/api/v1/zones", "POST").headers["access-control-allow-origin"] == "*"
        )
        read = client.get("/api/v1/zones", headers={"Origin": ELSEWHERE})
        assert read.headers["access-control-allow-origin"] == "*"


def test_the_methods_allowed_are_those_the_api_offers(client):
    offered = {
        method.upper()
        for operations in client.get("/openapi.json").json()["paths"].values()
        for method in operations
    }
    assert set(ALLOW_METHODS) == offered | {"HEAD"}


# ----------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        ("", []),
        (FRONT, [FRONT]),
        (f"{FRONT}, http://localhost:5173", [FRONT, "http://localhost:5173"]),
        (f'["{FRONT}", "http://127.0.0.1:8080"]', [FRONT, "http://127.0.0.1:8080"]),
        ("HTTPS://Front.Example", [FRONT]),
        ("*", ["*"]),
    ],
)
def test_origins_are_read_from_the_environment(monkeypatch, value, origins):
    monkeypatch.setenv("OCCUPANCY_CORS_ORIGINS", value)
    assert Settings().cors_origins == origins


def test_no_origin_by_default(monkeypatch):
    monkeypatch.delenv("OCCUPANCY_CORS_ORIGINS", raising=False)
    assert Settings(_env_file=None).cors_origins == []


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (f"{FRONT}/", f"{FRONT}/"),  # a trailing slash would never match a browser's Origin
        (f"{FRONT}/app", f"{FRONT}/app"),
        ("front.example", "front.example"),
        ("ftp://front.example", "ftp://front.example"),
        (f'["{FRONT}", 7]', "string"),
        (f'["{FRONT}"', "JSON"),
    ],
)
def test_a_malformed_origin_is_refused_at_start(monkeypatch, value, named):
    monkeypatch.setenv("OCCUPANCY_CORS_ORIGINS", value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert named in str(refused.value)
