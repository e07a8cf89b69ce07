"""GET /metrics (docs/api.md, Health and metrics): requests by route template, method and
status, the latency histogram, requests in flight, database pool use, the admission line,
capacity refusals and idempotent replays, read back by parsing the Prometheus text format.

Each test's application has a registry of its own, so every count starts at zero and the
figures expected are the requests the test sends. tests/test_metrics_live.py checks the same
against a real server with several workers.
"""

import asyncio
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, text

from app.kit.admission import Admission
from app.kit.db import make_engine
from app.kit.deps import SessionDep
from app.kit.metrics import CONTENT_TYPE, LATENCY_BUCKETS, Metrics
from app.kit.routes import UNMATCHED, RouteTemplates
from app.kit.settings import Settings
from app.main import create_app
from tests.conftest import bearer
from tests.factories import assert_problem, create_zone, project_body, zone_body

ZONES = "/api/v1/zones"
PROJECTS = "/api/v1/projects"
Labels = frozenset[tuple[str, str]]


def parse(exposition: str) -> dict[str, dict[Labels, float]]:
    """Every sample of a scrape: name → labels → value."""
    samples: dict[str, dict[Labels, float]] = {}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[frozenset(sample.labels.items())] = sample.value
    return samples


def scrape(client: TestClient) -> dict[str, dict[Labels, float]]:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    return parse(response.text)


def labels(**given: str) -> Labels:
    return frozenset(given.items())


def requests(
    samples: dict[str, dict[Labels, float]], route: str, method: str, status: int
) -> float:
    by_labels = samples.get("occupancy_http_requests_total", {})
    return by_labels.get(labels(route=route, method=method, status=str(status)), 0)


# --------------------------------------------------------------------------- requests


def test_requests_are_counted_by_route_template_method_and_status(client):
    zones = [create_zone(client) for _ in range(2)]
    sent: Counter[tuple[str, str, int]] = Counter()
    for zone in zones:  # two ids, one template
        for _ in range(zone["id"] % 3 + 1):
            assert client.get(f"{ZONES}/{zone['id']}").status_code == 200
            sent[(f"{ZONES}/{{zone_id}}", "GET", 200)] += 1
    missing = max(zone["id"] for zone in zones) + 1000
    assert client.get(f"{ZONES}/{missing}").status_code == 404
    sent[(f"{ZONES}/{{zone_id}}", "GET", 404)] += 1
    assert client.head(f"{ZONES}/{zones[0]['id']}").status_code == 200
    sent[(f"{ZONES}/{{zone_id}}", "HEAD", 200)] += 1
    sent[(ZONES, "POST", 201)] += len(zones)

    samples = scrape(client)
    for (route, method, status), count in sent.items():
        assert requests(samples, route, method, status) == count, (route, method, status)
    routes = {dict(key)["route"] for key in samples["occupancy_http_requests_total"]}
    assert not any(f"{ZONES}/{zone['id']}" in routes for zone in zones), routes


def test_unknown_paths_share_one_label_and_so_do_unknown_methods(client):
    for path in ("/nowhere", "/api/v1/nothing/here", "/api/v1/zones/1/nothing"):
        assert_problem(client.get(path), 404)
    assert_problem(client.request("BREW", ZONES), 405)

    samples = scrape(client)
    assert requests(samples, UNMATCHED, "GET", 404) == 3
    assert requests(samples, ZONES, "other", 405) == 1


def test_the_latency_histogram_has_its_buckets_and_counts_every_request(client):
    sent = 5
    for _ in range(sent):
        assert client.get(ZONES).status_code == 200

    samples = scrape(client)
    series = labels(route=ZONES, method="GET")
    buckets = {
        dict(key)["le"]: value
        for key, value in samples["occupancy_http_request_duration_seconds_bucket"].items()
        if key - {("le", dict(key)["le"])} == series
    }
    bounds = sorted(float(le) for le in buckets if le != "+Inf")
    assert bounds == list(LATENCY_BUCKETS)
    cumulative = [buckets[le] for le in sorted(buckets, key=float)]
    assert cumulative == sorted(cumulative)  # each bucket holds the ones below it
    assert buckets["+Inf"] == sent
    assert samples["occupancy_http_request_duration_seconds_count"][series] == sent
    assert samples["occupancy_http_request_duration_seconds_sum"][series] > 0


def test_the_requests_in_flight_are_the_scrape_itself_even_after_a_failure(client, monkeypatch):
    from app.zones import service

    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "list_zones", explode)
    assert client.get(ZONES).status_code == 500
    samples = scrape(client)
    assert samples["occupancy_http_requests_in_flight"][labels()] == 1
    assert requests(samples, ZONES, "GET", 500) == 1


