"""What the columns of the report spreadsheets are called in Vietnamese and English, and how
each shows its values. Pure: no I/O.

Report tables flatten nested blocks into prefixed names (`park_occupancy_rate` in the history,
`occupancy_all_occupancy_rate` among the summary's indicators), so a name is looked up whole
first and otherwise read as qualifiers before a known term: `park_` + `occupancy_rate` is
"KCN – Tỷ lệ lấp đầy" / "Parks – Occupancy rate". A name nothing here explains keeps its field
name as its label (tests/test_sheet_labels.py checks that every column a report produces is
explained).
"""

from dataclasses import dataclass
from typing import Literal

from app.sheets.styles import Style

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")
SEPARATOR = " – "


@dataclass(frozen=True, slots=True)
class Term:
    vi: str
    en: str

    def text(self, lang: Lang) -> str:
        return self.vi if lang == "vi" else self.en


T = Term

# Whole column names (and the last part of a prefixed one).
TERMS: dict[str, Term] = {
    # A zone's identity
    "id": T("Mã hệ thống", "Id"),
    "code": T("Mã khu/cụm", "Code"),
    "name": T("Tên", "Name"),
    "kind": T("Loại", "Kind"),
    "province": T("Tỉnh/thành phố", "Province"),
    "status": T("Tình trạng", "Status"),
    "scope": T("Phạm vi", "Scope"),
    "as_of": T("Ngày số liệu", "As of"),
    # Occupancy
    "total_area_ha": T("Tổng diện tích (ha)", "Total area (ha)"),
    "industrial_land_ha": T("Đất công nghiệp (ha)", "Industrial land (ha)"),
    "leased_industrial_ha": T("Đất công nghiệp đã cho thuê (ha)", "Leased industrial land (ha)"),
    "service_land_ha": T("Đất dịch vụ (ha)", "Service land (ha)"),
    "leased_service_ha": T("Đất dịch vụ đã cho thuê (ha)", "Leased service land (ha)"),
    "available_ha": T("Đất còn trống (ha)", "Available land (ha)"),
    "occupancy_rate": T("Tỷ lệ lấp đầy", "Occupancy rate"),
    "occupancy_rate_incl_service": T(
        "Tỷ lệ lấp đầy (gồm đất dịch vụ)", "Occupancy rate (incl. service land)"
    ),
    "mean_occupancy_rate": T("Tỷ lệ lấp đầy bình quân", "Mean occupancy rate"),
    "mean_occupancy_rate_incl_service": T(
        "Tỷ lệ lấp đầy bình quân (gồm đất dịch vụ)", "Mean occupancy rate (incl. service land)"
    ),
    "zones": T("Số khu/cụm", "Zones"),
    "active_projects": T("Số dự án đang thuê đất", "Projects with a lease in effect"),
    "net_absorption_ha": T("Hấp thụ ròng (ha)", "Net absorption (ha)"),
    # Land clearance
    "required_ha": T("Diện tích cần GPMB (ha)", "Clearance required (ha)"),
    "cleared_ha": T("Đã GPMB lũy kế (ha)", "Cleared (ha)"),
    "clearance_rate": T("Tỷ lệ GPMB", "Clearance rate"),
    "last_recorded_on": T("Ngày số liệu GPMB gần nhất", "Last recorded on"),
    "last_progress_on": T("Ngày có tiến triển gần nhất", "Last progress on"),
    "stalled": T("Chậm tiến độ", "Stalled"),
    "not_started": T("Chưa bắt đầu", "Not started"),
    "in_progress": T("Đang thực hiện", "In progress"),
    "completed": T("Hoàn thành", "Completed"),
    "households_total": T("Tổng số hộ", "Households"),
    "households_relocated": T("Số hộ đã di dời", "Households relocated"),
    "compensation_paid_vnd": T("Đã bồi thường (đồng)", "Compensation paid (VND)"),
    # Investment
    "dimension": T("Phân theo", "Breakdown by"),
    "key": T("Quốc gia hoặc ngành", "Country or sector"),
    "projects": T("Số dự án", "Projects"),
    "leased_ha": T("Diện tích thuê (ha)", "Leased (ha)"),
    "employees": T("Số lao động", "Employees"),
    "total": T("Tổng số", "Total"),
    "fdi": T("FDI", "FDI"),
    "domestic": T("Trong nước", "Domestic"),
    "usd": T("USD", "USD"),
    "vnd": T("VND", "VND"),
    # Indicator tables and the plan report
    "indicator": T("Chỉ tiêu", "Indicator"),
    "value": T("Giá trị", "Value"),
    "label": T("Tên chỉ tiêu", "Label"),
    "target": T("Mục tiêu", "Target"),
    "actual": T("Thực hiện", "Actual"),
    "achievement": T("Tỷ lệ đạt", "Achievement"),
    "source": T("Nguồn số liệu", "Source"),
    "as_of_value": T("Ngày của số liệu thực hiện", "Actual as of"),
    "projected": T("Dự báo cuối kỳ", "Projected"),
    "on_track": T("Đúng tiến độ", "On track"),
    # Forecast
    "target_reached": T("Đã đạt mục tiêu", "Target reached"),
    "absorption_ha_per_year": T("Hấp thụ ròng (ha/năm)", "Net absorption (ha/year)"),
    "absorption_low_ha_per_year": T(
        "Hấp thụ ròng chậm nhất (ha/năm)", "Slowest net absorption (ha/year)"
    ),
    "absorption_high_ha_per_year": T(
        "Hấp thụ ròng nhanh nhất (ha/năm)", "Fastest net absorption (ha/year)"
    ),
    "reaches_target_on": T("Ngày đạt mục tiêu", "Reaches the target on"),
    "reaches_target_on_low": T(
        "Ngày đạt mục tiêu (tốc độ chậm nhất)", "Reaches the target on (slowest pace)"
    ),
    "reaches_target_on_high": T(
        "Ngày đạt mục tiêu (tốc độ nhanh nhất)", "Reaches the target on (fastest pace)"
    ),
    "projected_occupancy_rate": T(
        "Tỷ lệ lấp đầy dự báo khi kết thúc đề án", "Projected occupancy at the plan's end"
    ),
    "projected_occupancy_rate_low": T(
        "Tỷ lệ lấp đầy dự báo (tốc độ chậm nhất)", "Projected occupancy (slowest pace)"
    ),
    "projected_occupancy_rate_high": T(
        "Tỷ lệ lấp đầy dự báo (tốc độ nhanh nhất)", "Projected occupancy (fastest pace)"
    ),
    # Alerts
    "zone_code": T("Mã khu/cụm", "Zone code"),
    "zone_name": T("Tên khu/cụm", "Zone name"),
    "project_id": T("Mã dự án (hệ thống)", "Project id"),
    "project_name": T("Tên dự án", "Project name"),
    "message_vi": T("Nội dung (tiếng Việt)", "Message (Vietnamese)"),
    "message_en": T("Nội dung (tiếng Anh)", "Message (English)"),
    "lease_end": T("Ngày hết hạn thuê", "Lease end"),
    "days_left": T("Số ngày còn lại", "Days left"),
    "land_use": T("Loại đất thuê", "Land use"),
    "days_without_progress": T("Số ngày không tiến triển", "Days without progress"),
    "plan_id": T("Mã đề án (hệ thống)", "Plan id"),
    "plan_code": T("Số hiệu đề án", "Plan code"),
    "ends_on": T("Ngày kết thúc đề án", "Plan ends on"),
    # Values that end a summary indicator's name (zones_by_kind_park, …)
    "park": T("KCN", "Parks"),
    "cluster": T("CCN", "Clusters"),
    "all": T("Tất cả", "All"),
    "planned": T("Quy hoạch", "Planned"),
    "under_construction": T("Đang xây dựng", "Under construction"),
    "operating": T("Đang hoạt động", "Operating"),
    "suspended": T("Tạm dừng", "Suspended"),
    "closed": T("Đã đóng", "Closed"),
    "registered": T("Đã đăng ký", "Registered"),
    "terminated": T("Đã chấm dứt", "Terminated"),
}

