"""Answers of GZIP_MINIMUM_BYTES or more are gzip-compressed for clients that accept it; the
tags, HEAD, X-Request-ID and 304 work the same either way."""

import gzip
import json

import pytest
from fastapi.testclient import TestClient

from app.kit.compression import GZIP_MINIMUM_BYTES
from tests.factories import create_project, create_zone, zone_body

OCCUPANCY = "/api/v1/reports/occupancy"


def raw_get(client: TestClient, url: str, **headers: str) -> tuple[dict[str, str], bytes]:
    """Headers and the bytes as sent (httpx would otherwise decode them)."""
    with client.stream("GET", url, headers=headers) as response:
        assert response.status_code == 200, response.read()
        return dict(response.headers), b"".join(response.iter_raw())


@pytest.fixture
def zones(client):
    made = [create_zone(client, latitude=20.8, longitude=105.5) for _ in range(12)]
    for zone in made:
        create_project(client, zone["id"], leased_ha=1)
    return made


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/zones",
        OCCUPANCY,
        f"{OCCUPANCY}?format=csv",
        f"{OCCUPANCY}?format=geojson",
        "/api/v1/projects",
        "/openapi.json",
        "/problems",
    ],
)
def test_a_large_answer_is_compressed_for_a_client_that_accepts_gzip(client, zones, url):
    plain_headers, plain = raw_get(client, url, **{"Accept-Encoding": "identity"})
    assert len(plain) >= GZIP_MINIMUM_BYTES, "the example must be large enough"
    assert "content-encoding" not in plain_headers
    headers, sent = raw_get(client, url, **{"Accept-Encoding": "gzip", "X-Request-ID": "gz-1"})
    assert headers["content-encoding"] == "gzip"
    assert "accept-encoding" in headers["vary"].lower()
    assert int(headers["content-length"]) == len(sent) < len(plain)
    assert gzip.decompress(sent) == plain
    assert headers["x-request-id"] == "gz-1"
    assert headers["content-type"] == plain_headers["content-type"]


def test_a_small_answer_is_sent_as_it_is(client):
    headers, sent = raw_get(client, "/healthz", **{"Accept-Encoding": "gzip"})
    assert len(sent) < GZIP_MINIMUM_BYTES
    assert "content-encoding" not in headers
    assert sent == b'{"status":"ok"}'


def test_a_spreadsheet_is_not_compressed_again(client, zones):
    headers, sent = raw_get(client, f"{OCCUPANCY}?format=xlsx", **{"Accept-Encoding": "gzip"})
    assert len(sent) >= GZIP_MINIMUM_BYTES
    assert "content-encoding" not in headers
    assert sent.startswith(b"PK")  # the ZIP container XLSX is


@pytest.mark.parametrize("url", ["/api/v1/zones", OCCUPANCY])
def test_the_tag_is_the_same_compressed_or_not_and_answers_304_either_way(client, zones, url):
    compressed, _ = raw_get(client, url, **{"Accept-Encoding": "gzip"})
    plain, _ = raw_get(client, url, **{"Accept-Encoding": "identity"})
    assert compressed["content-encoding"] == "gzip"
    assert compressed["etag"] == plain["etag"]
    assert compressed["etag"].startswith('W/"')  # weak: the bytes differ, the answer does not
    for encoding in ("gzip", "identity"):
        again = client.get(
            url, headers={"If-None-Match": compressed["etag"], "Accept-Encoding": encoding}
        )
        assert again.status_code == 304
        assert again.content == b""
        assert "content-encoding" not in again.headers
        assert "accept-encoding" in again.headers["vary"].lower()


def test_a_large_problem_document_is_compressed_like_any_answer(client):
    wrong = {name: "\x01" for name in [*zone_body(), "latitude", "longitude"]}
    with client.stream(
        "POST", "/api/v1/zones", json=wrong, headers={"Accept-Encoding": "gzip"}
    ) as response:
        sent = b"".join(response.iter_raw())
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["content-encoding"] == "gzip"
    problem = json.loads(gzip.decompress(sent))
    assert len(gzip.decompress(sent)) >= GZIP_MINIMUM_BYTES
    assert problem["type"] == "/problems/validation-error"
    assert {error["field"] for error in problem["errors"]} >= set(zone_body())
