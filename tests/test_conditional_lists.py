"""Every list answers If-None-Match with 304, like the reports: a weak ETag from the data
version and the question asked, one shared dependency (app.kit.conditional), nothing read
but the data version when the caller's copy is current."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from tests.conftest import bearer
from tests.factories import assert_invalid_param, assert_problem, create_project, create_zone
from tests.test_report_queries import counting


@dataclass(frozen=True)
class World:
    zone_id: int
    plan_id: int


@pytest.fixture
def world(client: TestClient) -> World:
    zone = create_zone(client)
    create_project(client, zone["id"], leased_ha=1)
    record = {"recorded_on": "2020-01-01", "cleared_ha": 5}
    assert client.post(f"/api/v1/zones/{zone['id']}/clearance", json=record).status_code == 201
    plan = client.post(
        "/api/v1/plans",
        json={
            "code": "LIST-ĐA",
            "title": "Đề án",
            "starts_on": "2021-01-01",
            "ends_on": "2025-12-31",
        },
    )
    assert plan.status_code == 201, plan.text
    actual = {"indicator": "grid_households_rate", "value": 0.99, "as_of": "2024-06-24"}
    assert client.post(f"/api/v1/plans/{plan.json()['id']}/actuals", json=actual).status_code == 201
    return World(zone_id=zone["id"], plan_id=plan.json()["id"])


# Every list the service serves (the OpenAPI test below holds this table to the document).
LISTS: dict[str, Callable[[World], str]] = {
    "/api/v1/zones": lambda w: "/api/v1/zones",
    "/api/v1/zones/{zone_id}/history": lambda w: f"/api/v1/zones/{w.zone_id}/history",
    "/api/v1/zones/{zone_id}/clearance": lambda w: f"/api/v1/zones/{w.zone_id}/clearance",
    "/api/v1/provinces": lambda w: "/api/v1/provinces",
    "/api/v1/projects": lambda w: "/api/v1/projects",
    "/api/v1/plans": lambda w: "/api/v1/plans",
    "/api/v1/plans/{plan_id}/actuals": lambda w: f"/api/v1/plans/{w.plan_id}/actuals",
    "/api/v1/indicators": lambda w: "/api/v1/indicators",
    "/api/v1/keys": lambda w: "/api/v1/keys",
    "/api/v1/audit": lambda w: "/api/v1/audit",
    "/api/v1/filings": lambda w: "/api/v1/filings",
    "/api/v1/imports": lambda w: "/api/v1/imports",
}
# Reads of one resource worked out from others (a zone's occupancy from its leases): tagged
# by the data version like a list, not by a row's version like the resource itself.
DERIVED: dict[str, Callable[[World], str]] = {
    "/api/v1/zones/{zone_id}/occupancy": lambda w: f"/api/v1/zones/{w.zone_id}/occupancy",
}
READS = LISTS | DERIVED
REPORTS = {
    "/api/v1/reports/occupancy",
    "/api/v1/reports/occupancy/history",
    "/api/v1/reports/clearance",
    "/api/v1/reports/investment",
    "/api/v1/reports/summary",
    "/api/v1/plans/{plan_id}/report",
    "/api/v1/reports/forecast",
    "/api/v1/alerts",
}


@pytest.mark.parametrize("path", READS)
def test_an_unchanged_list_is_304_until_a_write(client, world, path):
    url = READS[path](world)
    first = client.get(url)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and etag.endswith('"')
    again = client.get(url, headers={"If-None-Match": etag, "X-Request-ID": "poll-1"})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["x-request-id"] == "poll-1"
    assert "accept-encoding" in again.headers["vary"].lower()
    # Among other tags, or without the W/ prefix (the comparison is weak), it still matches.
    listed = f'"other", {etag.removeprefix("W/")}'
    assert client.get(url, headers={"If-None-Match": listed}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
    create_zone(client)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


@pytest.mark.parametrize("path", READS)
def test_head_carries_the_same_tag_and_answers_304(client, world, path):
    url = READS[path](world)
    etag = client.get(url).headers["etag"]
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == etag
    assert client.head(url, headers={"If-None-Match": etag}).status_code == 304


def test_each_question_has_its_own_tag_and_parameter_order_does_not_matter(client, world):
    tags = {
        client.get("/api/v1/zones", params=params).headers["etag"]
        for params in ({}, {"kind": "park"}, {"limit": 1}, {"as_of": "2024-06-24"})
    }
    assert len(tags) == 4
    one = client.get("/api/v1/zones?kind=park&limit=1").headers["etag"]
    other = client.get("/api/v1/zones?limit=1&kind=park").headers["etag"]
    assert one == other


@pytest.mark.parametrize(
    ("path", "service_function"),
    [
        ("/api/v1/zones", "app.zones.service.list_zones"),
        ("/api/v1/projects", "app.projects.service.list_projects"),
        ("/api/v1/audit", "app.kit.audit.list_events"),
    ],
)
def test_a_304_reads_only_the_data_version(
    client, world, connection, monkeypatch, path, service_function
):
    etag = client.get(path).headers["etag"]
    module, name = service_function.rsplit(".", 1)

    def never(*_args, **_kwargs):
        raise AssertionError("the list was read for a 304")

    monkeypatch.setattr(f"{module}.{name}", never)
    with counting(connection) as statements:
        response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 304
    read = [s for s in statements if "api_keys" not in s]  # the caller's key check aside
    assert len(read) == 1 and "data_version" in read[0], statements


def test_a_current_tag_does_not_get_past_access_control(client, anonymous, world, api_keys):
    etag = client.get("/api/v1/keys").headers["etag"]
    refused = anonymous.get("/api/v1/keys", headers={"If-None-Match": etag})
    assert_problem(refused, 401)
    viewer = anonymous.get(
        "/api/v1/audit",
        headers={"If-None-Match": client.get("/api/v1/audit").headers["etag"]}
        | bearer(api_keys["viewer"]),
    )
    assert_problem(viewer, 403)


@pytest.mark.parametrize("path", READS)
def test_a_star_is_304_when_there_is_a_current_answer(client, world, path):
    url = READS[path](world)
    etag = client.get(url).headers["etag"]
    response = client.get(url, headers={"If-None-Match": "*"})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag


@pytest.mark.parametrize("if_none_match", ["current", "*", '"other", *'])
def test_invalid_parameters_are_refused_whatever_the_tag(client, world, if_none_match):
    etag = client.get("/api/v1/zones").headers["etag"]
    sent = etag if if_none_match == "current" else if_none_match
    response = client.get("/api/v1/zones?limit=0", headers={"If-None-Match": sent})
    assert_invalid_param(response, "limit")


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/zones/2147483000/history", 404),
        ("/api/v1/zones/2147483000/occupancy", 404),
        ("/api/v1/zones/1/occupancy?as_of=2024-02-30", 422),
        ("/api/v1/zones/2147483000/clearance", 404),
        ("/api/v1/plans/2147483000/actuals", 404),
        ("/api/v1/plans/2147483000/report", 404),
        ("/api/v1/projects?investor_country=xx", 422),
        ("/api/v1/reports/occupancy?as_of=2024-06-24&period=2024", 422),
        ("/api/v1/reports/occupancy/history?from=2024-06-30&to=2024-01-01", 422),
        ("/api/v1/audit?since=yesterday", 422),
    ],
)
def test_a_star_gets_no_304_where_there_is_no_answer(client, world, url, status):
    """RFC 9110 §13.2.1: a precondition counts only where the answer would be a success."""
    assert_problem(client.get(url), status)
    assert_problem(client.get(url, headers={"If-None-Match": "*"}), status)


def test_the_openapi_document_declares_the_304_on_every_list_and_report(client):
    paths = client.get("/openapi.json").json()["paths"]
    conditional = set()
    for path, operations in paths.items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            if "If-None-Match" in names:
                assert method == "get", (method, path)
                responses = operation["responses"]
                assert "304" in responses, path
                assert "ETag" in responses["200"]["headers"], path
                assert "ETag" in responses["304"]["headers"], path
                conditional.add(path)
    assert conditional == set(READS) | REPORTS
    # And every paginated answer is among them.
    for path, operations in paths.items():
        get = operations.get("get", {})
        schema = get.get("responses", {}).get("200", {}).get("content", {})
        ref = schema.get("application/json", {}).get("schema", {}).get("$ref", "")
        if ref.split("/")[-1].startswith("Page_"):
            assert path in conditional, path