# What a prefix adds to the name after it.
QUALIFIERS: dict[str, Term] = {
    "park": T("KCN", "Parks"),
    "cluster": T("CCN", "Clusters"),
    "all": T("Tất cả", "All"),
    "occupancy": T("Lấp đầy", "Occupancy"),
    "clearance": T("GPMB", "Land clearance"),
    "investment": T("Đầu tư", "Investment"),
    "zones": T("Khu/cụm", "Zones"),
    "projects": T("Dự án", "Projects"),
    "by_kind": T("Theo loại", "By kind"),
    "by_status": T("Theo tình trạng", "By status"),
    "by_kind_and_status": T("Theo loại và tình trạng", "By kind and status"),
    "registered_capital": T("Vốn đăng ký", "Registered capital"),
    "fdi": T("FDI", "FDI"),
    "domestic": T("Trong nước", "Domestic"),
}

# Columns that hold dates (report documents write them as ISO text).
DATE_COLUMNS = frozenset(
    {
        "as_of",
        "as_of_value",
        "last_recorded_on",
        "last_progress_on",
        "reaches_target_on",
        "reaches_target_on_low",
        "reaches_target_on_high",
        "ends_on",
        "lease_end",
    }
)


def explain(name: str) -> tuple[list[Term], str] | None:
    """The qualifiers of a name and its last term's name, or None when the name is not known:
    `occupancy_park_occupancy_rate` -> ([Lấp đầy, KCN], "occupancy_rate")."""
    if name in TERMS:
        return [], name
    # Longest qualifier first (by_kind_and_status before by_kind), trying each in turn.
    for prefix in sorted(QUALIFIERS, key=len, reverse=True):
        if name.startswith(prefix + "_"):
            rest = explain(name[len(prefix) + 1 :])
            if rest is not None:
                return [QUALIFIERS[prefix], *rest[0]], rest[1]
    return None


