"""Every error the service answers is RFC 9457 problem+json (api-contract.md §1), and the
OpenAPI document says so."""

import json

import pytest

from app.kit.deps import get_session
from tests.factories import assert_invalid, assert_problem, create_zone, zone_body

ZONES = "/api/v1/zones"
PROJECTS = "/api/v1/projects"
ONE_MIB = 1_048_576
JSON_HEADERS = {"content-type": "application/json"}


def zone_count(client) -> int:
    response = client.get(ZONES, params={"limit": 500})
    assert response.status_code == 200, response.text
    return response.json()["total"]


def assert_no_internals(response) -> None:
    text = response.text
    for leak in ("secret", "Traceback", "RuntimeError", 'File "', "sqlalchemy", "/app/"):
        assert leak not in text, (leak, text)


# ---------------------------------------------------------------------------- 404 / 405


@pytest.mark.parametrize(
    "path",
    ["/index.html", "/api/v1/nothing", "/api/v2/zones", "/api/v1/zones/1/nothing", "/zones"],
)
def test_unknown_path_is_404_problem(client, path):
    assert_problem(client.get(path), 404)


def test_unknown_path_with_a_body_is_404_problem(client):
    assert_problem(client.post("/api/v1/nothing", json={"a": 1}), 404)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", ZONES, {"GET", "POST"}),
        ("PUT", ZONES, {"GET", "POST"}),
        ("PUT", ZONES + "/1", {"GET", "PATCH", "DELETE"}),
        ("POST", ZONES + "/1", {"GET", "PATCH", "DELETE"}),
        ("PATCH", PROJECTS, {"GET", "POST"}),
        ("GET", PROJECTS + "/1/terminate", {"POST"}),
        ("DELETE", ZONES + "/1/occupancy", {"GET"}),
    ],
)
def test_wrong_method_is_405_problem(client, method, path, allowed):
    response = client.request(method, path)
    assert_problem(response, 405)
    listed = {m.strip() for m in response.headers.get("allow", "").split(",") if m.strip()}
    assert allowed <= listed, response.headers.get("allow")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", ZONES, {"GET", "POST"}),
        ("PUT", ZONES + "/1", {"GET", "PATCH", "DELETE"}),
        ("PATCH", PROJECTS, {"GET", "POST"}),
    ],
)
def test_405_allow_header_lists_every_supported_method(client, method, path, allowed):
    """RFC 9110 §15.5.6: a 405 carries Allow with the resource's supported methods."""
    response = client.request(method, path)
    assert response.status_code == 405
    listed = {m.strip() for m in response.headers.get("allow", "").split(",") if m.strip()}
    assert allowed <= listed, response.headers.get("allow")


def test_405_changes_nothing(client):
    create_zone(client)
    before = client.get(ZONES).json()
    assert_problem(client.put(ZONES, json=zone_body()), 405)
    assert client.get(ZONES).json() == before


# ---------------------------------------------------------------------------- 400


@pytest.mark.parametrize(
    "content",
    [
        b'{"code": "KCN-X",',
        b'{"code": "KCN-X",}',
        b"{'code': 'KCN-X'}",
        b'{"code": KCN}',
        b"{",
        b'{"code": "KCN-X"} trailing',
        b'{"name": "\xff\xfe"}',  # not UTF-8
    ],
)
def test_malformed_json_is_400_problem(client, content):
    before = zone_count(client)
    assert_problem(client.post(ZONES, content=content, headers=JSON_HEADERS), 400)
    assert zone_count(client) == before


def test_malformed_json_on_patch_is_400_problem(client):
    zone = create_zone(client)
    response = client.patch(f"{ZONES}/{zone['id']}", content=b'{"name": ', headers=JSON_HEADERS)
    assert_problem(response, 400)
    assert client.get(f"{ZONES}/{zone['id']}").json() == zone


def test_deeply_nested_json_is_refused_without_a_500(client):
    depth = 100_000
    content = b'{"name": ' + b"[" * depth + b"]" * depth + b"}"
    before = zone_count(client)
    response = client.post(ZONES, content=content, headers=JSON_HEADERS)
    assert_problem(response, 400)  # the JSON parser's recursion limit: unparseable, like bad JSON
    assert zone_count(client) == before


def test_empty_body_is_a_problem(client):
    response = client.post(ZONES, content=b"", headers=JSON_HEADERS)
    assert_invalid(response, "body")  # no body at all: the required body is missing


# ---------------------------------------------------------------------------- 413


def padded_zone_body(size: int) -> bytes:
    """A valid zone body padded with whitespace to exactly `size` bytes."""
    content = json.dumps(zone_body()).encode()
    return content[:-1] + b" " * (size - len(content)) + b"}"


def test_body_over_1_mib_is_413_problem(client):
    before = zone_count(client)
    content = padded_zone_body(ONE_MIB + 1)
    response = client.post(ZONES, content=content, headers=JSON_HEADERS)
    assert_problem(response, 413)
    assert zone_count(client) == before


