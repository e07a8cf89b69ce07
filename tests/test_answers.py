"""Computed answers are kept per worker under their ETag (app.kit.answers): a report or a
list asked again with nothing changed is sent from memory after one read of the data
version; any committed write, a different question or another day computes it again; only
successes are kept, within a byte budget."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from app.kit.answers import Answer, AnswerCache
from app.kit.kept import KeptRoutes
from app.kit.routes import UNMATCHED
from app.kit.settings import Settings
from app.main import create_app
from tests.conftest import share_session
from tests.factories import create_project, create_zone
from tests.test_report_queries import answered, counting

OCCUPANCY = "/api/v1/reports/occupancy"


def _get(client: TestClient, connection: Connection, url: str, **params: Any) -> Any:
    return answered(client, connection, url, params)


def _only_the_version_was_read(statements: list[str]) -> bool:
    """Besides the caller's key (access control, before any route), only the data version."""
    read = [s for s in statements if "FROM api_keys" not in s]
    return len(read) == 1 and "data_version" in read[0]


def test_a_report_asked_again_is_sent_from_memory_after_reading_only_the_data_version(
    client: TestClient, connection: Connection
):
    zone = create_zone(client, industrial_land_ha=50, service_land_ha=0)
    create_project(client, zone["id"], leased_ha=10)
    first, computed = _get(client, connection, OCCUPANCY, as_of="2024-06-24")
    again, kept = _get(client, connection, OCCUPANCY, as_of="2024-06-24")
    assert first.status_code == again.status_code == 200
    assert len(computed) > 1
    assert _only_the_version_was_read(kept)
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-type"] == first.headers["content-type"] == "application/json"
    assert client.app.state.answers.hits == 1  # type: ignore[attr-defined]


def test_a_committed_write_makes_the_next_answer_fresh(client: TestClient, connection: Connection):
    zone = create_zone(client, industrial_land_ha=50, service_land_ha=0)
    create_project(client, zone["id"], leased_ha=10)
    before, _ = _get(client, connection, OCCUPANCY, as_of="2024-06-24")
    create_project(client, zone["id"], leased_ha=5)
    after, statements = _get(client, connection, OCCUPANCY, as_of="2024-06-24")
    assert not _only_the_version_was_read(statements)
    assert after.headers["etag"] != before.headers["etag"]
    [row] = [z for z in after.json()["zones"] if z["id"] == zone["id"]]
    assert row["leased_industrial_ha"] == 15
    again, kept = _get(client, connection, OCCUPANCY, as_of="2024-06-24")
    assert _only_the_version_was_read(kept) and again.content == after.content


def test_each_question_has_its_own_answer(client: TestClient, connection: Connection):
    zone = create_zone(client, industrial_land_ha=50, service_land_ha=0)
    create_project(client, zone["id"], leased_ha=10, lease_start="2022-01-01")
    early, _ = _get(client, connection, OCCUPANCY, as_of="2021-06-30")
    late, _ = _get(client, connection, OCCUPANCY, as_of="2024-06-30")
    as_csv, _ = _get(client, connection, OCCUPANCY, as_of="2024-06-30", format="csv")
    assert early.json()["totals"]["all"]["leased_industrial_ha"] == 0
    assert late.json()["totals"]["all"]["leased_industrial_ha"] == 10
    # The same question in another order of parameters is the same question.
    again, kept = _get(client, connection, OCCUPANCY, format="csv", as_of="2024-06-30")
    assert _only_the_version_was_read(kept)
    assert again.content == as_csv.content
    assert again.headers["content-type"] == as_csv.headers["content-type"]
    assert again.headers["content-disposition"] == as_csv.headers["content-disposition"]
    listed, _ = _get(client, connection, "/api/v1/zones")
    listed_again, kept = _get(client, connection, "/api/v1/zones")
    assert _only_the_version_was_read(kept) and listed_again.json() == listed.json()


def test_refusals_are_not_kept(client: TestClient, connection: Connection):
    for _ in range(2):
        response, statements = _get(client, connection, OCCUPANCY, as_of="2024-02-30")
        assert response.status_code == 422
    assert len(client.app.state.answers) == 0  # type: ignore[attr-defined]


def test_if_none_match_star_is_a_304_when_an_answer_is_kept(client: TestClient):
    assert client.get(OCCUPANCY).status_code == 200
    response = client.get(OCCUPANCY, headers={"If-None-Match": "*"})
    assert response.status_code == 304 and response.content == b""
    assert response.headers["etag"].startswith('W/"')


def test_a_budget_of_zero_keeps_nothing(client: TestClient, connection: Connection):
    client.app.state.answers = AnswerCache(0)  # type: ignore[attr-defined]
    for _ in range(2):
        response, statements = _get(client, connection, OCCUPANCY)
        assert response.status_code == 200
        assert not _only_the_version_was_read(statements)


def _answer(size: int) -> Answer:
    return Answer(b"x" * size, (("content-type", "application/json"),))


def test_the_cache_holds_its_byte_budget_least_recently_used_out():
    cache = AnswerCache(1000)
    cache.put("a", _answer(200))
    cache.put("b", _answer(200))
    cache.put("c", _answer(200))
    assert cache.get("a") is not None  # a is now the most recently used
    cache.put("d", _answer(250))
    cache.put("e", _answer(250))  # 1,100 bytes: the least recently used (b) goes
    assert cache.get("b") is None
    assert [k for k in "acde" if cache.get(k) is not None] == ["a", "c", "d", "e"]
    assert cache.size == 900 and len(cache) == 4
    cache.put("f", _answer(251))  # over a quarter of the budget: never kept
    assert cache.get("f") is None and cache.size == 900


