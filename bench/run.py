"""Benchmark: report latency through HTTP against the same aggregate queries run directly.

For each database (SQLite, and PostgreSQL when --postgres is given) and each scale (1 =
national: 2,000 zones, 40,000 projects, 10,000 clearance records; 10 = ten times that), it
makes a fresh database, fills it with bench.generate, starts `occupancy serve`, and prints
median and p95 latency of every report requested repeatedly over HTTP, beside the median of
the report's own SQL aggregates run in-process (so the ratio shows what HTTP, validation and
JSON cost on top), and the latency of a single-zone read.

    make bench                                  # SQLite, scales 1 and 10
    make bench BENCH_ARGS="--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test"

Figures only: nothing here passes or fails.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.kit import migrate
from app.kit.db import make_engine, make_sessionmaker
from app.land.queries import figures_by_zone
from app.reports import queries
from app.reports.params import ZoneSelection
from app.reports.service import history_points
from bench.generate import generate

AS_OF = date(2024, 6, 24)
SELECTION = ZoneSelection()
REPORTS: dict[str, str] = {
    "occupancy": f"/api/v1/reports/occupancy?as_of={AS_OF}",
    "occupancy/history": "/api/v1/reports/occupancy/history?from=2023-07-01&to=2024-06-30&interval=month",
    "clearance": f"/api/v1/reports/clearance?as_of={AS_OF}",
    "investment": f"/api/v1/reports/investment?as_of={AS_OF}",
    "summary": f"/api/v1/reports/summary?as_of={AS_OF}",
}


def raw_queries(session) -> dict[str, Callable[[], object]]:  # type: ignore[no-untyped-def]
    """The SQL each report runs, without HTTP, validation, arithmetic or JSON."""

    def occupancy() -> object:
        zones = queries.selected_zones(session, SELECTION, AS_OF)
        return figures_by_zone(session, zones, AS_OF, selected=queries.zone_ids(SELECTION, AS_OF))

    def history() -> object:
        points = history_points(date(2023, 7, 1), date(2024, 6, 30), "month")
        return queries.selected_zones(session, SELECTION, points[-1]), queries.leased_at_points(
            session, SELECTION, points
        )

    def investment() -> object:
        return (
            queries.investment_by_status(session, SELECTION, AS_OF),
            queries.investment_by(session, SELECTION, AS_OF, "investor_country"),
            queries.investment_by(session, SELECTION, AS_OF, "sector"),
        )

    return {
        "occupancy": occupancy,
        "occupancy/history": history,
        "clearance": occupancy,  # the clearance report runs the same two aggregates
        "investment": investment,
        "summary": lambda: (occupancy(), investment(), queries.zone_counts(session, SELECTION)),
    }


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    call()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@contextmanager
def fresh_database(postgres: str | None, workdir: Path) -> Iterator[str]:
    if postgres is None:
        yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        return
    name = f"occupancy_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(url: str, workers: int, log: Path) -> Iterator[str]:
    port = free_port()
    env = os.environ | {"OCCUPANCY_DATABASE_URL": url, "OCCUPANCY_LOG_LEVEL": "warning"}
    command = [
        str(Path(sys.executable).parent / "occupancy"),
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()}")
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError(log.read_text())
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def bench_one(backend: str, url: str, scale: int, repeat: int, workdir: Path) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    counts = generate(engine, scale)
    print(
        f"\n## {backend}, scale {scale}: {counts} (generated in {time.perf_counter() - started:.1f} s)"
    )
    print(f"{'request':<22}{'http median':>12}{'http p95':>10}{'raw median':>12}{'ratio':>8}")
    with make_sessionmaker(engine)() as session:
        raw = {
            name: statistics.median(timed(call, repeat))
            for name, call in raw_queries(session).items()
        }
    with server(url, 1, workdir / f"server-{backend}-{scale}.log") as base:
        with httpx.Client(base_url=base, timeout=300) as http:
            for name, path in REPORTS.items():
                samples = timed(lambda p=path: http.get(p).raise_for_status(), repeat)
                median = statistics.median(samples)
                print(
                    f"{name:<22}{median:>10.1f}ms{p95(samples):>8.1f}ms"
                    f"{raw[name]:>10.1f}ms{median / raw[name]:>8.2f}"
                )
            zone_id = counts["zones"] // 2
            samples = timed(
                lambda: http.get(f"/api/v1/zones/{zone_id}").raise_for_status(), repeat * 5
            )
            print(
                f"{'single zone read':<22}{statistics.median(samples):>10.2f}ms{p95(samples):>8.2f}ms"
            )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description="Report latency at national scale and 10x.")
    parser.add_argument("--scales", default="1,10", help="comma-separated scales (default 1,10)")
    parser.add_argument("--repeat", type=int, default=15, help="requests per report (default 15)")
    parser.add_argument("--postgres", help="PostgreSQL admin URL; scratch databases are made there")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    backends = ([] if args.skip_sqlite else [("sqlite", None)]) + (
        [("postgresql", args.postgres)] if args.postgres else []
    )
    print(
        f"# occupancy benchmark: {args.repeat} requests per report, 1 server worker, as of {AS_OF}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for backend, admin_url in backends:
            for scale in scales:
                with fresh_database(admin_url, Path(tmp)) as url:
                    bench_one(backend, url, scale, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
