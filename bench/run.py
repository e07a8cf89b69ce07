"""Benchmark: report latency through HTTP against the floor, the best SQL written by hand.

For each database (SQLite, and PostgreSQL when --postgres is given) and each scale (1 =
national: 2,000 zones, 40,000 projects, 10,000 clearance records; 10 = ten times that), it
makes a fresh database, fills it with bench.generate, starts `occupancy serve`, and prints
median and p95 latency of every report requested repeatedly over HTTP, beside the median of
the same figures' hand-written SQL (bench/best_sql.py) run through the bare driver
connection, the two taking turns, and their ratio (the server keeps no answer: every
request computes its report); then the 12-month history against one report (also in
turns), the occupancy report gzip-compressed, a single-zone read, a 304 answer, the
worker's peak memory, and the occupancy report and the zone sent again by a server that
keeps its answers (plain and compressed). Answers are asked uncompressed
(Accept-Encoding: identity) unless a line says gzip.

Requests go over one keep-alive connection of the standard library's http.client, which
reads an answer's body in one call, as the driver hands the floor its rows: with httpx's
client, a 680 KB report took 3-9 ms more on the client's side alone (medians of 30 on this
machine's slow day; the single-zone read the same), time that is neither the service's nor
the floor's.

    make bench                                  # SQLite, scales 1 and 10
    make bench BENCH_ARGS="--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test"

Figures only: nothing here passes or fails.
"""

import argparse
import http.client
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from app.kit import migrate
from app.kit.db import make_engine
from app.reports.service import history_points
from bench.best_sql import floors
from bench.generate import generate
from bench.servers import fresh_database, peak_memory_mb, server

AS_OF = date(2024, 6, 24)
# The floor sends rows, not compressed bytes: the service is asked the same (identity); what
# gzip adds for the callers that ask for it is printed on lines of its own.
IDENTITY = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip"}
REPORTS: dict[str, str] = {
    "occupancy": f"/api/v1/reports/occupancy?as_of={AS_OF}",
    "occupancy/history": "/api/v1/reports/occupancy/history?from=2023-07-01&to=2024-06-30&interval=month",
    "clearance": f"/api/v1/reports/clearance?as_of={AS_OF}",
    "investment": f"/api/v1/reports/investment?as_of={AS_OF}",
    "summary": f"/api/v1/reports/summary?as_of={AS_OF}",
}


class Plain:
    """GET over one keep-alive HTTP/1.1 connection (http.client), the body read whole."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        address = urlsplit(base)
        self.connection = http.client.HTTPConnection(address.hostname or "", address.port)
        self.headers = headers

    def get(self, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        """The answer (its body read); an error status raises."""
        self.connection.request("GET", path, headers=self.headers | (headers or {}))
        answer = self.connection.getresponse()
        answer.read()
        if answer.status >= 400:
            raise RuntimeError(f"GET {path}: {answer.status}")
        return answer

    def close(self) -> None:
        self.connection.close()


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    call()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def side_by_side(
    first: Callable[[], object], second: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    """Both calls timed `repeat` times each, taking turns (after one warm-up each)."""
    first()
    second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for call, taken in ((first, samples[0]), (second, samples[1])):
            started = time.perf_counter()
            call()
            taken.append((time.perf_counter() - started) * 1000)
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
    print(f"{'request':<22}{'best SQL':>10}{'http median':>13}{'http p95':>10}{'ratio':>8}")
    points = history_points(date(2023, 7, 1), date(2024, 6, 30), "month")
    # Every report computed for every request: no answer kept (app.kit.answers).
    computing = {"OCCUPANCY_ANSWER_CACHE_MB": "0"}
    with (
        server(url, 1, workdir / f"server-{backend}-{scale}.log", env=computing) as base,
        engine.connect() as connection,
    ):
        floor = floors(connection, AS_OF, points)
        with closing(Plain(base, IDENTITY)) as http:
            for name, path in REPORTS.items():

                def ask(path: str = path) -> object:
                    return http.get(path)

                # The floor and the service in turns, so that a slow spell of a shared
                # machine falls on both.
                best, samples = side_by_side(floor[name], ask, repeat)
                median = statistics.median(samples)
                print(
                    f"{name:<22}{statistics.median(best):>8.1f}ms{median:>11.1f}ms"
                    f"{p95(samples):>8.1f}ms{median / statistics.median(best):>8.2f}"
                )
            history, one = side_by_side(
                lambda: http.get(REPORTS["occupancy/history"]),
                lambda: http.get(REPORTS["occupancy"]),
                repeat,
            )
            ratio = statistics.median(history) / statistics.median(one)
            print(f"{'history / one report':<22}{ratio:>31.2f}")
            samples = timed(lambda: http.get(REPORTS["occupancy"], headers=GZIP), repeat)
            print(f"{'occupancy, gzip':<22}{'':>10}{statistics.median(samples):>11.1f}ms")
            zone_id = counts["zones"] // 2
            samples = timed(lambda: http.get(f"/api/v1/zones/{zone_id}"), repeat * 5)
            print(
                f"{'single zone, computed':<22}{'':>10}{statistics.median(samples):>11.2f}ms"
                f"{p95(samples):>8.2f}ms"
            )
            etag = http.get(REPORTS["occupancy"]).headers["ETag"]
            samples = timed(
                lambda: http.get(REPORTS["occupancy"], headers={"If-None-Match": etag}),
                repeat * 5,
            )
            print(f"{'occupancy, 304':<22}{'':>10}{statistics.median(samples):>11.2f}ms")
            print(f"{'peak worker memory':<22}{'':>10}{peak_memory_mb(base):>11.0f}MB")
    with server(url, 1, workdir / f"kept-{backend}-{scale}.log") as base:
        with closing(Plain(base, IDENTITY)) as http:
            http.get(REPORTS["occupancy"])
            samples = timed(lambda: http.get(REPORTS["occupancy"]), repeat * 5)
            print(f"{'occupancy, kept':<22}{'':>10}{statistics.median(samples):>11.2f}ms")
            samples = timed(lambda: http.get(REPORTS["occupancy"], headers=GZIP), repeat * 5)
            print(f"{'occupancy, kept, gzip':<22}{'':>10}{statistics.median(samples):>11.2f}ms")
            zone = f"/api/v1/zones/{counts['zones'] // 2}"
            samples = timed(lambda: http.get(zone), repeat * 5)
            print(
                f"{'single zone, kept':<22}{'':>10}{statistics.median(samples):>11.2f}ms"
                f"{p95(samples):>8.2f}ms"
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