# --------------------------------------------------------------------------- refusals and replays


def _full_zone(client: TestClient) -> tuple[int, dict]:
    """A zone whose industrial land one project takes entirely, and a body asking for more."""
    zone = create_zone(client, total_area_ha=1, industrial_land_ha=0.3, service_land_ha=0)
    first = client.post(PROJECTS, json=project_body(zone["id"], leased_ha=0.3))
    assert first.status_code == 201, first.text
    return zone["id"], project_body(zone["id"], leased_ha=0.0001)


def capacity_refusals(samples: dict[str, dict[Labels, float]], route: str) -> float:
    return samples.get("occupancy_capacity_refusals_total", {}).get(labels(route=route), 0)


def replays(samples: dict[str, dict[Labels, float]], route: str, status: int) -> float:
    by_labels = samples.get("occupancy_idempotent_replays_total", {})
    return by_labels.get(labels(route=route, status=str(status)), 0)


def test_a_capacity_refusal_is_counted_and_its_replay_counted_as_a_replay(client):
    _zone_id, more = _full_zone(client)
    headers = {"Idempotency-Key": "over-capacity"}
    refused = client.post(PROJECTS, json=more, headers=headers)
    assert assert_problem(refused, 409)["type"].endswith("/capacity-exceeded")
    replayed = client.post(PROJECTS, json=more, headers=headers)
    assert replayed.status_code == 409
    assert replayed.headers["idempotent-replayed"] == "true"

    samples = scrape(client)
    assert capacity_refusals(samples, PROJECTS) == 1
    assert replays(samples, PROJECTS, 409) == 1
    assert requests(samples, PROJECTS, "POST", 409) == 2


def test_a_land_cut_below_its_leases_is_a_capacity_refusal(client):
    zone_id, _more = _full_zone(client)
    cut = client.patch(f"{ZONES}/{zone_id}", json={"industrial_land_ha": 0.2})
    assert assert_problem(cut, 409)["type"].endswith("/capacity-exceeded")

    assert capacity_refusals(scrape(client), f"{ZONES}/{{zone_id}}") == 1


def test_other_conflicts_are_not_capacity_refusals(client):
    body = zone_body()
    assert client.post(ZONES, json=body).status_code == 201
    assert assert_problem(client.post(ZONES, json=body), 409)["type"].endswith("/duplicate")

    samples = scrape(client)
    assert requests(samples, ZONES, "POST", 409) == 1
    assert "occupancy_capacity_refusals_total" not in samples


def test_an_idempotent_replay_is_counted(client):
    body = zone_body()
    headers = {"Idempotency-Key": "replay-me"}
    assert client.post(ZONES, json=body, headers=headers).status_code == 201
    again = client.post(ZONES, json=body, headers=headers)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert client.post(ZONES, json=zone_body()).status_code == 201  # no key: not a replay

    samples = scrape(client)
    assert replays(samples, ZONES, 201) == 1
    assert requests(samples, ZONES, "POST", 201) == 3


# --------------------------------------------------------------------------- the database side


@pytest.fixture
def own_engine(database_url: str) -> Iterator[Engine]:
    """An engine of its own (a small pool nobody else uses), so its use can be counted."""
    engine = make_engine(database_url, pool_size=3)
    yield engine
    engine.dispose()


def _probe_app(database_url: str, engine: Engine) -> FastAPI:
    """The application with real sessions and a route that reads the metrics while it holds a
    database connection."""
    application = create_app(Settings(database_url=database_url), engine)

    @application.get("/probe")
    def probe(session: SessionDep) -> Response:
        session.execute(text("SELECT 1"))
        return Response(application.state.metrics.exposition(), media_type=CONTENT_TYPE)

    return application


def test_pool_use_counts_the_connections_checked_out(database_url, own_engine):
    application = _probe_app(database_url, own_engine)
    with TestClient(application) as client:
        during = client.get("/probe")
        assert during.status_code == 200, during.text
        inside = parse(during.text)
        after = scrape(client)
    assert inside["occupancy_db_pool_checked_out"][labels()] == 1
    assert after["occupancy_db_pool_checked_out"][labels()] == 0
    assert after["occupancy_db_pool_size"][labels()] == own_engine.pool.size()


def test_the_pool_is_watched_only_while_the_application_runs(database_url, own_engine):
    application = _probe_app(database_url, own_engine)
    with TestClient(application) as client:
        assert client.get("/probe").status_code == 200
    metrics = application.state.metrics
    with own_engine.connect():  # no listener left on the pool to see this one
        still = parse(metrics.exposition().decode())
    assert still["occupancy_db_pool_checked_out"][labels()] == 0


