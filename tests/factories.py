"""Plain helpers that make valid request bodies and create records through the API."""

from itertools import count
from typing import Any

from fastapi.testclient import TestClient

_sequence = count(1)


def zone_body(**overrides: Any) -> dict[str, Any]:
    n = next(_sequence)
    body: dict[str, Any] = {
        "code": f"KCN-T{n}",
        "name": f"Khu công nghiệp thử {n}",
        "kind": "park",
        "province": "Hòa Bình",
        "status": "operating",
        "total_area_ha": 100,
        "industrial_land_ha": 70,
        "service_land_ha": 10,
    }
    return body | overrides


def project_body(zone_id: int, **overrides: Any) -> dict[str, Any]:
    n = next(_sequence)
    body: dict[str, Any] = {
        "zone_id": zone_id,
        "name": f"Nhà máy {n}",
        "investor": f"Công ty TNHH {n}",
        "investor_country": "VN",
        "leased_ha": 10,
        "lease_start": "2020-01-01",
    }
    return body | overrides


def create_zone(client: TestClient, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/zones", json=zone_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


def create_project(client: TestClient, zone_id: int, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/projects", json=project_body(zone_id, **overrides))
    assert response.status_code == 201, response.text
    return response.json()


def assert_problem(response: Any, status: int, *, field: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (and an error on `field`)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


def error_fields(body: dict[str, Any]) -> list[str]:
    return [error["field"] for error in body.get("errors", [])]


def assert_invalid(response: Any, *fields: str) -> dict[str, Any]:
    """A 422 problem whose errors name one of `fields` (any of them for cross-field rules)."""
    body = assert_problem(response, 422)
    assert isinstance(body.get("errors"), list) and body["errors"], body
    for error in body["errors"]:
        assert isinstance(error["field"], str) and error["field"]
        assert isinstance(error["message"], str) and error["message"]
    assert set(fields) & set(error_fields(body)), body
    return body


def assert_invalid_param(response: Any, *names: str) -> dict[str, Any]:
    """A 422 problem naming one of the query parameters (as `name` or `query.name`)."""
    body = assert_problem(response, 422)
    fields = error_fields(body)
    assert any(f == n or f.endswith("." + n) for f in fields for n in names), body
    return body
