"""Benchmark: importing spreadsheets with `occupancy import`, beside the floor.

On a fresh database (SQLite, or PostgreSQL with --postgres) it imports a register of 2,000
zones, then 10,000, 20,000 and 40,000 projects (20 per zone at the full size) from XLSX
workbooks as staff send them, each first as a dry run and then for real, every run in a
fresh `occupancy import` process. For each it prints the wall time and the process's peak
memory (from wait4), and beside them the floor: the same rows inserted by hand-written SQL
through the bare driver (one executemany, no checks, no audit). The growth of peak memory
between the sizes, divided by the rows added, is the memory each row costs.

    make bench-imports
    make bench-imports BENCH_ARGS="--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test"

Figures only: nothing here passes or fails.
"""

import argparse
import os
import random
import subprocess
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import text

from app.kit import migrate
from app.kit.db import make_engine
from app.sheets.layout import PROJECT_COLUMNS, ZONE_COLUMNS
from bench.servers import OCCUPANCY, fresh_database

ZONES = 2000
SIZES = (10_000, 20_000, 40_000)


def workbook(path: Path, header: list[str], rows: list[list[object]]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def zone_rows() -> list[list[object]]:
    return [
        [
            f"KCN-B{n:04d}",
            f"Khu công nghiệp {n}",
            "park" if n % 3 else "cluster",
            "Phú Thọ",
            None,
            "operating",
            date(2015, 1, 1),
            None,
            None,
            # Land enough for the three sizes together (70,000 leases of 0.1-19 ha).
            2000,
            1500,
            20,
            2000,
            None,
            None,
            None,
        ]
        for n in range(ZONES)
    ]


def project_rows(count: int, seed: int) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = []
    for n in range(count):
        start = date(2016, 1, 1) + timedelta(days=rng.randrange(3000))
        rows.append(
            [
                None,
                f"KCN-B{n % ZONES:04d}",
                f"IRC-{seed}-{n:06d}",
                f"Nhà máy {n}",
                f"Công ty TNHH Đầu tư {n}",
                rng.choice(["VN", "VN", "KR", "JP", "CN"]),
                "1410",
                None,
                None,
                "industrial",
                float(Decimal(rng.randrange(1, 190)) / 10),
                start,
                start + timedelta(days=365 * 50),
                "operating",
                rng.randrange(20, 900),
                None,
            ]
        )
    return rows


def run_import(url: str, path: Path, entity: str, *, dry_run: bool) -> tuple[float, float, str]:
    """(seconds, peak MB, last line of output) of one `occupancy import` process."""
    env = os.environ | {"OCCUPANCY_DATABASE_URL": url}
    args = [OCCUPANCY, "import", str(path), "--entity", entity, *(["--dry-run"] if dry_run else [])]
    began = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    out = process.stdout.read().decode() if process.stdout else ""
    err = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"import failed: {err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, out.strip().splitlines()[-1]


def floor(url: str, rows: list[list[object]], zone_ids: dict[str, int]) -> float:
    """The same projects inserted by one executemany through the bare driver: no checks, no
    audit, rolled back afterwards."""
    engine = make_engine(url)
    names = [c.name for c in PROJECT_COLUMNS if c.name not in ("id", "zone_code", "terminated_on")]
    params = []
    for row in rows:
        values = dict(zip([c.name for c in PROJECT_COLUMNS], row, strict=True))
        record = {name: values[name] for name in names}
        record["leased_ha"] = int(Decimal(str(values["leased_ha"])) * 10000)
        record["zone_id"] = zone_ids[str(values["zone_code"])]
        record["search_text"] = f"{values['name']}\n{values['investor']}".lower()
        params.append(record)
    columns = [*names, "zone_id", "search_text", "created_at", "updated_at"]
    placeholders = ", ".join(["?"] * len(columns))
    sql = f"INSERT INTO projects ({', '.join(columns)}) VALUES ({placeholders})"
    try:
        with engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            now = "2026-01-01 00:00:00+00:00"
            tuples = [tuple(p[c] for c in columns[:-2]) + (now, now) for p in params]
            cursor = raw.cursor()
            if engine.dialect.name == "postgresql":
                sql = sql.replace("?", "%s")
            else:
                cursor.execute("BEGIN")
            began = time.perf_counter()
            cursor.executemany(sql, tuples)
            seconds = time.perf_counter() - began
            raw.rollback()
            return seconds
    finally:
        engine.dispose()


def bench(name: str, postgres: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(postgres, Path(tmp)) as url:
        workdir = Path(tmp)
        migrate.upgrade(url)
        zones = workdir / "zones.xlsx"
        workbook(zones, [c.name for c in ZONE_COLUMNS], zone_rows())
        print(f"\n== {name}: {ZONES} zones, then projects (20 per zone at 40,000)")
        print(
            f"{'file':<24}{'rows':>8}{'dry run s':>11}{'import s':>10}{'peak MB':>9}"
            f"{'floor s':>9}{'ratio':>7}"
        )
        dry, _, _ = run_import(url, zones, "zones", dry_run=True)
        real, peak, _ = run_import(url, zones, "zones", dry_run=False)
        print(f"{'zones.xlsx':<24}{ZONES:>8}{dry:>11.2f}{real:>10.2f}{peak:>9.0f}{'':>9}{'':>7}")
        engine = make_engine(url)
        with engine.connect() as connection:
            found = connection.execute(text("SELECT code, id FROM zones"))
            zone_ids = {code: zone_id for code, zone_id in found}
        engine.dispose()
        peaks = []
        for seed, size in enumerate(SIZES, start=1):
            rows = project_rows(size, seed)
            path = workdir / f"projects-{size}.xlsx"
            workbook(path, [c.name for c in PROJECT_COLUMNS], rows)
            least = floor(url, rows, zone_ids)
            dry, dry_peak, _ = run_import(url, path, "projects", dry_run=True)
            real, peak, line = run_import(url, path, "projects", dry_run=False)
            peaks.append((size, max(peak, dry_peak)))
            megabytes = path.stat().st_size / 1e6
            label = f"projects-{size}.xlsx ({megabytes:.1f} MB)"
            print(
                f"{label:<24}{size:>8}{dry:>11.2f}{real:>10.2f}{peak:>9.0f}{least:>9.2f}"
                f"{real / least:>6.0f}x"
            )
        (small, low), (large, high) = peaks[0], peaks[-1]
        per_row = (high - low) * 1024 / (large - small)
        print(f"peak memory grows {per_row:.1f} KB per row from {small} to {large} rows")
        print(f"last import: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="PostgreSQL admin URL; a scratch database is made there")
    args = parser.parse_args()
    bench("SQLite", None)
    if args.postgres:
        bench("PostgreSQL", args.postgres)
    print(f"\nload average: {os.getloadavg()[0]:.2f} (2 cores)")


if __name__ == "__main__":
    main()
