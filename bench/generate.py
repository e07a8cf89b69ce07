"""Synthetic data at national scale for the benchmark (not the demo: nothing here is real).

Scale 1 is about the size of Vietnam: 2,000 zones, 40,000 investor projects and 10,000
clearance records; scale 10 is ten times that. Rows are bulk-inserted (the services would
take minutes at scale 10); each zone's projects together never exceed its leasable land, so
the capacity invariant holds on every date whatever the lease dates are.

    python -m bench.generate --url sqlite:///bench.db --scale 1
"""

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert

from app.kit import migrate
from app.kit.db import make_engine
from app.kit.text import search_fold, search_key
from app.models import ClearanceRecord, Project, Zone, ZoneRevision, ZoneState

ZONES, PROJECTS, CLEARANCE_RECORDS = 2_000, 40_000, 10_000
PROVINCES = [f"Tỉnh {n:02d}" for n in range(1, 64)]
COUNTRIES = ["VN"] * 6 + ["JP", "KR", "CN", "TW", "SG", "US", "DE", "TH"]
SECTORS = ["10", "13", "14", "22", "25", "26", "27", "29", "32", None]
STATUSES = ["operating"] * 6 + ["under_construction"] * 2 + ["planned", "suspended"]
BATCH = 5_000


def _ha(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days))


def generate(engine: Engine, scale: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    zone_count = ZONES * scale
    zones: list[dict[str, Any]] = []
    revisions: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []
    leasable = []
    for n in range(1, zone_count + 1):
        kind = "park" if rng.random() < 0.4 else "cluster"
        total = _ha(rng.uniform(100, 900) if kind == "park" else rng.uniform(15, 75))
        industrial = _ha(float(total) * rng.uniform(0.6, 0.72))
        service = _ha(float(total) * rng.uniform(0.02, 0.06))
        name = f"{'Khu' if kind == 'park' else 'Cụm'} công nghiệp Mẫu {n}"
        code = f"{'KCN' if kind == 'park' else 'CCN'}-B{n:06d}"
        established = _day(rng, date(2000, 1, 1), date(2020, 1, 1))
        province = rng.choice(PROVINCES)
        varying = {
            "name": name,
            "province": province,
            "locality": None,
            "status": rng.choice(STATUSES),
            "developer": None,
            "total_area_ha": total,
            "industrial_land_ha": industrial,
            "service_land_ha": service,
            "clearance_required_ha": total,
        }
        zones.append(
            {
                "id": n,
                "code": code,
                "kind": kind,
                "established_on": established,
                "latitude": round(rng.uniform(8.6, 23.3), 5),
                "longitude": round(rng.uniform(102.2, 109.4), 5),
                "created_at": now,
                "updated_at": now,
            }
        )
        # One revision per zone (from its establishment) and the one state it folds into.
        revisions.append(
            {
                "zone_id": n,
                "effective_from": established,
                "changes": {k: str(v) if isinstance(v, Decimal) else v for k, v in varying.items()},
                "recorded_at": now,
                "recorded_by": "bench",
            }
        )
        states.append(
            {"zone_id": n, "valid_from": established, "valid_to": None}
            | varying
            | {"search_text": search_key(name, code)}
            | {"province_key": search_fold(province)}
        )
        leasable.append((industrial, service, established))

    projects = []
    per_zone = (PROJECTS * scale) // zone_count
    project_id = 0
    for zone_id, (industrial, service, established) in enumerate(leasable, start=1):
        # Shares of the zone's land that sum to at most 95 %: no date can overfill it.
        weights = [rng.random() for _ in range(per_zone)]
        scale_to = 0.95 / sum(weights)
        for index, weight in enumerate(weights):
            project_id += 1
            land_use = "service" if index % 10 == 9 else "industrial"
            pool = industrial if land_use == "industrial" else service
            # Rounding down keeps every zone's sum within its share.
            area = Decimal(int(float(pool) * weight * scale_to * 100)) / 100
            if area <= 0:
                continue
            # No lease before its zone exists.
            start = max(established, _day(rng, date(2010, 1, 1), date(2026, 1, 1)))
            ended = rng.random() < 0.1
            country = rng.choice(COUNTRIES)
            projects.append(
                {
                    "id": project_id,
                    "zone_id": zone_id,
                    "name": f"Dự án {project_id}",
                    "investor": f"Công ty {project_id}",
                    "investor_country": country,
                    "project_code": None,
                    "sector": rng.choice(SECTORS),
                    "registered_capital": Decimal(rng.randrange(1, 500) * 100_000),
                    "capital_currency": "VND" if country == "VN" else "USD",
                    "land_use": land_use,
                    "leased_ha": area,
                    "lease_start": start,
                    "lease_end": start + timedelta(days=365 * 50),
                    "status": rng.choice(["registered", "under_construction", "operating"]),
                    "employees": rng.randrange(0, 3000),
                    "terminated_on": (
                        start + timedelta(days=rng.randrange(30, 2000)) if ended else None
                    ),
                    "termination_reason": "synthetic" if ended else None,
                    "search_text": f"dự án {project_id}\ncông ty {project_id}",
                    "created_at": now,
                    "updated_at": now,
                }
            )

    records = []
    per_zone_records = max(1, (CLEARANCE_RECORDS * scale) // zone_count)
    for zone in zones:
        cleared = Decimal(0)
        day = max(zone["established_on"], _day(rng, date(2012, 1, 1), date(2016, 1, 1)))
        for _ in range(per_zone_records):
            total = states[zone["id"] - 1]["total_area_ha"]
            step = _ha(float(total) * rng.uniform(0, 0.4))
            cleared = min(total, cleared + step)
            records.append(
                {
                    "zone_id": zone["id"],
                    "recorded_on": day,
                    "cleared_ha": cleared,
                    "households_total": 200,
                    "households_relocated": 100,
                    "compensation_paid_vnd": 10**9,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            day += timedelta(days=rng.randrange(60, 400))

    with engine.begin() as connection:
        tables = (
            (Zone, zones),
            (ZoneRevision, revisions),
            (ZoneState, states),
            (Project, projects),
            (ClearanceRecord, records),
        )
        for model, rows in tables:
            for first in range(0, len(rows), BATCH):
                connection.execute(insert(model), rows[first : first + BATCH])
        if connection.dialect.name == "postgresql":
            # Explicit ids were inserted: move the sequences past them, then refresh statistics.
            for table in ("zones", "projects"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        connection.exec_driver_sql("ANALYZE")
    return {"zones": len(zones), "projects": len(projects), "clearance_records": len(records)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="database URL (migrated here first)")
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    migrate.upgrade(args.url)
    engine = make_engine(args.url)
    started = time.perf_counter()
    counts = generate(engine, args.scale)
    print(f"generated {counts} in {time.perf_counter() - started:.1f} s")
    engine.dispose()


if __name__ == "__main__":
    main()
