"""Benchmark: report latency through HTTP against the floor, the best SQL written by hand.

For each database (SQLite, and PostgreSQL when --postgres is given) and each scale (1 =
national: 2,000 zones, 40,000 projects, 10,000 clearance records; 10 = ten times that), it
makes a fresh database, fills it with bench.generate, starts `occupancy serve`, and prints
median and p95 latency of every report requested repeatedly over HTTP, beside the median of
the same figures' hand-written SQL (bench/best_sql.py) run through the bare driver
connection, and the route's own function called in this process (`in process`: the session,
the statements, the rows and the JSON the route makes, without HTTP, the framework or a
worker thread), the three taking turns; then each ratio to the best SQL (the server keeps
no answer: every request computes its report, though it writes again only the occupancy
and clearance reports' zones whose rows changed, app.kit.written_rows; the lines `...,
rows afresh` are a second server, and the route body, remembering no row, in the same
turns). The in-process ratio is what the service's
Python adds to the database's work; the rest of the HTTP ratio is serving it. Then the
12-month history against one report (also in turns), the occupancy report gzip-compressed,
a single-zone read, a 304 answer, the worker's peak memory, and the occupancy report and the
zone sent again by a server that keeps its answers (plain and compressed). Answers are asked
uncompressed (Accept-Encoding: identity) unless a line says gzip.

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
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import date
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine
from starlette.responses import Response

from app.kit import migrate
from app.kit.db import make_engine, make_read_sessionmaker, new_session
from app.kit.memory import collect_young_less_often, freeze_startup_objects, tune_malloc
from app.kit.settings import Settings, local_today
from app.kit.written_rows import WrittenRows
from app.reports import router, service
from app.reports.params import ZoneSelection
from app.reports.service import history_points
from bench.best_sql import floors
from bench.generate import generate
from bench.servers import fresh_database, peak_memory_mb, server

AS_OF = date(2024, 6, 24)
HISTORY = (date(2023, 7, 1), date(2024, 6, 30))
# The floor sends rows, not compressed bytes: the service is asked the same (identity); what
# gzip adds for the callers that ask for it is printed on lines of its own.
IDENTITY = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip"}
REPORTS: dict[str, str] = {
    "occupancy": f"/api/v1/reports/occupancy?as_of={AS_OF}",
    "occupancy/history": (
        f"/api/v1/reports/occupancy/history?from={HISTORY[0]}&to={HISTORY[1]}&interval=month"
    ),
    "clearance": f"/api/v1/reports/clearance?as_of={AS_OF}",
    "investment": f"/api/v1/reports/investment?as_of={AS_OF}",
    "summary": f"/api/v1/reports/summary?as_of={AS_OF}",
}


# The reports whose zones' written rows a worker remembers (app.kit.written_rows): each is
# also asked of a server that remembers none, and made in process remembering none.
ROWS_REMEMBERED = ("occupancy", "clearance")


class Plain:
    """GET over one keep-alive HTTP/1.1 connection (http.client), the body read whole."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        address = urlsplit(base)
        self.connection = http.client.HTTPConnection(address.hostname or "", address.port)
        self.headers = headers

    def get(self, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        """The answer (its body read); an error status raises. A connection the server has
        closed is opened again once: the server ends one left idle for 5 s (uvicorn's
        keep-alive timeout), which the turns of a 10x run can take on a slow machine."""
        try:
            answer = self._ask(path, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()
            answer = self._ask(path, headers)
        if answer.status >= 400:
            raise RuntimeError(f"GET {path}: {answer.status}")
        return answer

    def _ask(self, path: str, headers: dict[str, str] | None) -> http.client.HTTPResponse:
        self.connection.request("GET", path, headers=self.headers | (headers or {}))
        answer = self.connection.getresponse()
        answer.read()
        return answer

    def close(self) -> None:
        self.connection.close()


def in_turns(calls: Sequence[Callable[[], object]], repeat: int) -> list[list[float]]:
    """Each call timed `repeat` times, the calls taking turns (after one warm-up each), so
    that a slow spell of a shared machine falls on all of them."""
    for call in calls:
        call()
    samples: list[list[float]] = [[] for _ in calls]
    for _ in range(repeat):
        for call, taken in zip(calls, samples, strict=True):
            started = time.perf_counter()
            call()
            taken.append((time.perf_counter() - started) * 1000)
    return samples


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    """One call timed `repeat` times (after one warm-up)."""
    return in_turns([call], repeat)[0]


def route_bodies(engine: Engine, day: date) -> dict[str, Callable[[], bytes]]:
    """Each report's JSON answer made in this process by its route's own function, in a read
    session of its own as a request's (the ETag given, as its dependency would)."""
    factory = make_read_sessionmaker(engine)
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    service.remember_rows(settings.row_cache_mb * 1_048_576)  # as create_app does
    selection = ZoneSelection(today=local_today(settings))
    tag = 'W/"bench"'

    def body(route: Callable[..., Response], *args: object) -> Callable[[], bytes]:
        def made() -> bytes:
            with new_session(factory, guarded=True) as session:
                return bytes(route(session, tag, *args).body)

        return made

    return {
        "occupancy": body(router.occupancy_report, day, selection),
        "occupancy/history": body(router.occupancy_history, day, selection, *HISTORY),
        "clearance": body(router.clearance_report, settings, day, selection),
        "investment": body(router.investment_report, day, selection),
        "summary": body(router.summary_report, settings, day, selection),
    }


def rows_afresh(made: Callable[[], bytes]) -> Callable[[], bytes]:
    """A route body that remembers no written row (app.kit.written_rows): every zone of the
    occupancy and clearance reports written afresh, as a server with OCCUPANCY_ROW_CACHE_MB=0
    does."""
    none_kept = WrittenRows(0)

    def afresh() -> bytes:
        kept = service.ZONE_ROWS, service.CLEARANCE_ROWS
        service.ZONE_ROWS = service.CLEARANCE_ROWS = none_kept
        try:
            return made()
        finally:
            service.ZONE_ROWS, service.CLEARANCE_ROWS = kept

    return afresh


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
    print(
        f"{'request':<22}{'best SQL':>10}{'in process':>12}{'http median':>13}{'http p95':>10}"
        f"{'ratio':>8}{'in process':>12}"
    )
    points = history_points(*HISTORY, "month")
    # Every report computed for every request: no answer kept (app.kit.answers). The
    # ROWS_REMEMBERED reports are asked of a second server too, which remembers no written row.
    computing = {"OCCUPANCY_ANSWER_CACHE_MB": "0"}
    afresh = computing | {"OCCUPANCY_ROW_CACHE_MB": "0"}
    with (
        server(url, 1, workdir / f"server-{backend}-{scale}.log", env=computing) as base,
        server(url, 1, workdir / f"afresh-{backend}-{scale}.log", env=afresh) as afresh_base,
        engine.connect() as connection,
    ):
        floor = floors(connection, AS_OF, points)
        bodies = route_bodies(engine, AS_OF)
        freeze_startup_objects()  # as a worker does once started (main() did the rest)
        with (
            closing(Plain(base, IDENTITY)) as http,
            closing(Plain(afresh_base, IDENTITY)) as afresh_http,
        ):
            for name, path in REPORTS.items():

                def ask(path: str = path, http: Plain = http) -> object:
                    return http.get(path)

                calls = [floor[name], bodies[name], ask]
                if name in ROWS_REMEMBERED:
                    calls += [rows_afresh(bodies[name]), partial(ask, http=afresh_http)]
                best, *taken = in_turns(calls, repeat)
                floor_ms = statistics.median(best)
                for label, (inside, samples) in zip(
                    (name, f"{name}, rows afresh"),
                    (taken[i : i + 2] for i in range(0, len(taken), 2)),
                    strict=False,
                ):
                    inside_ms, median = statistics.median(inside), statistics.median(samples)
                    print(
                        f"{label:<22}{floor_ms:>8.1f}ms{inside_ms:>10.1f}ms{median:>11.1f}ms"
                        f"{p95(samples):>8.1f}ms{median / floor_ms:>8.2f}"
                        f"{inside_ms / floor_ms:>12.2f}"
                    )
            history, one = in_turns(
                [
                    lambda: http.get(REPORTS["occupancy/history"]),
                    lambda: http.get(REPORTS["occupancy"]),
                ],
                repeat,
            )
            ratio = statistics.median(history) / statistics.median(one)
            print(f"{'history / one report':<22}{ratio:>53.2f}")
            samples = timed(lambda: http.get(REPORTS["occupancy"], headers=GZIP), repeat)
            print(f"{'occupancy, gzip':<22}{'':>22}{statistics.median(samples):>11.1f}ms")
            zone_id = counts["zones"] // 2
            samples = timed(lambda: http.get(f"/api/v1/zones/{zone_id}"), repeat * 5)
            print(
                f"{'single zone, computed':<22}{'':>22}{statistics.median(samples):>11.2f}ms"
                f"{p95(samples):>8.2f}ms"
            )
            etag = http.get(REPORTS["occupancy"]).headers["ETag"]
            samples = timed(
                lambda: http.get(REPORTS["occupancy"], headers={"If-None-Match": etag}),
                repeat * 5,
            )
            print(f"{'occupancy, 304':<22}{'':>22}{statistics.median(samples):>11.2f}ms")
            print(f"{'peak worker memory':<22}{'':>22}{peak_memory_mb(base):>11.0f}MB")
    with server(url, 1, workdir / f"kept-{backend}-{scale}.log") as base:
        with closing(Plain(base, IDENTITY)) as http:
            http.get(REPORTS["occupancy"])
            samples = timed(lambda: http.get(REPORTS["occupancy"]), repeat * 5)
            print(f"{'occupancy, kept':<22}{'':>22}{statistics.median(samples):>11.2f}ms")
            samples = timed(lambda: http.get(REPORTS["occupancy"], headers=GZIP), repeat * 5)
            print(f"{'occupancy, kept, gzip':<22}{'':>22}{statistics.median(samples):>11.2f}ms")
            zone = f"/api/v1/zones/{counts['zones'] // 2}"
            samples = timed(lambda: http.get(zone), repeat * 5)
            print(
                f"{'single zone, kept':<22}{'':>22}{statistics.median(samples):>11.2f}ms"
                f"{p95(samples):>8.2f}ms"
            )
    engine.dispose()


def pin(cpu: int | None) -> int | None:
    """Holds this process, and so the server it starts (a child inherits it), to one CPU. The
    floor and the in-process column are timed here, the service in the server, and each of a
    shared machine's CPUs has slow spells of its own: the same Python loop, run on CPU 0 and
    CPU 1 in turns, took 12-15 ms on one while 23-25 on the other, for a second or so at a
    time, with no steal time counted. On two CPUs, the ratio of the service to its floor
    had moved by half either way from one run to the next (the clearance report 0.88x and
    1.76x its own route body). The PostgreSQL server is not held: it does the same work for
    the floor as for the service."""
    if cpu == -1:
        return None
    chosen = max(os.sched_getaffinity(0)) if cpu is None else cpu
    os.sched_setaffinity(0, {chosen})
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description="Report latency at national scale and 10x.")
    parser.add_argument("--scales", default="1,10", help="comma-separated scales (default 1,10)")
    parser.add_argument("--repeat", type=int, default=15, help="requests per report (default 15)")
    parser.add_argument("--postgres", help="PostgreSQL admin URL; scratch databases are made there")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--cpu",
        type=int,
        help="the one CPU the benchmark and its server run on (default: the last this process"
        " may use; -1: no pinning)",
    )
    args = parser.parse_args()
    cpu = pin(args.cpu)
    # This process runs under a worker's memory settings (app.kit.memory), the floor and the
    # in-process column alike: with Python's and glibc's own, the history's route body at 10x
    # had taken 18-27 % longer here than the whole request to the server.
    tune_malloc()
    collect_young_less_often()
    scales = [int(s) for s in args.scales.split(",")]
    backends = ([] if args.skip_sqlite else [("sqlite", None)]) + (
        [("postgresql", args.postgres)] if args.postgres else []
    )
    print(
        f"# occupancy benchmark: {args.repeat} requests per report, 1 server worker, as of {AS_OF}"
        + ("" if cpu is None else f", on CPU {cpu}")
    )
    with tempfile.TemporaryDirectory() as tmp:
        for backend, admin_url in backends:
            for scale in scales:
                with fresh_database(admin_url, Path(tmp)) as url:
                    bench_one(backend, url, scale, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
