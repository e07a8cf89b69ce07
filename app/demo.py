"""The `occupancy demo` data set: Hòa Bình's zones with synthetic investor projects.

The zones (app.demo_zones) carry real, published names. Per-zone leased areas are not
published, so every investor project and lease here is synthetic: generated from a fixed
random seed so that the service's own reports, on the seed's date (2024-06-24), reproduce the
figures of the provincial review the service grew from (see /work/shared/domain.md):

- area-weighted occupancy of the established parks, 46.77 %;
- area-weighted occupancy of the established clusters, 41.3 %;
- 6,113.48 ha of land for industry (every zone that is not closed).

How: each group's leased total on that date is its industrial land times the seed's rate,
rounded to 0.01 ha; the total is spread over the group's zones by their `fill`, and each
zone's share over several projects. Around that, lease histories make the data set look like
a real register: leases since 2015, projects terminated or leases expired before the seed's
date, leases still running then but terminated later, and leases that start after it (so
figures for today differ from the seed's). Every row goes through the zone and project
services, which check every rule, the capacity invariant included. Nothing is committed.

Two more parts, through their services too:

- the plan the review reports on, Đề án 07-ĐA/TU, with its targets and the review's reported
  figures as actuals (plus older, synthetic ones), so that the plan report on 2024-06-24 gives
  the review's table of actuals and achievements;
- land-clearance histories (app.demo_zones.DEMO_CLEARANCE, synthetic as well): cumulative
  records since 2015, most established zones completed, several in progress, two stalled on
  the seed's date, most planned zones not started.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.aggregates import figures_by_zone
from app.clearance.schemas import ClearanceCreate
from app.clearance.service import add_record
from app.countries import DOMESTIC
from app.demo_zones import DEMO_CLEARANCE, DEMO_ZONES, PROVINCE, DemoClearance, DemoZone
from app.models import Plan, Project, Zone
from app.models.zone import ESTABLISHED_STATUSES
from app.occupancy import COMPLETED, IN_PROGRESS, NOT_STARTED, total
from app.plans.schemas import ActualCreate, PlanCreate, TargetCreate
from app.plans.service import add_actual, add_target, create_plan, plan_report
from app.projects.schemas import ProjectCreate, ProjectTerminate
from app.projects.service import create_project, terminate_project
from app.settings import Settings
from app.zones.schemas import ZoneCreate
from app.zones.service import create_zone

# The provincial review "Kết quả triển khai Đề án số 07-ĐA/TU", published on this date.
SEED_DATE = date(2024, 6, 24)
# Its published figures, which the synthetic leases are built to reproduce on SEED_DATE.
SEED_OCCUPANCY = {"park": Decimal("0.4677"), "cluster": Decimal("0.413")}
SEED_INDUSTRIAL_AREA_HA = Decimal("6113.48")

# The summary's stalled zones use the service's default stall threshold.
STALL_DAYS: int = Settings.model_fields["stall_days"].default

DEMO_SEED = 20240624
HISTORY_FROM = date(2015, 1, 1)
# Leases that start after the seed's date start within this window.
FUTURE_FROM, FUTURE_TO = date(2024, 7, 1), date(2025, 6, 30)
# Leases in effect on the seed's date but terminated later end within this window.
LATE_END_FROM, LATE_END_TO = date(2024, 8, 1), date(2025, 12, 31)

# Areas are planned in hundredths of a hectare (100 m²), as whole numbers.
UNITS_PER_HA = 100
# Typical project size and the smallest one, in units, by zone kind.
TYPICAL_UNITS = {"park": 520, "cluster": 260}
MINIMUM_UNITS = {"park": 60, "cluster": 30}
# No scaled zone is planned fuller than this share of its industrial land.
MAX_SCALED_FILL = Decimal("0.95")


class DemoRefused(Exception):
    """The database already holds zones; the demo loads only into an empty one."""


def database_is_empty(session: Session) -> bool:
    return session.scalar(select(Zone.id).limit(1)) is None


def load_demo(session: Session) -> str:
    """Load the demo zones, projects, clearance records and plan 07-ĐA/TU through the
    services, without committing; returns a summary to print."""
    if not database_is_empty(session):
        raise DemoRefused("the database already holds zones; the demo loads only into an empty one")
    area = sum((z.total_area_ha for z in DEMO_ZONES if z.status != "closed"), Decimal(0))
    if area != SEED_INDUSTRIAL_AREA_HA:  # the table in app.demo_zones was edited
        raise ValueError(f"demo zones cover {area} ha, not the seed's {SEED_INDUSTRIAL_AREA_HA}")

    zone_ids = {spec.code: create_zone(session, _zone_create(spec)).id for spec in DEMO_ZONES}
    plans = plan_projects(random.Random(DEMO_SEED))
    # In order of lease start, each termination right after its creation: every state on the
    # way is then a subset of the final one, so no step can break the capacity invariant.
    for plan in sorted(plans, key=lambda p: p.data["lease_start"]):
        project = create_project(
            session, ProjectCreate(zone_id=zone_ids[plan.zone_code], **plan.data)
        )
        if plan.terminated_on is not None:
            terminate_project(
                session,
                project.id,
                ProjectTerminate(terminated_on=plan.terminated_on, reason=plan.reason),
            )
    for code, history in DEMO_CLEARANCE.items():
        zone_id = zone_ids[code]
        required = session.get(Zone, zone_id).clearance_required_ha  # type: ignore[union-attr]
        for record in clearance_records(history, required):
            add_record(session, zone_id, record)
    plan = load_plan(session)
    return _summary(session, plan)


def _zone_create(spec: DemoZone) -> ZoneCreate:
    return ZoneCreate(
        code=spec.code,
        name=spec.name,
        kind=spec.kind,
        province=PROVINCE,
        locality=spec.locality,
        status=spec.status,
        established_on=spec.established_on,
        decision_no=spec.decision_no,
        developer=spec.developer,
        total_area_ha=spec.total_area_ha,
        industrial_land_ha=spec.industrial_land_ha,
        service_land_ha=spec.service_land_ha,
        latitude=spec.latitude,
        longitude=spec.longitude,
    )


# ---------------------------------------------------------------------------------------------
# Planning: pure, deterministic given the random generator.


@dataclass(frozen=True, slots=True)
class PlannedProject:
    zone_code: str
    data: dict  # ProjectCreate fields except zone_id
    terminated_on: date | None = None
    reason: str | None = None


def _units(hectares: Decimal) -> int:
    scaled = hectares * UNITS_PER_HA
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{hectares} ha is not a whole number of hundredths")
    return int(scaled)


def _hectares(units: int) -> Decimal:
    return Decimal(units) / UNITS_PER_HA


def established(spec: DemoZone) -> bool:
    return spec.status in ESTABLISHED_STATUSES


def leased_on_seed_date(zones: Sequence[DemoZone], rate: Decimal) -> dict[str, int]:
    """Units of industrial land each zone's leases hold on SEED_DATE, summing to the group's
    industrial land times `rate` (to the unit, rounded half-up)."""
    land = {z.code: _units(z.industrial_land_ha) for z in zones}
    target = int((sum(land.values()) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    fixed = {
        z.code: int((land[z.code] * z.fill).to_integral_value(ROUND_FLOOR))
        for z in zones
        if z.fill_published
    }
    scaled = [z for z in zones if not z.fill_published]
    weight = {z.code: land[z.code] * z.fill for z in scaled}
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
    identities = _Identities(rng)
    plans: list[PlannedProject] = []
    for kind in ("park", "cluster"):
        zones = [z for z in DEMO_ZONES if z.kind == kind and established(z)]
        held = leased_on_seed_date(zones, SEED_OCCUPANCY[kind])
        for spec in zones:
            plans += _plan_zone(rng, identities, spec, held[spec.code])
    return plans


def _plan_zone(
    rng: random.Random, identities: "_Identities", spec: DemoZone, held: int
) -> list[PlannedProject]:
    assert spec.established_on is not None
    first_lease = max(HISTORY_FROM, spec.established_on + timedelta(days=180))
    term_end = _years_after(spec.established_on, 50)
    headroom = _units(spec.industrial_land_ha) - held
    leases: list[dict] = []

    def lease(units: int, start: date, end: date | None, land_use: str = "industrial") -> dict:
        return {
            "land_use": land_use,
            "leased_ha": _hectares(units),
            "lease_start": start,
            "lease_end": end,
        }

    def contract_end() -> date | None:
        return term_end if rng.random() < 0.75 else None

    # Leases in effect on the seed's date; a few of them end (terminated) later.
    parts = round(held / TYPICAL_UNITS[spec.kind] * rng.uniform(0.85, 1.15))
    for units in split_units(rng, held, parts, MINIMUM_UNITS[spec.kind]) if held else []:
        item = lease(units, _random_date(rng, first_lease, SEED_DATE), contract_end())
        if rng.random() < 0.04:
            item["terminated_on"] = _random_date(rng, LATE_END_FROM, LATE_END_TO)
        leases.append(item)

    # Leases over before the seed's date: terminated, or expired.
    if first_lease <= date(2020, 6, 30) and headroom >= 2 * MINIMUM_UNITS[spec.kind]:
        budget = min(headroom, _units(spec.industrial_land_ha) // 8)
        count = rng.choice((1, 1, 2))
        for units in split_units(
            rng, int(budget * rng.uniform(0.5, 0.9)), count, MINIMUM_UNITS[spec.kind]
        ):
            start = _random_date(rng, first_lease, date(2020, 6, 30))
            if rng.random() < 0.65:
                item = lease(units, start, contract_end())
                item["terminated_on"] = _random_date(rng, _years_after(start, 2), date(2024, 5, 31))
            else:
                item = lease(
                    units, start, _random_date(rng, _years_after(start, 3), date(2024, 3, 31))
                )
            leases.append(item)

    # Leases that start after the seed's date, within the land free on it.
    if headroom >= MINIMUM_UNITS[spec.kind] and (held == 0 or rng.random() < 0.6):
        budget = min(headroom, TYPICAL_UNITS[spec.kind] * 3)
        for units in split_units(
            rng, int(budget * rng.uniform(0.4, 0.8)), rng.choice((1, 2)), MINIMUM_UNITS[spec.kind]
        ):
            leases.append(lease(units, _random_date(rng, FUTURE_FROM, FUTURE_TO), contract_end()))

    # Service land (parks only): logistics, housing, canteens.
    service = _units(spec.service_land_ha)
    if spec.kind == "park" and service:
        count = 2 if spec.status == "operating" else 1
        budget = int(service * rng.uniform(0.35, 0.6))
        for units in split_units(rng, budget, count, MINIMUM_UNITS[spec.kind]):
            leases.append(
                lease(units, _random_date(rng, first_lease, FUTURE_TO), contract_end(), "service")
            )

    return [identities.project(spec, item) for item in leases]


# ---------------------------------------------------------------------------------------------
# Land clearance: the synthetic histories of app.demo_zones as cumulative records.

HECTARE_STEP = Decimal("0.01")
COMPENSATION_STEP = 1_000_000  # compensation is stated in whole millions of đồng


def clearance_records(history: DemoClearance, required_ha: Decimal) -> list[ClearanceCreate]:
    """One record per step: the cleared share of `required_ha`, the households relocated and
    the compensation paid in proportion, all rounded down so that they never decrease."""
    records = []
    for step in history.steps:
        cleared = (required_ha * step.cleared).quantize(HECTARE_STEP, rounding=ROUND_FLOOR)
        paid = int(cleared * history.vnd_per_ha) // COMPENSATION_STEP * COMPENSATION_STEP
        records.append(
            ClearanceCreate(
                recorded_on=step.recorded_on,
                cleared_ha=cleared,
                households_total=history.households,
                households_relocated=int(
                    (history.resettled * step.cleared).to_integral_value(ROUND_FLOOR)
                ),
                compensation_paid_vnd=paid,
                note=step.note,
            )
        )
    return records


# ---------------------------------------------------------------------------------------------
# The plan: Đề án 07-ĐA/TU, its targets and the review's reported figures.

PLAN = PlanCreate(
    code="07-ĐA/TU",
    title=(
        "Đề án số 07-ĐA/TU của Ban Thường vụ Tỉnh ủy Hòa Bình về phát triển công nghiệp, "
        "tiểu thủ công nghiệp tỉnh Hòa Bình giai đoạn 2021–2025"
    ),
    # The review of 24 June 2024 covers "03 năm thực hiện"; the start date is approximate.
    starts_on=date(2021, 1, 1),
    ends_on=date(2025, 12, 31),
)
# (indicator, target, label). The first three are computed from the zone data; the targets
# are implied by the review's actuals and achievements (domain.md, "The seed's results").
PLAN_TARGETS: tuple[tuple[str, str, str], ...] = (
    (
        "park_occupancy_rate",
        "0.8",
        "Tỷ lệ lấp đầy bình quân các khu công nghiệp / KCN average occupancy",
    ),
    (
        "cluster_occupancy_rate",
        "0.5",
        "Tỷ lệ lấp đầy bình quân các cụm công nghiệp / CCN average occupancy",
    ),
    (
        "industrial_area_ha",
        "4600",
        "Diện tích đất dành cho phát triển công nghiệp (khu, cụm công nghiệp) / "
        "Land for industry (KCN + CCN), ha",
    ),
    (
        "industrial_production_index_growth",
        "0.09",
        "Chỉ số sản xuất công nghiệp (IIP) tăng bình quân/năm / "
        "Industrial production index, average growth per year",
    ),
    (
        "industry_construction_share",
        "0.54",
        "Tỷ trọng công nghiệp – xây dựng trong cơ cấu kinh tế tỉnh / "
        "Industry and construction share of the provincial economy",
    ),
    (
        "grid_households_rate",
        "0.999",
        "Tỷ lệ hộ sử dụng điện lưới quốc gia / Households on the national grid",
    ),
)
REVIEW_SOURCE = (
    "Kết quả triển khai Đề án số 07-ĐA/TU của Ban Thường vụ Tỉnh ủy về phát triển công nghiệp, "
    "tiểu thủ công nghiệp (sơ kết 03 năm, công bố ngày 24/06/2024)"
)
EARLIER_SOURCE = "Số liệu minh họa (synthetic demo figures), không phải số liệu công bố"
# (indicator, value, as_of, source): the review's figures, and made-up earlier ones, so that
# a report picks the latest value on or before its date.
PLAN_ACTUALS: tuple[tuple[str, str, date, str], ...] = (
    ("industrial_production_index_growth", "0.0215", date(2022, 12, 31), EARLIER_SOURCE),
    ("industry_construction_share", "0.3861", date(2022, 12, 31), EARLIER_SOURCE),
    ("grid_households_rate", "0.998", date(2022, 12, 31), EARLIER_SOURCE),
    ("industrial_production_index_growth", "0.0041", SEED_DATE, REVIEW_SOURCE),
    ("industry_construction_share", "0.3947", SEED_DATE, REVIEW_SOURCE),
    ("grid_households_rate", "1", SEED_DATE, REVIEW_SOURCE),
)


def load_plan(session: Session) -> Plan:
    plan = create_plan(session, PLAN)
    for indicator, target, label in PLAN_TARGETS:
        add_target(
            session, plan.id, TargetCreate(indicator=indicator, target=Decimal(target), label=label)
        )
    for indicator, value, as_of, source in PLAN_ACTUALS:
        add_actual(
            session,
            plan.id,
            ActualCreate(indicator=indicator, value=Decimal(value), as_of=as_of, source=source),
        )
    return plan


# ---------------------------------------------------------------------------------------------
# Synthetic investors: names, countries, sectors, capital, staff. None of them is real.

FDI_COUNTRIES = {"KR": 30, "CN": 24, "JP": 18, "TW": 10, "TH": 5, "SG": 6, "US": 4, "DE": 3}
FDI_SHARE = {"park": 0.45, "cluster": 0.08}

BRANDS = {
    "KR": (
        ("Hanbit", "Daeseong", "Seowon", "Mirae", "Jinwoo", "Haneul", "Sejin", "Woorim"),
        ("Vina", "Tech", "Electronics", "Precision"),
    ),
    "CN": (
        ("Huaxin", "Jinda", "Hongli", "Tianrui", "Yuefeng", "Kaisheng", "Minghua"),
        ("Precision", "Textile", "Electric", "Materials"),
    ),
    "JP": (
        ("Aoba", "Kawana", "Hinode", "Tsubasa", "Minori", "Shirokane", "Asahina"),
        ("Seimitsu", "Denki", "Kogyo", "Giken"),
    ),
    "TW": (
        ("Chia Hsin", "Lien Fa", "Hsin Mei", "Tai Yuan", "Yung Sheng"),
        ("Industrial", "Plastics", "Electronics"),
    ),
    "TH": (("Rattanakorn", "Saengthong", "Chaiyaphruek"), ("Foods", "Packaging", "Agro")),
    "SG": (("Meridian", "Straits Harbour", "Lionbay"), ("Logistics", "Packaging", "Holdings")),
    "US": (("Ridgeway", "Bluepine", "Lakeshore"), ("Components", "Apparel", "Technologies")),
    "DE": (("Rheintal", "Nordwerk", "Kesselbach"), ("Technik", "Antriebe", "Elektro")),
}
DOMESTIC_NAMES = (
    "Hưng Phát",
    "Thành Công",
    "Minh Tiến",
    "Phú Gia",
    "Đức Thịnh",
    "An Khang",
    "Việt Hưng",
    "Sông Đà Xanh",
    "Mường Bi",
    "Hòa Phú",
    "Trường Sơn",
    "Bảo Long",
    "Tân Lạc Xanh",
    "Kim Bôi",
    "Lạc Thủy",
    "Đồng Tiến",
    "Quang Minh",
    "Hoàng Long",
    "Nam Việt",
    "Thái Sơn",
    "Phúc An",
    "Vạn Xuân",
    "Hải Đăng",
    "Tiến Đạt",
)
DOMESTIC_FORMS = ("Công ty Cổ phần", "Công ty TNHH", "Công ty TNHH MTV")
DOMESTIC_TRADES = (
    "Sản xuất và Thương mại",
    "Đầu tư và Phát triển",
    "Công nghiệp",
    "Thương mại và Dịch vụ",
)

# VSIC 2018 division: (product phrase, people per hectare when operating)
SECTORS = {
    "10": ("Nhà máy chế biến nông sản thực phẩm", 45),
    "11": ("Nhà máy sản xuất nước giải khát", 30),
    "13": ("Nhà máy dệt vải kỹ thuật", 70),
    "14": ("Nhà máy may mặc xuất khẩu", 180),
    "15": ("Nhà máy sản xuất giày dép", 200),
    "16": ("Nhà máy chế biến gỗ", 35),
    "22": ("Nhà máy sản xuất bao bì nhựa", 55),
    "23": ("Nhà máy sản xuất gạch không nung", 15),
    "25": ("Nhà máy gia công cơ khí chính xác", 60),
    "26": ("Nhà máy sản xuất linh kiện điện tử", 150),
    "27": ("Nhà máy sản xuất dây và cáp điện", 70),
    "29": ("Nhà máy sản xuất phụ tùng ô tô", 90),
    "32": ("Nhà máy sản xuất đồ chơi và dụng cụ thể thao", 140),
}
SECTOR_WEIGHTS = {
    "fdi": {
        "26": 22,
        "27": 12,
        "29": 10,
        "14": 12,
        "13": 8,
        "15": 6,
        "22": 10,
        "25": 10,
        "32": 8,
        "10": 4,
    },
    "park": {"10": 14, "16": 12, "23": 10, "25": 14, "14": 12, "22": 10, "11": 6, "27": 6, "26": 4},
    "cluster": {"10": 22, "16": 22, "23": 18, "25": 14, "14": 12, "22": 8, "11": 4},
}
SERVICES = (
    ("52", "Trung tâm kho vận và logistics", 8),
    ("55", "Khu nhà ở cho chuyên gia và công nhân", 3),
    ("56", "Khu dịch vụ ăn uống và tiện ích", 12),
)
# Registered capital per hectare: USD for FDI, VND for domestic investors.
USD_PER_HA = (800_000, 3_500_000)
VND_PER_HA = (8_000_000_000, 32_000_000_000)

TERMINATION_REASONS = (
    "Nhà đầu tư đề nghị chấm dứt hoạt động dự án",
    "Thu hồi đất do chậm đưa đất vào sử dụng quá 24 tháng",
    "Chấm dứt hợp đồng thuê lại đất theo thỏa thuận với chủ đầu tư hạ tầng",
    "Nhà đầu tư chuyển địa điểm sản xuất ra ngoài tỉnh",
)


class _Identities:
    """Makes up the investor side of a lease; names and project codes never repeat."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.investors: set[str] = set()
        self.codes: set[str] = set()

    def _pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _unique(self, make: Callable[[], tuple[str, str]]) -> tuple[str, str]:
        while True:
            investor, short = make()
            if investor not in self.investors:
                self.investors.add(investor)
                return investor, short

    def _foreign(self, country: str) -> tuple[str, str]:
        firsts, seconds = BRANDS[country]
        brand = f"{self.rng.choice(firsts)} {self.rng.choice(seconds)}"
        return f"Công ty TNHH {brand} Việt Nam", brand

    def _domestic(self) -> tuple[str, str]:
        name = self.rng.choice(DOMESTIC_NAMES)
        trade = self.rng.choice(DOMESTIC_TRADES)
        return f"{self.rng.choice(DOMESTIC_FORMS)} {trade} {name}", name

    def _project_code(self) -> str:
        while True:
            code = f"254{self.rng.randrange(10**7):07d}"
            if code not in self.codes:
                self.codes.add(code)
                return code

    def project(self, spec: DemoZone, lease: dict) -> PlannedProject:
        rng = self.rng
        fdi = rng.random() < FDI_SHARE[spec.kind]
        country = self._pick(FDI_COUNTRIES) if fdi else DOMESTIC
        investor, short = self._unique((lambda: self._foreign(country)) if fdi else self._domestic)
        area: Decimal = lease["leased_ha"]
        if lease["land_use"] == "service":
            sector, product, density = rng.choice(SERVICES)
        else:
            sector = self._pick(SECTOR_WEIGHTS["fdi" if fdi else spec.kind])
            product, density = SECTORS[sector]

        start: date = lease["lease_start"]
        terminated_on: date | None = lease.pop("terminated_on", None)
        expired = lease["lease_end"] is not None and lease["lease_end"] <= SEED_DATE
        if expired:
            status = "suspended"
        elif start > SEED_DATE or start >= date(2023, 7, 1):
            status = rng.choice(("registered", "under_construction"))
        elif start >= date(2021, 7, 1):
            status = rng.choice(("under_construction", "operating", "operating"))
        else:
            status = "operating" if rng.random() < 0.92 else "suspended"
        employees = {
            "operating": int(area * density * Decimal(rng.uniform(0.5, 1.3))),
            "under_construction": rng.choice((None, rng.randrange(5, 40))),
            "suspended": rng.randrange(0, 15),
            "registered": None,
        }[status]

        low, high = USD_PER_HA if fdi else VND_PER_HA
        step = 10_000 if fdi else 1_000_000
        capital: Decimal | None = Decimal(int(area * rng.randrange(low, high) / step) * step)
        if not fdi and spec.kind == "cluster" and rng.random() < 0.1:
            capital = None
        with_code = fdi or rng.random() < (0.8 if spec.kind == "park" else 0.4)

        data = lease | {
            "name": f"{product} {short}",
            "investor": investor,
            "investor_country": country,
            "project_code": self._project_code() if with_code else None,
            "sector": sector,
            "registered_capital": capital,
            "capital_currency": None if capital is None else ("USD" if fdi else "VND"),
            "status": status,
            "employees": employees,
        }
        reason = rng.choice(TERMINATION_REASONS) if terminated_on else None
        return PlannedProject(spec.code, data, terminated_on, reason)


