"""The capacity check in the database against its specification: on many random zones, the
zone's lease trees (app.land.held_store.ZoneTrees, rebuilt from the stored leases) answer
what the pure peak_held and least_free answer over the same leases and land
(tests/test_capacity_math.py checks those against every day of the period)."""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal as D
from itertools import count

import pytest
from sqlalchemy.orm import Session

from app.kit.db import utcnow
from app.land.capacity import (
    Land,
    Lease,
    Shortfall,
    land_pieces,
    lease_end,
    least_free,
    peak_held,
)
from app.land.held_store import HeldLease, ZoneTrees
from app.land.queries import land_of_zone
from app.models import Project, Zone
from app.zones.schemas import ZoneCreate
from app.zones.service import add_revision, create_zone

DAY0 = date(2020, 1, 1)
SPAN = 60  # days the random leases, periods and land changes fall in: ties are common
CASES = 150
_codes = count(1)


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


@dataclass(frozen=True)
class Stored:
    """A lease as stored, and as the pure arithmetic sees it."""

    id: int
    land_use: str
    lease_start: date
    lease_end: date | None
    terminated_on: date | None
    leased_ha: D

    @property
    def held(self) -> HeldLease:
        end = lease_end(self.lease_end, self.terminated_on)
        return HeldLease(self.land_use, self.lease_start, end, int(self.leased_ha * 10_000))

    @property
    def pure(self) -> Lease:
        return Lease(
            self.lease_start, lease_end(self.lease_end, self.terminated_on), self.leased_ha
        )


def make_zone(session: Session, land: list[tuple[date | None, D]]) -> Zone:
    """A zone whose industrial land is land[0][1] from land[0][0] (None: always), then each
    next area from its date."""
    (first, area), *changes = land
    zone = create_zone(
        session,
        ZoneCreate(
            code=f"KCN-SWEEP-{next(_codes)}",
            name="Sweep",
            kind="park",
            province="Hòa Bình",
            status="operating",
            total_area_ha=D(1000),
            industrial_land_ha=area,
            service_land_ha=D(5),
            effective_from=first,
        ),
    )
    for effective_from, changed in changes:
        assert effective_from is not None
        add_revision(session, zone, effective_from, {"industrial_land_ha": changed})
    return zone


def add_leases(
    session: Session,
    zone: Zone,
    leases: list[tuple[str, date, date | None, date | None, D]],
) -> list[Stored]:
    """Store leases (land use, start, expiry, termination, area) as they are, with no check:
    the sweep must agree with the arithmetic on any leases, fitting or not."""
    now = utcnow()
    rows = [
        Project(
            zone_id=zone.id,
            name=f"Lease {n}",
            investor="Sweep",
            investor_country="VN",
            land_use=use,
            leased_ha=area,
            lease_start=start,
            lease_end=expiry,
            terminated_on=terminated,
            status="operating",
            search_text="sweep",
            created_at=now,
            updated_at=now,
        )
        for n, (use, start, expiry, terminated, area) in enumerate(leases)
    ]
    session.add_all(rows)
    session.flush()
    return [
        Stored(p.id, p.land_use, p.lease_start, p.lease_end, p.terminated_on, p.leased_ha)
        for p in rows
    ]


def peaks_held(
    session: Session,
    zone_id: int,
    land_use: str,
    periods: list[tuple[date, date | None]],
    *,
    without: Stored | None = None,
) -> list[D]:
    return ZoneTrees.open(session, zone_id).peaks(
        land_use, periods, without=None if without is None else without.held
    )


def least_free_in_zone(
    session: Session,
    zone_id: int,
    land_use: str,
    start: date,
    end: date | None,
    *,
    without: Stored | None = None,
) -> Shortfall:
    return ZoneTrees.open(session, zone_id).least_free(
        HeldLease(land_use, start, end, 0), without=None if without is None else without.held
    )


def pure_of(stored: list[Stored], exclude: int | None) -> list[Lease]:
    return [s.pure for s in stored if s.land_use == "industrial" and s.id != exclude]


# ------------------------------------------------------------------------------ named cases


def test_the_edges_of_a_period(session: Session) -> None:
    zone = make_zone(session, [(None, D(50)), (day(20), D(80))])
    stored = add_leases(
        session,
        zone,
        [
            ("industrial", day(0), day(10), None, D("1")),  # ends on the period's start
            ("industrial", day(30), None, None, D("2")),  # starts on the period's end
            ("industrial", day(5), None, day(12), D("4")),  # terminated early, inside
            ("industrial", day(5), None, None, D("8")),  # open-ended, from before the period
            ("industrial", day(15), None, day(15), D("16")),  # terminated on its first day
            ("industrial", day(15), day(25), None, D("32")),  # starts on another's...
            ("industrial", day(25), None, None, D("64")),  # ...end: no stacking
            ("service", day(10), None, None, D("0.0001")),  # the other land use
        ],
    )
    start, end = day(10), day(30)
    # Held: 12 from day 10, 40 from day 15 (the zero-length lease never), 72 from day 25.
    assert peaks_held(session, zone.id, "industrial", [(start, end)]) == [D("72")]
    assert peaks_held(session, zone.id, "industrial", [(start, day(20)), (day(20), end)]) == [
        D("40"),
        D("72"),
    ]
    shortfall = least_free_in_zone(session, zone.id, "industrial", start, end)
    assert shortfall == least_free(
        pure_of(stored, None), land_of_zone(session, zone.id, "industrial"), start, end
    )
    assert (shortfall.free_ha, shortfall.start, shortfall.end) == (D("8"), day(20), end)
    # Without the biggest lease, the land left over the first piece is the least.
    without = least_free_in_zone(session, zone.id, "industrial", start, end, without=stored[6])
    assert (without.free_ha, without.start, without.end) == (D("10"), start, day(20))


