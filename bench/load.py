"""Load: a burst of writes, and sequential reads on one keep-alive connection, against a real
multi-worker server.

For each database (SQLite; PostgreSQL with --postgres) and each worker count (1, 2, 4) it
starts `occupancy serve` on a fresh database holding one zone with room for every lease, then:

- burst: `--requests` POST /api/v1/projects (0.0001 ha each) with `--in-flight` at once, once
  without and once with an Idempotency-Key on each request; it prints the answers by status,
  transport failures (dropped connections, timeouts), the slowest answer, whether every 503 and
  409 carried Retry-After, and whether the rows stored match the 201s exactly;
- keep-alive: 50 GET /api/v1/zones/{id} one after another on one connection, median ms;
- write cost against zone fill: one lease registration after another (one worker) into a
  zone that already holds 0, 2,500 and 10,000 leases (written straight to the database,
  starting over 2000-2030, some expiring, some terminated), median ms each.

    make bench-load
    make bench-load BENCH_ARGS="--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test"

Figures only: nothing here passes or fails (tests/test_load.py asserts a smaller burst).
"""

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, text

from app.kit.db import make_engine
from app.models import Project
from bench.servers import OCCUPANCY, fresh_database, server

ZONE = {
    "code": "KCN-LOAD",
    "name": "Load test park",
    "kind": "park",
    "province": "Phú Thọ",
    "status": "operating",
    "total_area_ha": 1000,
    "industrial_land_ha": 900,
}


@dataclass
class Burst:
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    slowest_s: float = 0.0
    missing_retry_after: int = 0
    created: int = 0

    def line(self) -> str:
        answers = ", ".join(f"{n}×{code}" for code, n in sorted(self.statuses.items()))
        dropped = ", ".join(f"{n}×{kind}" for kind, n in sorted(self.failures.items())) or "none"
        return f"{answers}; failed: {dropped}; slowest {self.slowest_s:.2f} s"


async def burst(
    base: str, headers: dict[str, str], zone_id: int, requests: int, in_flight: int, keyed: bool
) -> Burst:
    result = Burst()
    gate = asyncio.Semaphore(in_flight)
    limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60, limits=limits) as http:

        async def one(n: int) -> None:
            body = {
                "zone_id": zone_id,
                "name": f"Load {n}",
                "investor": "Load test",
                "investor_country": "VN",
                "leased_ha": 0.0001,
                "lease_start": "2024-01-01",
            }
            extra = {"Idempotency-Key": uuid.uuid4().hex} if keyed else {}
            async with gate:
                started = time.perf_counter()
                try:
                    response = await http.post("/api/v1/projects", json=body, headers=extra)
                except httpx.TimeoutException:
                    result.failures["timeout"] += 1
                    return
                except httpx.TransportError as exc:
                    result.failures[type(exc).__name__] += 1
                    return
                finally:
                    result.slowest_s = max(result.slowest_s, time.perf_counter() - started)
            result.statuses[response.status_code] += 1
            if response.status_code in (409, 503) and "retry-after" not in response.headers:
                result.missing_retry_after += 1

        await asyncio.gather(*(one(n) for n in range(requests)))
    return result


def keepalive_ms(base: str, zone_id: int, reads: int = 50) -> float:
    samples = []
    with httpx.Client(base_url=base, timeout=30) as http:
        http.get(f"/api/v1/zones/{zone_id}").raise_for_status()  # the connection is open
        for _ in range(reads):
            started = time.perf_counter()
            http.get(f"/api/v1/zones/{zone_id}").raise_for_status()
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def sequential_writes_ms(base: str, headers: dict[str, str], zone_id: int, writes: int) -> float:
    """Median time of one lease registration, one after another on one connection."""
    return statistics.median(sequential_writes(base, headers, zone_id, writes))


def sequential_writes(base: str, headers: dict[str, str], zone_id: int, writes: int) -> list[float]:
    """The time of each lease registration (ms), one after another on one connection."""
    samples = []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        for n in range(writes):
            body = {
                "zone_id": zone_id,
                "name": f"Sequential {n}",
                "investor": "Load test",
                "investor_country": "VN",
                "leased_ha": 0.0001,
                "lease_start": "2024-01-01",
            }
            started = time.perf_counter()
            http.post("/api/v1/projects", json=body).raise_for_status()
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def durability_cost(args: argparse.Namespace, tmp: Path) -> None:
    """What synchronous=FULL (the default) costs a write on SQLite, against NORMAL."""
    for mode in ("FULL", "NORMAL"):
        with fresh_database(None, tmp) as url:
            headers = prepare(url)
            env = {"OCCUPANCY_SQLITE_SYNCHRONOUS": mode}
            with server(url, 1, tmp / f"durability-{mode}.log", env) as base:
                zone = httpx.post(f"{base}/api/v1/zones", json=ZONE, headers=headers, timeout=30)
                zone.raise_for_status()
                median = sequential_writes_ms(base, headers, zone.json()["id"], args.writes)
                print(
                    f"sqlite       1 worker   synchronous={mode:<7} one write: {median:.2f} ms median of {args.writes}"
                )


FILLS = (0, 2_500, 10_000)


