"""The plan the provincial review reports on: Đề án 07-ĐA/TU, with its targets and actuals.

The review published on 24 June 2024 gives, for each of the plan's indicators, the actual
figure and its achievement against the target. Three indicators (the occupancy of established
parks and of established clusters, and the land for industry) the service computes from the
zones; the other three are loaded as reported actuals, the review's figures as of its date
plus older, synthetic ones, so that the plan report on 2024-06-24 gives the review's table of
actuals and achievements.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from app.demo.review import REVIEW_DATE
from app.models import Plan
from app.plans.schemas import ActualCreate, PlanCreate, TargetCreate
from app.plans.service import add_actual, add_target, create_plan

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
# are implied by the actuals and achievements the review publishes (actual / achievement).
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
    ("industrial_production_index_growth", "0.0041", REVIEW_DATE, REVIEW_SOURCE),
    ("industry_construction_share", "0.3947", REVIEW_DATE, REVIEW_SOURCE),
    ("grid_households_rate", "1", REVIEW_DATE, REVIEW_SOURCE),
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
