"""Every operation has a readable operationId: its route function's name in camelCase, unique
across the document, so generated clients get names like listZones."""

import re

import pytest

from app.kit.openapi import operation_id

CAMEL = re.compile(r"[a-z][a-z0-9]*([A-Z][a-z0-9]*)*")


@pytest.fixture
def operations(client) -> list[tuple[str, str, dict]]:
    paths = client.get("/openapi.json").json()["paths"]
    return [(m, p, op) for p, operations in paths.items() for m, op in operations.items()]


def test_every_operation_has_a_unique_camel_case_id(operations):
    ids = [operation.get("operationId") for _, _, operation in operations]
    assert all(isinstance(found, str) and CAMEL.fullmatch(found) for found in ids), ids
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_each_id_is_its_route_functions_name(operations):
    """FastAPI's summary is the route function's name in words ("List Zones" for
    list_zones); the id is the same words in camelCase."""
    for _, _, operation in operations:
        first, *rest = operation["summary"].split()
        assert operation["operationId"] == first.lower() + "".join(rest), operation["summary"]


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("get", "/api/v1/zones", "listZones"),
        ("post", "/api/v1/zones", "createZone"),
        ("get", "/api/v1/zones/{zone_id}", "getZone"),
        ("get", "/api/v1/reports/occupancy/history", "occupancyHistory"),
        ("post", "/api/v1/projects/{project_id}/terminate", "terminateProject"),
        ("get", "/healthz", "healthz"),
    ],
)
def test_examples(operations, method, path, expected):
    assert {(m, p): op["operationId"] for m, p, op in operations}[(method, path)] == expected


class _Named:
    def __init__(self, name: str) -> None:
        self.name = name


@pytest.mark.parametrize(
    ("name", "expected"),
    [("list_zones", "listZones"), ("healthz", "healthz"), ("get_key", "getKey")],
)
def test_operation_id_makes_camel_case(name, expected):
    assert operation_id(_Named(name)) == expected  # type: ignore[arg-type]
