"""The service's Prometheus metrics: what is counted, and how one scrape sees every worker.

One server process keeps its metrics in memory (a registry of its own per application). Under
`occupancy serve --workers N` (N > 1) the supervisor makes a fresh directory, names it in
PROMETHEUS_MULTIPROC_DIR before it starts the workers, and removes it when it stops: each
worker then writes its values to files there (prometheus_client's multiprocess mode), and
`GET /metrics`, whichever worker answers it, adds up the files of every worker. Counters and
histograms keep the counts of a worker that died, so totals never go backwards; the gauges
count only live workers (the supervisor forgets a dead worker's gauges, `forget_dead_workers`).
"""

import glob
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    values,
)
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from sqlalchemy import Engine, event
from sqlalchemy.pool import QueuePool

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
# Request durations, in seconds: a zone read takes milliseconds, a national-scale report up to
# a couple of seconds, and a request may wait up to OCCUPANCY_QUEUE_TIMEOUT_S (10 s) in line.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# No `_created` series: multiprocess mode cannot export them, so neither mode does.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped in prometheus_client


class Metrics:
    """Every metric the service exports. `multiprocess_dir`: the directory the workers share
    (None: this process's values, in memory)."""

    def __init__(self, multiprocess_dir: str | None = None) -> None:
        if multiprocess_dir is not None and not getattr(values.ValueClass, "_multiprocess", False):
            raise RuntimeError(
                f"{MULTIPROCESS_DIR} must be set before prometheus_client is first imported"
            )
        self.multiprocess_dir = multiprocess_dir
        # In multiprocess mode the values live in files; no registry holds the metrics.
        self.registry = CollectorRegistry() if multiprocess_dir is None else None
        registry = self.registry
        self.requests = Counter(
            "occupancy_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ("route", "method", "status"),
            registry=registry,
        )
        self.duration = Histogram(
            "occupancy_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by route template and method.",
            ("route", "method"),
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.in_flight = Gauge(
            "occupancy_http_requests_in_flight",
            "Requests being answered now (the scrape included).",
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.pool_size = Gauge(
            "occupancy_db_pool_size",
            "Connections the database pools keep (one pool per worker; as many again may "
            "overflow for work outside requests).",
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.pool_checked_out = Gauge(
            "occupancy_db_pool_checked_out",
            "Database connections in use now.",
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.admission_waiting = Gauge(
            "occupancy_admission_waiting",
            "API requests waiting in line for a place at the database (OCCUPANCY_DB_SLOTS).",
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.capacity_refusals = Counter(
            "occupancy_capacity_refusals",
            "Writes refused with 409 capacity-exceeded (not enough leasable land), by route "
            "template; their idempotent replays are not counted again.",
            ("route",),
            registry=registry,
        )
        self.idempotent_replays = Counter(
            "occupancy_idempotent_replays",
            "Answers replayed under an Idempotency-Key (Idempotent-Replayed: true), by route "
            "template and replayed status.",
            ("route", "status"),
            registry=registry,
        )

    @classmethod
    def from_environment(cls) -> "Metrics":
        return cls(os.environ.get(MULTIPROCESS_DIR) or None)

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric, of every worker."""
        if self.registry is not None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self.multiprocess_dir)  # type: ignore[no-untyped-call]
        return generate_latest(registry)


def watch_pool(engine: Engine, metrics: Metrics) -> Callable[[], None]:
    """Keep `pool_size` and `pool_checked_out` up to date with the engine's pool, from its
    checkout and checkin events; returns what stops watching."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return lambda: None
    metrics.pool_size.set(pool.size())
    metrics.pool_checked_out.set(pool.checkedout())
    lock = threading.Lock()

    def after(change: int) -> Callable[..., None]:
        # The pool's own count, not a running sum of events, so a connection that failed its
        # pre-ping (checked in without a checkout event) cannot skew it. A checkin event comes
        # before the pool takes the connection back: it counts as returned already.
        def update(*_args: object) -> None:
            with lock:
                metrics.pool_checked_out.set(pool.checkedout() + change)

        return update

    listeners = {"checkout": after(0), "checkin": after(-1), "detach": after(0)}
    for name, listener in listeners.items():
        event.listen(pool, name, listener)

    def stop() -> None:
        for name, listener in listeners.items():
            event.remove(pool, name, listener)

    return stop


# ----------------------------------------------------------------- the supervisor's side

# The files of gauges that count only live processes: gauge_livesum_<pid>.db, …
LIVE_GAUGE_FILE = re.compile(r"gauge_live[a-z]+_(\d+)\.db")


@contextmanager
def multiprocess_dir() -> Iterator[str]:
    """A fresh, empty directory for the workers' metric files, named in the environment the
    workers inherit, and removed with everything in it at the end."""
    path = tempfile.mkdtemp(prefix="occupancy-metrics-")
    os.environ[MULTIPROCESS_DIR] = path
    try:
        yield path
    finally:
        os.environ.pop(MULTIPROCESS_DIR, None)
        shutil.rmtree(path, ignore_errors=True)


def forget_dead_workers(path: str, live: set[int]) -> None:
    """Drop the live-gauge files of processes that are not among `live` (a worker that died or
    was replaced), so in-flight requests and pool use count only workers that run."""
    for name in glob.glob(os.path.join(glob.escape(path), "gauge_live*_*.db")):
        found = LIVE_GAUGE_FILE.fullmatch(os.path.basename(name))
        if found and int(found.group(1)) not in live:
            mark_process_dead(int(found.group(1)), path)  # type: ignore[no-untyped-call]