# ---------------------------------------------------------------------------------------------


def _summary(session: Session, plan: Plan) -> str:
    zones = list(session.scalars(select(Zone)))
    projects = list(session.scalars(select(Project)))
    figures = figures_by_zone(session, zones, SEED_DATE)
    parks = sum(1 for z in zones if z.kind == "park")
    fdi = sum(1 for p in projects if p.investor_country != DOMESTIC)
    terminated = sum(1 for p in projects if p.terminated_on is not None)
    lines = [
        f"Loaded the {PROVINCE} demo data set: {len(zones)} zones ({parks} industrial parks, "
        f"{len(zones) - parks} industrial clusters) and {len(projects)} investor projects "
        f"({fdi} FDI, {len(projects) - fdi} domestic, {terminated} terminated).",
        "The zone names are the real, published ones; their sizes, developers, dates and "
        "coordinates are approximate.",
        "The investor projects and their leases are SYNTHETIC: per-zone leased areas are not "
        "published, so they were generated to reproduce the provincial review of "
        f"{SEED_DATE.isoformat()}. On that date:",
    ]
    for kind, label in (("park", "industrial parks"), ("cluster", "industrial clusters")):
        group = total(
            figures[z.id].occupancy
            for z in zones
            if z.kind == kind and z.status in ESTABLISHED_STATUSES
        )
        rate = group.occupancy_rate
        shown = "n/a" if rate is None else f"{rate * 100:.2f} %"
        lines.append(
            f"  established {label}: occupancy {shown} ({group.leased_industrial_ha:,.2f} of "
            f"{group.industrial_land_ha:,.2f} ha of industrial land leased)"
        )
    area = sum((z.total_area_ha for z in zones if z.status != "closed"), Decimal(0))
    lines.append(f"  land for industry (every zone not closed): {area:,.2f} ha")

    report = plan_report(session, plan.id, SEED_DATE, STALL_DAYS)
    computed = sum(1 for row in report.rows if row.source == "computed")
    achieved = ", ".join(
        f"{row.indicator} {row.achievement * 100:.2f} %"
        for row in report.rows
        if row.achievement is not None
    )
    lines += [
        f"Plan {plan.code} ({plan.starts_on.year}–{plan.ends_on.year}): {len(report.rows)} "
        f"targets ({computed} computed from the zones, {len(report.rows) - computed} reported, "
        "with the review's figures as actuals); achievement on "
        f"{SEED_DATE.isoformat()}: {achieved}.",
    ]

    active = [z for z in zones if z.status != "closed"]
    clearance = {z.id: figures[z.id].clearance for z in active}
    count = {
        status: sum(1 for c in clearance.values() if c.status == status)
        for status in (COMPLETED, IN_PROGRESS, NOT_STARTED)
    }
    stalled = [z.code for z in active if clearance[z.id].stalled(SEED_DATE, STALL_DAYS)]
    required = sum((c.required_ha for c in clearance.values()), Decimal(0))
    cleared = sum((c.cleared_ha for c in clearance.values()), Decimal(0))
    lines.append(
        f"Land clearance (SYNTHETIC histories) on {SEED_DATE.isoformat()}: "
        f"{count[COMPLETED]} zones completed, {count[IN_PROGRESS]} in progress "
        f"({len(stalled)} stalled, no progress for over {STALL_DAYS} days: "
        f"{', '.join(stalled) or 'none'}), {count[NOT_STARTED]} not started; "
        f"{cleared:,.2f} of {required:,.2f} ha cleared."
    )
    return "\n".join(lines)


__all__ = [
    "PLAN",
    "PLAN_ACTUALS",
    "PLAN_TARGETS",
    "DemoRefused",
    "PlannedProject",
    "SEED_DATE",
    "clearance_records",
    "database_is_empty",
    "load_demo",
    "load_plan",
    "plan_projects",
]