@pytest.mark.parametrize("size", [0, 1, 250])
def test_small_answers_are_kept_whole(size: int):
    cache = AnswerCache(1000)
    cache.put("k", _answer(size))
    kept = cache.get("k")
    assert kept is not None and kept.body == b"x" * size


def test_a_kept_answer_goes_compressed_to_callers_that_accept_gzip(
    client: TestClient, connection: Connection
):
    zone = create_zone(client)
    create_project(client, zone["id"], leased_ha=10)
    identity = {"Accept-Encoding": "identity"}
    first = client.get(OCCUPANCY, headers=identity)
    assert "content-encoding" not in first.headers
    with counting(connection) as statements:
        kept = client.get(OCCUPANCY, headers={"Accept-Encoding": "gzip"})
    assert _only_the_version_was_read(statements)
    assert kept.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in kept.headers["vary"]
    assert kept.content == first.content  # the client decompressed it
    assert kept.headers["etag"] == first.headers["etag"]
    plain = client.get(OCCUPANCY, headers=identity)
    assert "content-encoding" not in plain.headers and plain.content == first.content


def test_a_kept_spreadsheet_is_not_compressed_again(client: TestClient):
    create_zone(client)
    first = client.get(OCCUPANCY, params={"format": "xlsx"})
    kept = client.get(OCCUPANCY, params={"format": "xlsx"}, headers={"Accept-Encoding": "gzip"})
    assert client.app.state.answers.hits == 1  # type: ignore[attr-defined]
    assert "content-encoding" not in kept.headers
    assert kept.content == first.content


# Kept answers are sent before routing (app.kit.kept) -------------------------------------


def test_the_routes_whose_answers_are_kept(client: TestClient):
    routes: KeptRoutes = client.app.state.kept_routes  # type: ignore[attr-defined]
    for path in ("/api/v1/zones/7", "/api/v1/zones/by-code/KCN-A", OCCUPANCY, "/api/v1/zones"):
        assert routes.templates.of(path) != UNMATCHED, path
    # A zone read's ETag names its stored row (for If-Match): it answers no If-None-Match.
    assert "/api/v1/zones/{zone_id}" not in routes.conditional
    assert "/api/v1/reports/occupancy" in routes.conditional
    assert routes.templates.of("/api/v1/zones/7/projects/3") == UNMATCHED
    assert routes.templates.of("/healthz") == UNMATCHED


@pytest.mark.parametrize("by", ["id", "code"])
def test_a_zone_read_asked_again_is_sent_from_memory_until_a_write(
    client: TestClient, connection: Connection, by: str
):
    zone = create_zone(client, code="KCN-KEPT", industrial_land_ha=50, service_land_ha=0)
    url = f"/api/v1/zones/{zone['id']}" if by == "id" else "/api/v1/zones/by-code/kcn-kept"
    first, computed = _get(client, connection, url)
    again, kept = _get(client, connection, url)
    assert first.status_code == again.status_code == 200
    assert not _only_the_version_was_read(computed)
    assert _only_the_version_was_read(kept)
    assert again.content == first.content
    # The stored row's ETag, as computed (for If-Match), not a tag of the answer.
    assert again.headers["etag"] == first.headers["etag"] and not first.headers["etag"].startswith(
        "W/"
    )
    create_project(client, zone["id"], leased_ha=10)
    after, statements = _get(client, connection, url)
    assert not _only_the_version_was_read(statements)
    assert after.json()["leased_industrial_ha"] == 10 and first.json()["leased_industrial_ha"] == 0
    # Another day is another question.
    other_day, statements = _get(client, connection, url, as_of="2020-01-01")
    assert not _only_the_version_was_read(statements)


def test_a_zone_read_answers_no_if_none_match_kept_or_not(client: TestClient):
    zone = create_zone(client)
    url = f"/api/v1/zones/{zone['id']}"
    first = client.get(url)
    for tag in (first.headers["etag"], "*"):
        for _ in range(2):  # computed, then kept
            response = client.get(url, headers={"If-None-Match": tag})
            assert response.status_code == 200 and response.content == first.content


def test_a_report_tag_is_answered_304_before_routing(client: TestClient, connection: Connection):
    first = client.get(OCCUPANCY)
    with counting(connection) as statements:
        response = client.get(OCCUPANCY, headers={"If-None-Match": first.headers["etag"]})
    assert response.status_code == 304 and response.content == b""
    assert response.headers["etag"] == first.headers["etag"]
    assert _only_the_version_was_read(statements)


def test_head_of_a_kept_answer_has_its_headers_and_no_body(client: TestClient):
    zone = create_zone(client)
    url = f"/api/v1/zones/{zone['id']}"
    first = client.get(url, headers={"Accept-Encoding": "identity"})
    head = client.head(url, headers={"Accept-Encoding": "identity"})
    assert client.app.state.answers.hits == 1  # type: ignore[attr-defined]
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == first.headers["etag"]
    assert head.headers["content-length"] == str(len(first.content))


def test_a_kept_answer_is_refused_to_a_caller_who_may_not_read(
    database_url: str, engine, session, api_keys: dict[str, str]
):
    private = share_session(
        create_app(Settings(database_url=database_url, public_read=False), engine), session
    )
    with TestClient(private) as http:
        viewer = {"Authorization": f"Bearer {api_keys['viewer']}"}
        assert http.get(OCCUPANCY, headers=viewer).status_code == 200
        assert http.get(OCCUPANCY, headers=viewer).status_code == 200
        assert private.state.answers.hits == 1
        refused = http.get(OCCUPANCY)
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        wrong = http.get(OCCUPANCY, headers={"Authorization": "Bearer occ_nope_nope"})
        assert wrong.status_code == 401 and private.state.answers.hits == 1
