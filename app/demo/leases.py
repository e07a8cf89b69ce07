"""The demo's synthetic investor projects and their leases.

Per-zone leased areas are not published, so every project and lease here is made up, from a
fixed random seed, so that the service's own reports on the review's date give the review's
occupancy figures (app.demo.review). How: each group's (established parks', established
clusters') leased total on that date is its industrial land times the review's rate, rounded to
0.01 ha; the total is spread over the group's zones by their `fill` (app.demo.zones), and each
zone's share over several projects. Around that, lease histories make the data set look like a
real register: leases since 2015, projects terminated or leases expired before the review's
date, leases still running then but terminated later, and leases that start after it (so
figures for today differ from the review's).

Pure and deterministic: the same seed plans the same projects, draw for draw.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from app.demo.investors import Identities
from app.demo.review import REVIEW_DATE, REVIEW_OCCUPANCY
from app.demo.zones import DEMO_ZONES, DemoZone
from app.models.enums import (
    ESTABLISHED_STATUSES,
    Currency,
    LandUse,
    ProjectStatus,
    ZoneKind,
    ZoneStatus,
)
from app.projects.schemas import ProjectCreate, ProjectTerminate

DEMO_SEED = 20240624
HISTORY_FROM = date(2015, 1, 1)
# Leases that start after the review's date start within this window.
FUTURE_FROM, FUTURE_TO = date(2024, 7, 1), date(2025, 6, 30)
# Leases in effect on the review's date but terminated later end within this window.
LATE_END_FROM, LATE_END_TO = date(2024, 8, 1), date(2025, 12, 31)

# Areas are planned in hundredths of a hectare (100 m²), as whole numbers.
UNITS_PER_HA = 100
# Typical project size and the smallest one, in units, by zone kind.
TYPICAL_UNITS = {ZoneKind.PARK: 520, ZoneKind.CLUSTER: 260}
MINIMUM_UNITS = {ZoneKind.PARK: 60, ZoneKind.CLUSTER: 30}
# No scaled zone is planned fuller than this share of its industrial land.
MAX_SCALED_FILL = Decimal("0.95")

# Registered capital per hectare: USD for FDI, VND for domestic investors.
USD_PER_HA = (800_000, 3_500_000)
VND_PER_HA = (8_000_000_000, 32_000_000_000)

TERMINATION_REASONS = (
    "Nhà đầu tư đề nghị chấm dứt hoạt động dự án",
    "Thu hồi đất do chậm đưa đất vào sử dụng quá 24 tháng",
    "Chấm dứt hợp đồng thuê lại đất theo thỏa thuận với chủ đầu tư hạ tầng",
    "Nhà đầu tư chuyển địa điểm sản xuất ra ngoài tỉnh",
)


@dataclass(frozen=True, slots=True)
class PlannedLease:
    land_use: LandUse
    leased_ha: Decimal
    lease_start: date
    lease_end: date | None
    terminated_on: date | None = None


@dataclass(frozen=True, slots=True)
class PlannedProject:
    zone_code: str
    lease: PlannedLease
    name: str
    investor: str
    investor_country: str
    project_code: str | None
    sector: str
    registered_capital: Decimal | None
    capital_currency: Currency | None
    status: ProjectStatus
    employees: int | None
    termination_reason: str | None

    def create(self, zone_id: int) -> ProjectCreate:
        lease = self.lease
        return ProjectCreate(
            zone_id=zone_id,
            name=self.name,
            investor=self.investor,
            investor_country=self.investor_country,
            project_code=self.project_code,
            sector=self.sector,
            registered_capital=self.registered_capital,
            capital_currency=self.capital_currency,
            land_use=lease.land_use,
            leased_ha=lease.leased_ha,
            lease_start=lease.lease_start,
            lease_end=lease.lease_end,
            status=self.status,
            employees=self.employees,
        )

    def termination(self) -> ProjectTerminate | None:
        """How the project ends early, if it does."""
        if self.lease.terminated_on is None or self.termination_reason is None:
            return None
        return ProjectTerminate(
            terminated_on=self.lease.terminated_on, reason=self.termination_reason
        )


def _units(hectares: Decimal) -> int:
    scaled = hectares * UNITS_PER_HA
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{hectares} ha is not a whole number of hundredths")
    return int(scaled)


def _hectares(units: int) -> Decimal:
    return Decimal(units) / UNITS_PER_HA


def established(spec: DemoZone) -> bool:
    return spec.status in ESTABLISHED_STATUSES


def _fill(spec: DemoZone) -> Decimal:
    if spec.fill is None:
        raise ValueError(f"zone {spec.code} is established but has no fill")
    return spec.fill


def leased_on_review_date(zones: Sequence[DemoZone], rate: Decimal) -> dict[str, int]:
    """Units of industrial land each zone's leases hold on REVIEW_DATE, summing to the group's
    industrial land times `rate` (to the unit, rounded half-up)."""
    land = {z.code: _units(z.industrial_land_ha) for z in zones}
    target = int((sum(land.values()) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    fixed = {
        z.code: int((land[z.code] * _fill(z)).to_integral_value(ROUND_FLOOR))
        for z in zones
        if z.fill_published
    }
    weight = {z.code: land[z.code] * _fill(z) for z in zones if not z.fill_published}
    rest = target - sum(fixed.values())
    factor = Decimal(rest) / sum(weight.values())
    held = {code: int((w * factor).to_integral_value(ROUND_FLOOR)) for code, w in weight.items()}
    held[max(weight, key=weight.__getitem__)] += rest - sum(held.values())
    for code, units in held.items():
        if units > land[code] * MAX_SCALED_FILL:
            raise ValueError(f"zone {code} would be {units / land[code]:.0%} full; adjust fills")
    return fixed | held


def split_units(rng: random.Random, units: int, parts: int, minimum: int) -> list[int]:
    """`units` split into about `parts` uneven whole parts, none below `minimum`."""
    parts = max(1, min(parts, units // minimum))
    weights = [rng.lognormvariate(0, 0.55) for _ in range(parts)]
    spare = units - minimum * parts
    shares = [minimum + int(spare * w / sum(weights)) for w in weights]
    shares[max(range(parts), key=shares.__getitem__)] += units - sum(shares)
    return shares


def _random_date(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _years_after(day: date, years: int) -> date:
    return day.replace(year=day.year + years, day=min(day.day, 28))


def plan_projects(rng: random.Random) -> list[PlannedProject]:
    """Every project of the demo, zone by zone: established parks first, then clusters."""
    identities = Identities(rng)
    plans: list[PlannedProject] = []
    for kind in (ZoneKind.PARK, ZoneKind.CLUSTER):
        zones = [z for z in DEMO_ZONES if z.kind == kind and established(z)]
        held = leased_on_review_date(zones, REVIEW_OCCUPANCY[kind])
        for spec in zones:
            leases = _plan_leases(rng, spec, held[spec.code])
            plans += [_project(rng, identities, spec, lease) for lease in leases]
    return plans


def _plan_leases(rng: random.Random, spec: DemoZone, held: int) -> list[PlannedLease]:
    """The zone's leases: `held` units of industrial land in effect on REVIEW_DATE, and others
    over before it, starting after it, or on service land."""
    assert spec.established_on is not None  # established zones have a decision date
    first_lease = max(HISTORY_FROM, spec.established_on + timedelta(days=180))
    term_end = _years_after(spec.established_on, 50)
    headroom = _units(spec.industrial_land_ha) - held
    minimum = MINIMUM_UNITS[spec.kind]
    leases: list[PlannedLease] = []

    def lease(
        units: int,
        start: date,
        end: date | None,
        terminated_on: date | None = None,
        land_use: LandUse = LandUse.INDUSTRIAL,
    ) -> PlannedLease:
        return PlannedLease(land_use, _hectares(units), start, end, terminated_on)

    def contract_end() -> date | None:
        return term_end if rng.random() < 0.75 else None

    # Leases in effect on the review's date; a few of them end (terminated) later.
    parts = round(held / TYPICAL_UNITS[spec.kind] * rng.uniform(0.85, 1.15))
    for units in split_units(rng, held, parts, minimum) if held else []:
        start = _random_date(rng, first_lease, REVIEW_DATE)
        end = contract_end()
        ended = _random_date(rng, LATE_END_FROM, LATE_END_TO) if rng.random() < 0.04 else None
        leases.append(lease(units, start, end, ended))

    # Leases over before the review's date: terminated, or expired.
    if first_lease <= date(2020, 6, 30) and headroom >= 2 * minimum:
        budget = min(headroom, _units(spec.industrial_land_ha) // 8)
        count = rng.choice((1, 1, 2))
        for units in split_units(rng, int(budget * rng.uniform(0.5, 0.9)), count, minimum):
            start = _random_date(rng, first_lease, date(2020, 6, 30))
            if rng.random() < 0.65:
                end = contract_end()
                ended = _random_date(rng, _years_after(start, 2), date(2024, 5, 31))
                leases.append(lease(units, start, end, ended))
            else:
                end = _random_date(rng, _years_after(start, 3), date(2024, 3, 31))
                leases.append(lease(units, start, end))

    # Leases that start after the review's date, within the land free on it.
    if headroom >= minimum and (held == 0 or rng.random() < 0.6):
        budget = min(headroom, TYPICAL_UNITS[spec.kind] * 3)
        share = rng.uniform(0.4, 0.8)
        for units in split_units(rng, int(budget * share), rng.choice((1, 2)), minimum):
            leases.append(lease(units, _random_date(rng, FUTURE_FROM, FUTURE_TO), contract_end()))

    # Service land (parks only): logistics, housing, canteens.
    service = _units(spec.service_land_ha)
    if spec.kind == ZoneKind.PARK and service:
        count = 2 if spec.status == ZoneStatus.OPERATING else 1
        budget = int(service * rng.uniform(0.35, 0.6))
        for units in split_units(rng, budget, count, minimum):
            start = _random_date(rng, first_lease, FUTURE_TO)
            leases.append(lease(units, start, contract_end(), land_use=LandUse.SERVICE))

    return leases


def _project(
    rng: random.Random, identities: Identities, spec: DemoZone, lease: PlannedLease
) -> PlannedProject:
    """The project on `lease`: its investor, stage, staff and capital."""
    investor = identities.investor(spec.kind, lease.land_use)
    area = lease.leased_ha

    start = lease.lease_start
    if lease.lease_end is not None and lease.lease_end <= REVIEW_DATE:  # expired
        status = ProjectStatus.SUSPENDED
    elif start > REVIEW_DATE or start >= date(2023, 7, 1):
        status = rng.choice((ProjectStatus.REGISTERED, ProjectStatus.UNDER_CONSTRUCTION))
    elif start >= date(2021, 7, 1):
        status = rng.choice(
            (ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.OPERATING, ProjectStatus.OPERATING)
        )
    else:
        status = ProjectStatus.OPERATING if rng.random() < 0.92 else ProjectStatus.SUSPENDED
    # Staff for every stage is drawn, whatever the stage, so the draws after these never depend
    # on it.
    operating = int(area * investor.density * Decimal(rng.uniform(0.5, 1.3)))
    building = rng.choice((None, rng.randrange(5, 40)))
    suspended = rng.randrange(0, 15)
    employees = {
        ProjectStatus.OPERATING: operating,
        ProjectStatus.UNDER_CONSTRUCTION: building,
        ProjectStatus.SUSPENDED: suspended,
        ProjectStatus.REGISTERED: None,
    }[status]

    fdi = investor.fdi
    low, high = USD_PER_HA if fdi else VND_PER_HA
    step = 10_000 if fdi else 1_000_000
    capital: Decimal | None = Decimal(int(area * rng.randrange(low, high) / step) * step)
    if not fdi and spec.kind == ZoneKind.CLUSTER and rng.random() < 0.1:
        capital = None
    with_code = fdi or rng.random() < (0.8 if spec.kind == ZoneKind.PARK else 0.4)
    project_code = identities.project_code() if with_code else None
    reason = rng.choice(TERMINATION_REASONS) if lease.terminated_on else None

    return PlannedProject(
        zone_code=spec.code,
        lease=lease,
        name=f"{investor.product} {investor.short}",
        investor=investor.name,
        investor_country=investor.country,
        project_code=project_code,
        sector=investor.sector,
        registered_capital=capital,
        capital_currency=None if capital is None else (Currency.USD if fdi else Currency.VND),
        status=status,
        employees=employees,
        termination_reason=reason,
    )