def test_no_leases_and_no_zone_yet(session: Session) -> None:
    zone = make_zone(session, [(day(10), D("7.5"))])
    # Before the zone exists it has no land: the piece before day 10 has none free.
    shortfall = least_free_in_zone(session, zone.id, "industrial", day(0), None)
    assert (shortfall.free_ha, shortfall.start, shortfall.end) == (D(0), day(0), day(10))
    assert peaks_held(session, zone.id, "industrial", []) == []
    assert peaks_held(session, zone.id, "industrial", [(day(0), None)]) == [D(0)]


def test_an_empty_period_counts_the_leases_of_its_first_day(session: Session) -> None:
    # A project terminated on its first day is checked as that one day.
    zone = make_zone(session, [(None, D(10))])
    add_leases(session, zone, [("industrial", day(0), None, None, D(3))])
    assert peaks_held(session, zone.id, "industrial", [(day(1), day(1))]) == [D(3)]


# ----------------------------------------------------------------------------- random cases


LeaseRow = tuple[str, date, date | None, date | None, D]


@dataclass(frozen=True)
class Case:
    land: list[tuple[date | None, D]]
    leases: list[LeaseRow]
    period: tuple[date, date | None]


def random_period(rng: random.Random) -> tuple[date, date | None]:
    start = rng.randrange(SPAN)
    end = rng.choice([None, start + rng.randrange(0, 40)])  # [start, start) now and then
    return day(start), None if end is None else day(end)


def random_case(rng: random.Random) -> Case:
    first = rng.choice([None, day(rng.randrange(SPAN))])
    cuts = sorted({day(rng.randrange(SPAN)) for _ in range(rng.randrange(4))})
    land = [(first, D(rng.randrange(0, 200)))]
    land += [(cut, D(rng.randrange(0, 200))) for cut in cuts if first is None or cut > first]
    leases: list[LeaseRow] = []
    for _ in range(rng.randrange(16)):
        start = rng.randrange(SPAN)
        expiry = rng.choice([None, start + rng.randrange(1, 30)])
        terminated = rng.choice([None, None, start + rng.randrange(0, 30)])
        leases.append(
            (
                rng.choice(["industrial"] * 4 + ["service"]),
                day(start),
                None if expiry is None else day(expiry),
                None if terminated is None else day(terminated),
                D(rng.randrange(1, 500_000)).scaleb(-4),  # whole m2, up to 50 ha
            )
        )
    return Case(land, leases, random_period(rng))


def edges(leases: list[Stored], land: list[Land], start: date, end: date | None) -> set[str]:
    """The edge cases one random case holds (to show that the random cases reach them all)."""
    hit = {"land changes inside the period"} if len(land_pieces(land, start, end)) > 1 else set()
    for lease in leases:
        last = lease.pure.end
        inside = lease.pure.overlaps(start, end)
        checks = {
            "ends on the period's start": last == start,
            "starts on the period's end": lease.lease_start == end,
            "terminated early, inside the period": inside
            and lease.terminated_on is not None
            and (lease.lease_end is None or lease.terminated_on < lease.lease_end),
            "open-ended, inside the period": inside and last is None,
            "same-day start and end": last == lease.lease_start,
            "starts before the period and overlaps it": inside and lease.lease_start < start,
            "one ends the day another starts": any(
                other.lease_start == last for other in leases if other is not lease
            ),
        }
        hit |= {name for name, holds in checks.items() if holds}
    return hit


def test_the_sweep_in_sql_is_the_pure_sweep(session: Session) -> None:
    rng = random.Random(20240601)
    seen: Counter[str] = Counter()
    for _ in range(CASES):
        case = random_case(rng)
        zone = make_zone(session, case.land)
        stored = add_leases(session, zone, case.leases)
        add_leases(session, make_zone(session, [(None, D(1))]), case.leases)  # never counted
        excluded = rng.choice([None, None, *stored])
        exclude = None if excluded is None else excluded.id
        pure = pure_of(stored, exclude)

        periods = [random_period(rng) for _ in range(rng.randrange(1, 4))]
        peaks = peaks_held(session, zone.id, "industrial", periods, without=excluded)
        assert peaks == [peak_held(pure, start, end) for start, end in periods], (
            case,
            periods,
            exclude,
        )

        start, end = case.period
        land = land_of_zone(session, zone.id, "industrial")
        shortfall = least_free_in_zone(session, zone.id, "industrial", start, end, without=excluded)
        assert shortfall == least_free(pure, land, start, end), (case, exclude)

        industrial = [lease for lease in stored if lease.land_use == "industrial"]
        seen.update(edges(industrial, land, start, end))
        seen.update(["excluded project"] if exclude is not None else [])
    assert set(seen) == {
        "ends on the period's start",
        "starts on the period's end",
        "terminated early, inside the period",
        "open-ended, inside the period",
        "same-day start and end",
        "starts before the period and overlaps it",
        "one ends the day another starts",
        "land changes inside the period",
        "excluded project",
    }, seen


@pytest.mark.parametrize("land_use", ["industrial", "service"])
def test_each_land_use_counts_its_own_leases(session: Session, land_use: str) -> None:
    zone = make_zone(session, [(None, D(50))])
    add_leases(
        session,
        zone,
        [("industrial", day(0), None, None, D("1.5")), ("service", day(0), None, None, D("2.25"))],
    )
    expected = D("1.5") if land_use == "industrial" else D("2.25")
    assert peaks_held(session, zone.id, land_use, [(day(0), None)]) == [expected]
