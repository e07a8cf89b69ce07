"""The dashboard in a real browser: how long until the demo's figures are on screen, and how
many bytes the page costs.

It loads the demo data set into a fresh database (SQLite; PostgreSQL with --postgres), starts
`occupancy serve` (one worker, as `make run` does) and opens the dashboard in headless
Chromium (Debian's /usr/bin/chromium, driven by Playwright) `--runs` times, each in a fresh
browser context (an empty cache, as a first visit). The first visit after the server starts is
reported apart (it also pays for the server's first compression of each file). For each visit
it reads the page's own timeline (the Navigation and Resource Timing entries and the marks the
page sets):

- rendered: from the start of navigation to the `dashboard-rendered` mark (headline figures,
  plan, map and charts drawn);
- ready: to `dashboard-ready` (the alerts, the last answer, drawn too);
- transfer: the bytes received (`transferSize`: headers and compressed bodies), for the page,
  its files and its API answers, and what the same bodies weigh uncompressed.

    make bench-dashboard
    make bench-dashboard BENCH_ARGS="--runs 9 --path '/?as_of=2024-06-24'"

Figures only: nothing here passes or fails. The machine's load average is printed beside them.
"""

import argparse
import os
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from bench.servers import OCCUPANCY, fresh_database, server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMELINE = """() => {
  const navigation = performance.getEntriesByType('navigation')[0];
  const mark = (name) => performance.getEntriesByName(name)[0].startTime;
  const resources = performance.getEntriesByType('resource').map((entry) => ({
    kind: entry.name.includes('/api/') ? 'api' : 'files',
    transfer: entry.transferSize, encoded: entry.encodedBodySize, decoded: entry.decodedBodySize,
  }));
  resources.push({kind: 'page', transfer: navigation.transferSize,
                  encoded: navigation.encodedBodySize, decoded: navigation.decodedBodySize});
  return {rendered: mark('dashboard-rendered'), ready: mark('dashboard-ready'),
          requests: resources.length, resources};
}"""


def load_demo(url: str) -> None:
    env = os.environ | {"OCCUPANCY_DATABASE_URL": url}
    for command in (["migrate"], ["demo"]):
        subprocess.run([OCCUPANCY, *command], env=env, check=True, capture_output=True)


def visit(browser: Any, address: str) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(address)
        page.wait_for_selector("body[data-state=ready]", timeout=60_000)
        timeline: dict[str, Any] = page.evaluate(TIMELINE)
        return timeline
    finally:
        context.close()


def kilobytes(resources: list[dict[str, Any]], kind: str | None, field: str) -> float:
    total: float = sum(r[field] for r in resources if kind is None or r["kind"] == kind)
    return total / 1024


def report(label: str, visits: list[dict[str, Any]]) -> None:
    rendered = [v["rendered"] for v in visits]
    ready = [v["ready"] for v in visits]
    if len(visits) == 1:
        print(f"{label:<28} rendered {rendered[0]:7.0f} ms   ready {ready[0]:7.0f} ms")
        return
    print(
        f"{label:<28} rendered median {statistics.median(rendered):5.0f} ms "
        f"(min {min(rendered):.0f}, max {max(rendered):.0f})   "
        f"ready median {statistics.median(ready):5.0f} ms (max {max(ready):.0f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="visits after the first (default 7)")
    parser.add_argument("--path", default="/", help="the page to open (default: /)")
    parser.add_argument("--postgres", help="a PostgreSQL URL to create the database on")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as scratch,
        fresh_database(args.postgres, Path(scratch)) as url,
    ):
        load_demo(url)
        with server(url, 1, Path(scratch) / "server.log") as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                first = visit(browser, base + args.path)
                later = [visit(browser, base + args.path) for _ in range(args.runs)]
            finally:
                browser.close()
    database = "postgresql" if args.postgres else "sqlite"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# dashboard {args.path} on {database}, 1 server worker; load average {load}")
    report("first visit (cold server)", [first])
    report(f"next {args.runs} visits (empty cache)", later)
    resources = first["resources"]
    print(f"requests per visit: {first['requests']}")
    print("transfer per visit (KB)       received   bodies as sent   bodies unpacked")
    for kind, name in (("page", "page"), ("files", "scripts and styles"), ("api", "API answers")):
        print(
            f"  {name:<28}{kilobytes(resources, kind, 'transfer'):9.1f}"
            f"{kilobytes(resources, kind, 'encoded'):17.1f}"
            f"{kilobytes(resources, kind, 'decoded'):18.1f}"
        )
    print(
        f"  {'total':<28}{kilobytes(resources, None, 'transfer'):9.1f}"
        f"{kilobytes(resources, None, 'encoded'):17.1f}"
        f"{kilobytes(resources, None, 'decoded'):18.1f}"
    )


if __name__ == "__main__":
    main()