def is_known(name: str) -> bool:
    return explain(name) is not None


def label(name: str, lang: Lang) -> str:
    """The column's label in one language; its field name when nothing here explains it."""
    found = explain(name)
    if found is None:
        return name
    qualifiers, term = found
    return SEPARATOR.join([q.text(lang) for q in qualifiers] + [TERMS[term].text(lang)])


def is_rate(name: str) -> bool:
    """Rates and achievements are fractions (0.4677 = 46.77 %)."""
    return "_rate" in name or name.startswith("rate") or name.endswith("achievement")


def style(name: str) -> Style:
    """How a report column shows its values, from its name (docs/api.md, Values: `*_ha`
    areas, `*_rate` and `achievement` fractions, `*_vnd` whole đồng)."""
    if name in DATE_COLUMNS or name.endswith("_as_of"):
        return Style.DATE
    if is_rate(name):
        return Style.RATE
    if name.endswith(("_ha", "_ha_per_year")):
        return Style.AREA
    if name.endswith("_vnd"):
        return Style.MONEY
    if name.endswith("_usd"):
        return Style.MONEY_CENTS
    if name == "id" or name.endswith("_id"):
        return Style.ID
    if name in NAMED_TEXT:
        return Style.TEXT
    return Style.NUMBER


# Columns of text: their cells are text whatever they look like.
NAMED_TEXT = frozenset(
    {
        "code",
        "name",
        "kind",
        "province",
        "status",
        "scope",
        "dimension",
        "key",
        "indicator",
        "label",
        "source",
        "zone_code",
        "zone_name",
        "project_name",
        "message_vi",
        "message_en",
        "land_use",
        "plan_code",
    }
)