def test_body_of_exactly_1_mib_is_accepted(client):
    response = client.post(ZONES, content=padded_zone_body(ONE_MIB), headers=JSON_HEADERS)
    assert response.status_code == 201, response.text


def test_body_over_1_mib_without_content_length_is_413_problem(client):
    def chunks():
        for _ in range(17):
            yield b" " * 65_536  # 17 x 64 KiB > 1 MiB

    before = zone_count(client)
    response = client.post(ZONES, content=chunks(), headers=JSON_HEADERS)
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert_problem(response, 413)
    assert zone_count(client) == before


def test_small_chunked_body_is_accepted(client):
    content = json.dumps(zone_body()).encode()

    def chunks():
        yield content[:10]
        yield content[10:]

    response = client.post(ZONES, content=chunks(), headers=JSON_HEADERS)
    assert response.status_code == 201, response.text


def test_body_over_1_mib_on_patch_is_413_problem(client):
    zone = create_zone(client)
    content = b'{"name": "' + b"x" * ONE_MIB + b'"}'
    response = client.patch(f"{ZONES}/{zone['id']}", content=content, headers=JSON_HEADERS)
    assert_problem(response, 413)
    assert client.get(f"{ZONES}/{zone['id']}").json() == zone


# ---------------------------------------------------------------------------- 500


def test_unexpected_failure_is_500_problem_without_internals(client, monkeypatch):
    from app.zones import service

    def explode(*_args, **_kwargs):
        raise RuntimeError("secret")

    monkeypatch.setattr(service, "list_zones", explode)
    response = client.get(ZONES)
    assert_problem(response, 500)
    assert_no_internals(response)


def test_unexpected_failure_on_write_is_500_problem_without_internals(client, monkeypatch):
    from app.projects import service

    def explode(*_args, **_kwargs):
        raise RuntimeError("secret: postgresql://user:password@db/prod")

    monkeypatch.setattr(service, "create_project", explode)
    zone = create_zone(client)
    response = client.post(
        PROJECTS,
        json={
            "zone_id": zone["id"],
            "name": "A",
            "investor": "B",
            "investor_country": "VN",
            "leased_ha": 1,
            "lease_start": "2020-01-01",
        },
    )
    assert_problem(response, 500)
    assert_no_internals(response)
    assert "password" not in response.text


def test_failing_dependency_is_500_problem_without_internals(client):
    def broken_session():
        raise RuntimeError("secret")

    client.app.dependency_overrides[get_session] = broken_session
    response = client.get(ZONES + "/1")
    assert_problem(response, 500)
    assert_no_internals(response)


# ---------------------------------------------------------------------------- OpenAPI


@pytest.fixture
def openapi(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def test_openapi_is_served(openapi):
    assert openapi["openapi"].startswith("3.")
    assert openapi["info"]["title"]


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/api/v1/zones", {"get", "post"}),
        ("/api/v1/zones/{zone_id}", {"get", "patch", "delete"}),
        ("/api/v1/zones/{zone_id}/occupancy", {"get"}),
        ("/api/v1/projects", {"get", "post"}),
        ("/api/v1/projects/{project_id}", {"get", "patch", "delete"}),
        ("/api/v1/projects/{project_id}/terminate", {"post"}),
    ],
)
def test_openapi_documents_the_endpoints(openapi, path, methods):
    assert path in openapi["paths"], sorted(openapi["paths"])
    assert methods <= set(openapi["paths"][path])


def operations(openapi):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_openapi_declares_problem_json_for_422(openapi):
    checked = 0
    for path, method, operation in operations(openapi):
        if not (operation.get("parameters") or operation.get("requestBody")):
            continue
        checked += 1
        response = operation["responses"].get("422")
        assert response is not None, (method, path)
        content = response.get("content", {})
        assert "application/problem+json" in content, (method, path, content)
        assert "application/json" not in content, (method, path, "422 is never application/json")
    assert checked >= 8


def test_openapi_declares_problem_json_for_every_error(openapi):
    for path, method, operation in operations(openapi):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                content = response.get("content", {})
                assert "application/problem+json" in content, (method, path, status)


@pytest.mark.parametrize(
    ("path", "method", "status"),
    [
        ("/api/v1/zones", "post", "201"),
        ("/api/v1/zones", "post", "409"),
        ("/api/v1/zones/{zone_id}", "get", "404"),
        ("/api/v1/zones/{zone_id}", "patch", "409"),
        ("/api/v1/zones/{zone_id}", "delete", "204"),
        ("/api/v1/zones/{zone_id}", "delete", "409"),
        ("/api/v1/projects", "post", "201"),
        ("/api/v1/projects", "post", "409"),
        ("/api/v1/projects/{project_id}", "delete", "204"),
        ("/api/v1/projects/{project_id}/terminate", "post", "200"),
        ("/api/v1/projects/{project_id}/terminate", "post", "409"),
    ],
)
def test_openapi_declares_the_status_codes_the_service_answers(openapi, path, method, status):
    assert status in openapi["paths"][path][method]["responses"]
