"""Throughput side by side, in one run, with wrk: the service against its floor (a bare ASGI
app returning the same bytes under the same server) and against Datasette serving the same
SQLite file.

It builds one SQLite database at national scale (bench.generate), then for each contender
and each number of connections (1, 16, 64) runs wrk for `--seconds` and prints requests per
second and latency percentiles, in rounds (every contender once per round, `--rounds`
rounds) so that a drift of the machine's speed touches them all alike; the table shows the
median over the rounds and the ratio to Datasette.

Requests: one zone (GET /api/v1/zones/{id}; Datasette's row JSON) and the occupancy report
(GET /api/v1/reports/occupancy; Datasette running the same totals as a canned query). Both
are measured computed for every request (a service started with no answer kept,
OCCUPANCY_ANSWER_CACHE_MB=0) and kept (the service as it runs: the answer computed once and
sent again while the data version is unchanged, app.kit.kept); the report also as 304
(If-None-Match).

    make bench-throughput          # needs wrk (Debian package) and Datasette (pip)

Figures only: nothing here passes or fails.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.servers import free_port, server

AS_OF = "2024-06-24"
OCCUPANCY = f"/api/v1/reports/occupancy?as_of={AS_OF}"
CONNECTIONS = (1, 16, 64)

# The occupancy totals the service reports (established zones, per kind), as one statement.
CANNED_OCCUPANCY = textwrap.dedent(
    """
    SELECT z.kind, count(*) AS zones,
           sum(s.industrial_land_ha) AS industrial_m2,
           sum(coalesce(h.leased_industrial, 0)) AS leased_industrial_m2
    FROM zones z JOIN zone_states s ON s.zone_id = z.id
      AND (s.valid_from IS NULL OR s.valid_from <= :as_of)
      AND (s.valid_to IS NULL OR s.valid_to > :as_of)
    LEFT JOIN (
        SELECT zone_id, sum(CASE WHEN land_use = 'industrial' THEN leased_ha ELSE 0 END)
               AS leased_industrial
        FROM projects
        WHERE lease_start <= :as_of AND (lease_end IS NULL OR lease_end > :as_of)
          AND (terminated_on IS NULL OR terminated_on > :as_of)
        GROUP BY zone_id) h ON h.zone_id = z.id
    WHERE s.status IN ('under_construction', 'operating', 'suspended')
    GROUP BY z.kind
    """
)

BARE_APP = textwrap.dedent(
    """
    import os
    BODY = open(os.environ["BARE_BODY"], "rb").read()
    HEADERS = [(b"content-type", b"application/json"),
               (b"content-length", str(len(BODY)).encode())]

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        await send({"type": "http.response.body", "body": BODY})
    """
)


def wrk(
    url: str, connections: int, seconds: int, headers: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """(requests per second, p50 ms, p99 ms) of a wrk run; (0, inf, inf) when nothing came back."""
    threads = min(connections, 2)
    extra = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "15s",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)

    def ms(match: re.Match[str] | None) -> float:
        if match is None:
            return float("inf")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return (float(rate.group(1)) if rate else 0.0), ms(p50), ms(p99)


@contextmanager
def process(command: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[None]:
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wait_for(url: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description="Requests per second against the floors.")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--datasette",
        default=".venv-datasette/bin/datasette",
        help="Datasette in an environment of its own (make bench-throughput makes it)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian package wrk)")
    datasette = Path(args.datasette).resolve()
    if not datasette.exists():
        sys.exit(f"Datasette is not at {datasette} (make bench-throughput installs it)")

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "bench.db"
        url = f"sqlite:///{db}"
        subprocess.run(
            [sys.executable, "-m", "bench.generate", "--url", url, "--scale", str(args.scale)],
            check=True,
        )
        zone_id = 1000 * args.scale
        metadata = tmp / "metadata.json"
        metadata.write_text(
            json.dumps(
                {"databases": {"bench": {"queries": {"occupancy": {"sql": CANNED_OCCUPANCY}}}}}
            )
        )
        results: dict[tuple[str, str, int], list[tuple[float, float, float]]] = defaultdict(list)
        # The report computed for every request (no answer kept), beside the service as it
        # runs, which sends an answer it computed before while the data version is unchanged.
        computing = {"OCCUPANCY_ANSWER_CACHE_MB": "0"}
        with (
            server(url, 1, tmp / "service-1.log") as one,
            server(url, 2, tmp / "service-2.log") as two,
            server(url, 1, tmp / "computing-1.log", env=computing) as one_computing,
            server(url, 2, tmp / "computing-2.log", env=computing) as two_computing,
        ):
            body = httpx.get(f"{one}/api/v1/zones/{zone_id}").content
            (tmp / "body.json").write_bytes(body)
            (tmp / "bare.py").write_text(BARE_APP)
            bare_port, ds_port = free_port(), free_port()
            # The floor runs under the same server as the service (app.kit.serve).
            bare_cmd = [
                sys.executable,
                "-c",
                "from app.kit.serve import serve; "
                f"serve(host='127.0.0.1', port={bare_port}, workers=2, log_level='warning', "
                "app='bare:app')",
            ]
            ds_cmd = [
                str(datasette),
                "serve",
                str(db),
                "--port",
                str(ds_port),
                "--metadata",
                str(metadata),
                "--setting",
                "sql_time_limit_ms",
                "20000",
            ]
            path = os.pathsep.join(filter(None, [str(tmp), os.environ.get("PYTHONPATH")]))
            env = os.environ | {"BARE_BODY": str(tmp / "body.json"), "PYTHONPATH": path}
            with (
                process(bare_cmd, tmp / "bare.log", env),
                process(ds_cmd, tmp / "datasette.log"),
            ):
                bare = f"http://127.0.0.1:{bare_port}"
                ds = f"http://127.0.0.1:{ds_port}"
                wait_for(f"{bare}/")
                wait_for(f"{ds}/bench.json")
                targets = {
                    "one zone": {
                        "bare ASGI (2 workers)": f"{bare}/",
                        "Datasette": f"{ds}/bench/zones/{zone_id}.json",
                        "computed, 1 worker": f"{one_computing}/api/v1/zones/{zone_id}",
                        "computed, 2 workers": f"{two_computing}/api/v1/zones/{zone_id}",
                        "kept, 1 worker": f"{one}/api/v1/zones/{zone_id}",
                        "kept, 2 workers": f"{two}/api/v1/zones/{zone_id}",
                    },
                    "occupancy report": {
                        "Datasette": f"{ds}/bench/occupancy.json?as_of={AS_OF}",
                        "computed, 1 worker": f"{one_computing}{OCCUPANCY}",
                        "computed, 2 workers": f"{two_computing}{OCCUPANCY}",
                        "kept, 1 worker": f"{one}{OCCUPANCY}",
                        "kept, 2 workers": f"{two}{OCCUPANCY}",
                        "304, 2 workers": f"{two}{OCCUPANCY}",
                    },
                }
                etag = httpx.get(f"{two}{OCCUPANCY}", timeout=60).headers["etag"]
                conditional = {"304, 2 workers": {"If-None-Match": etag}}
                for _ in range(args.rounds):
                    for request, contenders in targets.items():
                        for connections in CONNECTIONS:
                            for name, target in contenders.items():
                                results[(request, name, connections)].append(
                                    wrk(target, connections, args.seconds, conditional.get(name))
                                )
        print(
            f"\n# throughput, scale {args.scale}: wrk {args.seconds} s per cell, median of "
            f"{args.rounds} rounds (req/s; p50 and p99 latency in ms; ratio to Datasette)"
        )
        for request, contenders in targets.items():
            print(f"\n## {request}")
            print(f"{'contender':<24}" + "".join(f"{c:>28}" for c in CONNECTIONS))
            for name in contenders:
                cells = []
                for connections in CONNECTIONS:
                    runs = results[(request, name, connections)]
                    rate = statistics.median(r[0] for r in runs)
                    p50 = statistics.median(r[1] for r in runs)
                    p99 = statistics.median(r[2] for r in runs)
                    ds_rate = statistics.median(
                        r[0] for r in results[(request, "Datasette", connections)]
                    )
                    ratio = f"{rate / ds_rate:.2f}x" if ds_rate else "-"
                    cells.append(f"{rate:>8.0f} {p50:>6.1f}/{p99:>7.1f} {ratio:>5}")
                print(f"{name:<24}" + "".join(f"{cell:>28}" for cell in cells))


if __name__ == "__main__":
    main()