def test_the_admission_line_is_a_gauge():
    metrics = Metrics()
    seen: list[float] = []

    def waiting() -> float:
        return parse(metrics.exposition().decode())["occupancy_admission_waiting"][labels()]

    async def scenario() -> tuple[int, int]:
        started, release = asyncio.Event(), asyncio.Event()

        async def slow(scope, receive, send):
            started.set()
            await release.wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

        gate = Admission(
            slow,
            slots=1,
            write_slots=1,
            queue_timeout=30,
            max_queue=10,
            on_waiting=metrics.admission_waiting.set,
        )
        transport = httpx.ASGITransport(app=gate)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            first = asyncio.create_task(client.get(ZONES))
            await started.wait()
            started.clear()
            second = asyncio.create_task(client.get(ZONES))
            for _ in range(10_000):  # until the second request has joined the line
                if gate.waiting:
                    break
                await asyncio.sleep(0)
            seen.append(waiting())
            release.set()
            answers = await asyncio.gather(first, second)
        return answers[0].status_code, answers[1].status_code

    assert asyncio.run(scenario()) == (200, 200)
    assert seen == [1]
    assert waiting() == 0


# --------------------------------------------------------------------------- the endpoint


def test_metrics_are_prometheus_text_and_answer_head(anonymous):
    response = anonymous.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == CONTENT_TYPE
    assert response.headers["x-request-id"]
    head = anonymous.head("/metrics")
    assert head.status_code == 200
    assert head.content == b""


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_metrics_refuse_other_methods(anonymous, method):
    response = anonymous.request(method, "/metrics")
    assert_problem(response, 405)
    assert response.headers["allow"] == "GET, HEAD"


@pytest.fixture
def closed_metrics(settings, engine, app) -> Iterator[TestClient]:
    """The test's application, but with OCCUPANCY_PUBLIC_METRICS=false."""
    closed = create_app(settings.model_copy(update={"public_metrics": False}), engine)
    closed.dependency_overrides = app.dependency_overrides
    closed.state.authenticate = app.state.authenticate
    with TestClient(closed, raise_server_exceptions=False) as client:
        yield client


def test_metrics_can_require_a_key(closed_metrics, api_keys):
    assert_problem(closed_metrics.get("/metrics"), 401)
    bogus = "occ_000000000000_" + "x" * 43
    assert_problem(closed_metrics.get("/metrics", headers=bearer(bogus)), 401)
    assert_problem(closed_metrics.get("/metrics", headers={"Authorization": "Basic x"}), 401)
    viewer = closed_metrics.get("/metrics", headers=bearer(api_keys["viewer"]))
    assert viewer.status_code == 200
    samples = parse(viewer.text)
    assert requests(samples, "/metrics", "GET", 401) == 3
    # The health probes stay open.
    assert closed_metrics.get("/healthz").status_code == 200


def test_a_metrics_directory_set_too_late_is_refused(tmp_path):
    # prometheus_client chose in-memory values when it was imported, without the variable.
    with pytest.raises(RuntimeError, match="PROMETHEUS_MULTIPROC_DIR"):
        Metrics(str(tmp_path))


# --------------------------------------------------------------------------- route templates


def test_a_path_takes_its_most_specific_template():
    table = RouteTemplates(
        [
            "/api/v1/provinces/{name}",
            "/api/v1/provinces/merge",
            "/api/v1/plans/{plan_id}/targets/{target_id}",
            "/api/v1/plans/{plan_id}/{part}/{target_id}",
        ]
    )
    assert table.of("/api/v1/provinces/merge") == "/api/v1/provinces/merge"
    assert table.of("/api/v1/provinces/Hòa Bình") == "/api/v1/provinces/{name}"
    assert table.of("/api/v1/plans/1/targets/2") == "/api/v1/plans/{plan_id}/targets/{target_id}"
    assert table.of("/api/v1/plans/1/actuals/2") == "/api/v1/plans/{plan_id}/{part}/{target_id}"
    assert table.of("/api/v1/provinces") == UNMATCHED
    assert table.of("/api/v1/provinces/a/b") == UNMATCHED


def test_every_served_path_is_its_own_template(app, client):
    table = app.state.route_templates
    documented = client.get("/openapi.json").json()["paths"]
    assert documented
    for path in [*documented, "/docs", "/redoc", "/openapi.json"]:
        assert table.of(path) == path
