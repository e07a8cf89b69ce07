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
