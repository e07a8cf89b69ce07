"""Metrics and logs of a real server with several workers (`occupancy serve --workers 2`):
whichever worker answers a scrape, it adds up every worker's figures; a worker that dies
keeps its counts but not its gauges; the metrics directory is the server's own and goes when
it stops; with OCCUPANCY_LOG_FORMAT=json every line the server writes is one JSON object.

The server's TMPDIR is the test's own temporary directory (tests/live_server.py puts it beside
the server's log), so the test can look at the directory it makes for the workers' metric files.
"""

import json
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector

from app.kit import migrate
from app.kit.logs import ACCESS_LOGGER
from tests.conftest import bearer
from tests.live_server import make_key, running_server, start_server
from tests.test_metrics import Labels, labels, parse, requests

pytestmark = pytest.mark.server

WORKERS = 2
SLOTS = 3  # OCCUPANCY_DB_SLOTS: each worker's pool holds as many
ZONES = "/api/v1/zones"
BURST = 32
T = TypeVar("T")


def wait_for(condition: Callable[[], T], what: str, seconds: float = 30) -> T:
    """The condition's first true value, checked until `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"gave up waiting: {what}")


def metrics_dirs(tmp_path: Path) -> list[Path]:
    return sorted(tmp_path.glob("occupancy-metrics-*"))


def pids(directory: Path, kind: str) -> set[int]:
    """The processes that have files of this kind (counter, gauge_livesum, …) there."""
    return {int(path.stem.rsplit("_", 1)[1]) for path in directory.glob(f"{kind}_*.db")}


def served_by_worker(directory: Path) -> dict[int, float]:
    """GET /api/v1/zones answered 200, by the worker process that counted them."""
    wanted = labels(route=ZONES, method="GET", status="200")
    counts: dict[int, float] = {}
    for path in directory.glob("counter_*.db"):
        for metric in MultiProcessCollector.merge([str(path)], accumulate=False):
            for sample in metric.samples:
                if sample.name == "occupancy_http_requests_total" and (
                    frozenset(sample.labels.items()) == wanted
                ):
                    counts[int(path.stem.rsplit("_", 1)[1])] = sample.value
    return counts


def spread(base: str, directory: Path) -> int:
    """GET /api/v1/zones in bursts of fresh connections until every worker has answered some;
    returns how many were sent."""
    sent = 0

    def get(_n: int) -> int:
        return httpx.get(f"{base}{ZONES}", timeout=30).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        for _ in range(25):
            assert list(pool.map(get, range(BURST))) == [200] * BURST
            sent += BURST
            if len(served_by_worker(directory)) == WORKERS:
                return sent
    pytest.fail(f"{sent} requests never reached all {WORKERS} workers")


def scrape(base: str) -> dict[str, dict[Labels, float]]:
    response = httpx.get(f"{base}/metrics", timeout=30)  # a fresh connection: any worker
    assert response.status_code == 200, response.text
    return parse(response.text)


def gauge(samples: dict[str, dict[Labels, float]], name: str) -> float:
    return samples[name][labels()]


@pytest.fixture
def migrated(scratch_url: str) -> str:
    migrate.upgrade(scratch_url)
    return scratch_url


def test_a_scrape_adds_up_every_worker(migrated, tmp_path):
    env = {"OCCUPANCY_DB_SLOTS": str(SLOTS)}
    log_path = tmp_path / "server.log"
    with running_server(migrated, workers=WORKERS, log_path=log_path, env=env) as base:
        [directory] = metrics_dirs(tmp_path)
        sent = spread(base, directory)
        per_worker = served_by_worker(directory)
        assert sum(per_worker.values()) == sent and all(per_worker.values()), per_worker

        for _ in range(2 * WORKERS):
            samples = scrape(base)
            assert requests(samples, ZONES, "GET", 200) == sent
            series = labels(route=ZONES, method="GET")
            assert samples["occupancy_http_request_duration_seconds_count"][series] == sent
            assert (
                samples["occupancy_http_request_duration_seconds_bucket"][series | {("le", "+Inf")}]
                == sent
            )
            assert gauge(samples, "occupancy_http_requests_in_flight") == 1  # the scrape
            assert gauge(samples, "occupancy_db_pool_size") == WORKERS * SLOTS
            assert gauge(samples, "occupancy_db_pool_checked_out") == 0
            assert gauge(samples, "occupancy_admission_waiting") == 0
    assert metrics_dirs(tmp_path) == []  # the server removed its directory


def test_a_dead_workers_counts_stay_and_its_gauges_go(migrated, tmp_path):
    env = {"OCCUPANCY_DB_SLOTS": str(SLOTS)}
    server = start_server(migrated, workers=WORKERS, log_path=tmp_path / "server.log", env=env)
    try:
        [directory] = metrics_dirs(tmp_path)
        sent = spread(server.base, directory)
        workers = wait_for(
            lambda: len(found := pids(directory, "gauge_livesum")) == WORKERS and found,
            "every worker's live gauges",
        )
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)

        # The supervisor starts a replacement and forgets the dead worker's live gauges.
        live = wait_for(
            lambda: (
                victim not in (found := pids(directory, "gauge_livesum"))
                and len(found) == WORKERS
                and found
            ),
            "the dead worker's gauges forgotten and a replacement started",
        )
        assert victim not in live
        assert victim in pids(directory, "counter")  # what it counted is kept
        samples = wait_for(
            lambda: (
                gauge(got := scrape(server.base), "occupancy_db_pool_size") == WORKERS * SLOTS
                and got
            ),
            "the replacement's pool counted",
        )
        assert requests(samples, ZONES, "GET", 200) == sent
        assert gauge(samples, "occupancy_http_requests_in_flight") == 1
        assert gauge(scrape(server.base), "occupancy_db_pool_size") == WORKERS * SLOTS
    finally:
        server.stop()
    assert metrics_dirs(tmp_path) == []


def test_every_line_a_real_server_writes_is_json(migrated, tmp_path):
    secret = make_key(migrated, "viewer", "live-log-viewer")
    bogus = "occ_000000000000_" + "n0tAkey" * 6
    env = {"OCCUPANCY_LOG_FORMAT": "json", "OCCUPANCY_LOG_LEVEL": "info"}
    log_path = tmp_path / "server.log"
    calls = {
        # request id: headers, path, expected status and key name in the access line
        "live-keyed": (bearer(secret), ZONES, 200, "live-log-viewer"),
        "live-anonymous": ({}, ZONES, 200, None),
        "live-bogus-key": (bearer(bogus), ZONES, 401, None),
        "live-missing": ({}, f"{ZONES}/2147483647", 404, None),
        "live-unknown": ({}, "/nowhere", 404, None),
    }
    with running_server(migrated, workers=WORKERS, log_path=log_path, env=env) as base:
        for request_id, (headers, path, status, _key) in calls.items():
            response = httpx.get(
                f"{base}{path}", headers=headers | {"X-Request-ID": request_id}, timeout=30
            )
            assert response.status_code == status, response.text
            assert response.headers["x-request-id"] == request_id

    written = log_path.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in written.splitlines() if line.strip()]
    assert lines, "the server wrote nothing"
    assert all({"time", "level", "logger"} <= set(line) for line in lines)
    assert not [line for line in lines if line["logger"] == "uvicorn.access"]
    access = [line for line in lines if line["logger"] == ACCESS_LOGGER]
    for request_id, (_headers, path, status, key) in calls.items():
        [line] = [entry for entry in access if entry["request_id"] == request_id]
        assert (line["method"], line["path"], line["status"], line["key"]) == (
            "GET",
            path,
            status,
            key,
        )
        assert line["duration_ms"] >= 0
    assert {entry["route"] for entry in access if entry["request_id"].startswith("live-")} == {
        ZONES,
        f"{ZONES}/{{zone_id}}",
        "unmatched",
    }
    assert secret not in written and bogus not in written
    assert "Bearer" not in written
