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
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import httpx

from app.kit import migrate
from app.kit.db import make_engine, make_sessionmaker
from app.land.queries import clearance_of_zones, leased_at_points, occupancy_by_zone
from app.reports import queries
from app.reports.params import ZoneSelection
from app.reports.service import history_points
from bench.generate import generate
from bench.servers import fresh_database, server

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
        ids = queries.zone_ids(SELECTION, AS_OF)
        return occupancy_by_zone(session, zones, AS_OF, selected=ids)

    def clearance() -> object:
        zones = queries.selected_zones(session, SELECTION, AS_OF)
        ids = queries.zone_ids(SELECTION, AS_OF)
        return (
            occupancy_by_zone(session, zones, AS_OF, selected=ids),
            clearance_of_zones(session, zones, AS_OF, selected=ids),
        )

    def history() -> object:
        points = history_points(date(2023, 7, 1), date(2024, 6, 30), "month")
        ids = queries.zone_ids(SELECTION, points[-1])
        return queries.selected_zones(session, SELECTION, points[-1]), leased_at_points(
            session, ids, points
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
        "clearance": clearance,
        "investment": investment,
        "summary": lambda: (clearance(), investment(), queries.zone_counts(session, SELECTION)),
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