def fill(url: str, zone_id: int, leases: int) -> None:
    """`leases` leases of 0.01 ha in the zone: starts spread over 2000-2030, a third with an
    expiry, a third terminated, as a zone's long history has them."""
    rng, now, first = random.Random(leases), datetime.now(UTC), date(2000, 1, 1)
    rows = []
    for n in range(leases):
        start = first + timedelta(days=rng.randrange(30 * 365))
        rows.append(
            {
                "zone_id": zone_id,
                "name": f"Fill {n}",
                "investor": "Fill",
                "investor_country": "VN",
                "land_use": "industrial",
                "leased_ha": Decimal("0.01"),
                "lease_start": start,
                "lease_end": start + timedelta(days=rng.randrange(1, 20 * 365))
                if n % 3 == 1
                else None,
                "terminated_on": start + timedelta(days=rng.randrange(10 * 365))
                if n % 3 == 2
                else None,
                "status": "operating",
                "search_text": f"fill {n}",
                "created_at": now,
                "updated_at": now,
            }
        )
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            if rows:
                connection.execute(insert(Project), rows)
    finally:
        engine.dispose()


def write_cost(backend: str, admin_url: str | None, args: argparse.Namespace, tmp: Path) -> None:
    """One lease write's median time against the number of leases its zone already holds."""
    with fresh_database(admin_url, tmp) as url:
        headers = prepare(url)
        with server(url, 1, tmp / f"fill-{backend}.log") as base:
            for leases in FILLS:
                body = ZONE | {"code": f"KCN-FILL-{leases}", "name": f"Zone holding {leases}"}
                zone = httpx.post(f"{base}/api/v1/zones", json=body, headers=headers, timeout=30)
                zone.raise_for_status()
                fill(url, zone.json()["id"], leases)
                first, *rest = sequential_writes(base, headers, zone.json()["id"], args.writes + 1)
                print(
                    f"{backend:<11}  1 worker   zone holding {leases:>6} leases, one write: "
                    f"{statistics.median(rest):.2f} ms median of {args.writes} "
                    f"(the first after the fill: {first:.2f} ms)"
                )


def stored_projects(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM projects")).scalar_one())
    finally:
        engine.dispose()


def prepare(url: str) -> dict[str, str]:
    """Migrate and make an editor key through the service's own command line only, so the
    benchmark runs unchanged against any version of the service."""
    env = os.environ | {"OCCUPANCY_DATABASE_URL": url}
    subprocess.run([OCCUPANCY, "migrate"], env=env, check=True, capture_output=True)
    made = subprocess.run(
        [OCCUPANCY, "keys", "create", "--name", "load-editor", "--role", "editor"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return {"Authorization": f"Bearer {made.stdout.split()[-1]}"}


def run_one(backend: str, url: str, workers: int, args: argparse.Namespace, tmp: Path) -> None:
    headers = prepare(url)
    with server(url, workers, tmp / f"load-{backend}-{workers}.log") as base:
        zone = httpx.post(f"{base}/api/v1/zones", json=ZONE, headers=headers, timeout=30)
        zone.raise_for_status()
        zone_id = zone.json()["id"]
        created = 0
        for keyed in (False, True):
            before = stored_projects(url)
            result = asyncio.run(
                burst(base, headers, zone_id, args.requests, args.in_flight, keyed)
            )
            stored = stored_projects(url) - before
            created += result.statuses[201]
            exact = "stored = 201s" if stored == result.statuses[201] else f"STORED {stored}"
            retry = (
                ""
                if not result.missing_retry_after
                else (f"; {result.missing_retry_after} without Retry-After")
            )
            label = "with key" if keyed else "no key"
            print(
                f"{backend:<11}{workers:>3} workers  burst {label:<9} {result.line()}; {exact}{retry}"
            )
        try:
            keepalive = f"{keepalive_ms(base, zone_id):.2f} ms median of 50"
        except httpx.HTTPError as exc:
            keepalive = f"no answer ({type(exc).__name__}): the server stalled"
        print(f"{backend:<11}{workers:>3} workers  keep-alive read: {keepalive}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Write bursts and keep-alive latency.")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--in-flight", type=int, default=100)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--postgres", help="PostgreSQL admin URL; scratch databases are made there")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--writes", type=int, default=100, help="sequential writes per mode")
    parser.add_argument(
        "--write-cost-only", action="store_true", help="only the write cost against zone fill"
    )
    args = parser.parse_args()
    backends = ([] if args.skip_sqlite else [("sqlite", None)]) + (
        [("postgresql", args.postgres)] if args.postgres else []
    )
    print(
        f"# load: {args.requests} POST /api/v1/projects, {args.in_flight} in flight; "
        "50 sequential keep-alive reads"
    )
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_sqlite and not args.write_cost_only:
            durability_cost(args, Path(tmp))
        for backend, admin_url in backends:
            write_cost(backend, admin_url, args, Path(tmp))
        if args.write_cost_only:
            return
        for backend, admin_url in backends:
            for workers in (int(w) for w in args.workers.split(",")):
                with fresh_database(admin_url, Path(tmp)) as url:
                    run_one(backend, url, workers, args, Path(tmp))


if __name__ == "__main__":
    main()
