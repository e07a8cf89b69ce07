"""The columns of each register, in the order staff see them.

One layout per entity serves the import template, the list exports and the importer, so that
export -> edit -> import is a round trip. Column names are the API's field names (with
`zone_code` in place of `zone_id`); labels and help are in Vietnamese and English. Pure: no I/O.
"""

from dataclasses import dataclass
from enum import StrEnum

from app.kit.countries import ISO_3166_ALPHA2
from app.models.enums import Currency, LandUse, ProjectState, ProjectStatus, ZoneKind, ZoneStatus


class Entity(StrEnum):
    ZONES = "zones"
    PROJECTS = "projects"
    CLEARANCE = "clearance"


class Kind(StrEnum):
    """How a column's cells are read and written."""

    TEXT = "text"
    NOTE = "note"  # text that may hold newlines
    CODE = "code"  # text compared case-insensitively, stored upper-cased
    AREA = "area"  # hectares, up to 4 decimal places
    DECIMAL = "decimal"  # money, up to 2 decimal places
    INTEGER = "integer"
    COORDINATE = "coordinate"
    DATE = "date"
    CHOICE = "choice"  # one of `choices`, case-insensitive


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    label_vi: str
    label_en: str
    help_vi: str
    help_en: str
    required: bool = False
    choices: tuple[str, ...] = ()
    # Shown in exports for the reader, ignored by the importer (the API sets it).
    read_only: bool = False
    example: object = None


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


ZONE_COLUMNS = (
    Column(
        "code",
        Kind.CODE,
        "Mã khu/cụm",
        "Code",
        "Mã duy nhất, chữ in hoa, số và dấu gạch ngang (2-40 ký tự); dùng để nhận ra dòng đã có.",
        "Unique code: capital letters, digits and hyphens (2-40); matches rows to stored zones.",
        required=True,
        example="CCN-DONG-TAM",
    ),
    Column(
        "name",
        Kind.TEXT,
        "Tên",
        "Name",
        "Tên khu/cụm công nghiệp (tối đa 200 ký tự).",
        "Name of the park or cluster (up to 200 characters).",
        required=True,
        example="Cụm công nghiệp Đồng Tâm",
    ),
    Column(
        "kind",
        Kind.CHOICE,
        "Loại",
        "Kind",
        "park = khu công nghiệp (KCN), cluster = cụm công nghiệp (CCN).",
        "park = industrial park (KCN), cluster = industrial cluster (CCN).",
        required=True,
        choices=_values(ZoneKind),
        example="cluster",
    ),
    Column(
        "province",
        Kind.TEXT,
        "Tỉnh/thành phố",
        "Province",
        "Tỉnh, thành phố (tối đa 100 ký tự).",
        "Province or city (up to 100 characters).",
        required=True,
        example="Phú Thọ",
    ),
    Column(
        "locality",
        Kind.TEXT,
        "Địa bàn",
        "Locality",
        "Xã, phường (không bắt buộc).",
        "Commune or ward (optional).",
        example="Xã Đồng Tâm",
    ),
    Column(
        "status",
        Kind.CHOICE,
        "Tình trạng",
        "Status",
        "planned = quy hoạch, under_construction = đang xây dựng, operating = đang hoạt động, "
        "suspended = tạm dừng, closed = đã đóng. Để trống: planned.",
        "Planning stage; empty means planned.",
        choices=_values(ZoneStatus),
        example="operating",
    ),
    Column(
        "established_on",
        Kind.DATE,
        "Ngày quyết định thành lập",
        "Established on",
        "Ngày quyết định thành lập (ô ngày, YYYY-MM-DD hoặc DD/MM/YYYY).",
        "Date of the establishment decision (date cell, YYYY-MM-DD or DD/MM/YYYY).",
        example="2019-05-20",
    ),
    Column(
        "decision_no",
        Kind.TEXT,
        "Số quyết định",
        "Decision no.",
        "Số quyết định thành lập.",
        "Number of the establishment decision.",
        example="1234/QĐ-UBND",
    ),
    Column(
        "developer",
        Kind.TEXT,
        "Chủ đầu tư hạ tầng",
        "Developer",
        "Doanh nghiệp đầu tư hạ tầng.",
        "Infrastructure investor.",
        example="Công ty CP Hạ tầng Đồng Tâm",
    ),
    Column(
        "total_area_ha",
        Kind.AREA,
        "Tổng diện tích (ha)",
        "Total area (ha)",
        "Tổng diện tích quy hoạch, ha, lớn hơn 0.",
        "Planned total area in hectares, above 0.",
        required=True,
        example=75,
    ),
    Column(
        "industrial_land_ha",
        Kind.AREA,
        "Đất công nghiệp (ha)",
        "Industrial land (ha)",
        "Diện tích đất công nghiệp cho thuê được, ha.",
        "Leasable industrial land, ha.",
        required=True,
        example=52.5,
    ),
    Column(
        "service_land_ha",
        Kind.AREA,
        "Đất dịch vụ (ha)",
        "Service land (ha)",
        "Diện tích đất dịch vụ cho thuê được, ha; để trống: 0.",
        "Leasable service land, ha; empty means 0.",
        example=3,
    ),
    Column(
        "clearance_required_ha",
        Kind.AREA,
        "Diện tích cần GPMB (ha)",
        "Clearance required (ha)",
        "Diện tích cần giải phóng mặt bằng, ha; để trống: bằng tổng diện tích.",
        "Area that needs land clearance, ha; empty means the total area.",
        example=75,
    ),
    Column(
        "latitude",
        Kind.COORDINATE,
        "Vĩ độ",
        "Latitude",
        "WGS 84, cùng với kinh độ.",
        "WGS 84, together with longitude.",
        example=21.3,
    ),
    Column(
        "longitude",
        Kind.COORDINATE,
        "Kinh độ",
        "Longitude",
        "WGS 84, cùng với vĩ độ.",
        "WGS 84, together with latitude.",
        example=105.5,
    ),
    Column(
        "effective_from",
        Kind.DATE,
        "Áp dụng từ ngày",
        "Effective from",
        "Ngày các giá trị mới bắt đầu có hiệu lực; để trống: ngày thành lập khi tạo mới, "
        "hôm nay khi sửa.",
        "From when the values hold; empty means the establishment date for a new zone, "
        "today for a change.",
    ),
)

PROJECT_COLUMNS = (
    Column(
        "id",
        Kind.INTEGER,
        "Mã hệ thống",
        "Id",
        "Để trống khi thêm mới; giữ nguyên số đã xuất ra khi sửa.",
        "Leave empty for a new project; keep the exported number to update one.",
    ),
    Column(
        "zone_code",
        Kind.CODE,
        "Mã khu/cụm",
        "Zone code",
        "Mã của khu/cụm có dự án thuê đất.",
        "Code of the zone the project leases land in.",
        required=True,
        example="CCN-DONG-TAM",
    ),
    Column(
        "project_code",
        Kind.TEXT,
        "Mã dự án",
        "Project code",
        "Mã số dự án / số GCN đăng ký đầu tư, duy nhất (không bắt buộc).",
        "Investment project code / IRC number, unique (optional).",
        example="2315834567",
    ),
    Column(
        "name",
        Kind.TEXT,
        "Tên dự án",
        "Project name",
        "Tên dự án (tối đa 200 ký tự).",
        "Project name (up to 200 characters).",
        required=True,
        example="Nhà máy may Đồng Tâm",
    ),
    Column(
        "investor",
        Kind.TEXT,
        "Nhà đầu tư",
        "Investor",
        "Tên nhà đầu tư.",
        "Investor's name.",
        required=True,
        example="Công ty TNHH May Đồng Tâm",
    ),
    Column(
        "investor_country",
        Kind.CODE,
        "Quốc gia nhà đầu tư",
        "Investor country",
        "Mã quốc gia ISO 3166-1 hai chữ cái: VN trong nước, còn lại là FDI.",
        "ISO 3166-1 alpha-2 country code: VN is domestic, any other is FDI.",
        required=True,
        choices=tuple(sorted(ISO_3166_ALPHA2)),
        example="VN",
    ),
    Column(
        "sector",
        Kind.TEXT,
        "Ngành (VSIC)",
        "Sector (VSIC)",
        "Mã ngành VSIC 2018, 1-5 chữ số.",
        "VSIC 2018 code, 1-5 digits.",
        example="1410",
    ),
    Column(
        "registered_capital",
        Kind.DECIMAL,
        "Vốn đăng ký",
        "Registered capital",
        "Vốn đăng ký, không âm; cần có đơn vị tiền.",
        "Registered capital, with its currency.",
        example=120000000000,
    ),
    Column(
        "capital_currency",
        Kind.CHOICE,
        "Đơn vị tiền",
        "Currency",
        "VND hoặc USD.",
        "VND or USD.",
        choices=_values(Currency),
        example="VND",
    ),
    Column(
        "land_use",
        Kind.CHOICE,
        "Loại đất thuê",
        "Land use",
        "industrial = đất công nghiệp, service = đất dịch vụ; để trống: industrial.",
        "Industrial or service land; empty means industrial.",
        choices=_values(LandUse),
        example="industrial",
    ),
    Column(
        "leased_ha",
        Kind.AREA,
        "Diện tích thuê (ha)",
        "Leased (ha)",
        "Diện tích đất thuê, ha, lớn hơn 0.",
        "Leased area in hectares, above 0.",
        required=True,
        example=2.5,
    ),
    Column(
        "lease_start",
        Kind.DATE,
        "Ngày bắt đầu thuê",
        "Lease start",
        "Ngày bắt đầu thuê đất.",
        "First day of the lease.",
        required=True,
        example="2024-03-01",
    ),
    Column(
        "lease_end",
        Kind.DATE,
        "Ngày hết hạn thuê",
        "Lease end",
        "Ngày hết hạn hợp đồng, sau ngày bắt đầu (không bắt buộc).",
        "Contractual expiry, after the start (optional).",
        example="2074-03-01",
    ),
    Column(
        "status",
        Kind.CHOICE,
        "Tình trạng",
        "Status",
        "registered = đã đăng ký, under_construction = đang xây dựng, operating = đang hoạt "
        "động, suspended = tạm dừng; terminated chỉ để đọc (chấm dứt qua API).",
        "Project stage; terminated is read-only (terminate through the API).",
        choices=_values(ProjectState),
        example=ProjectStatus.REGISTERED.value,
    ),
    Column(
        "employees",
        Kind.INTEGER,
        "Số lao động",
        "Employees",
        "Số lao động, 0-1.000.000.",
        "Number of employees, 0-1,000,000.",
        example=350,
    ),
    Column(
        "terminated_on",
        Kind.DATE,
        "Ngày chấm dứt",
        "Terminated on",
        "Chỉ để đọc.",
        "Read-only.",
        read_only=True,
    ),
)

CLEARANCE_COLUMNS = (
    Column(
        "zone_code",
        Kind.CODE,
        "Mã khu/cụm",
        "Zone code",
        "Mã của khu/cụm.",
        "Code of the zone.",
        required=True,
        example="CCN-DONG-TAM",
    ),
    Column(
        "recorded_on",
        Kind.DATE,
        "Ngày số liệu",
        "Recorded on",
        "Ngày của số liệu lũy kế; mỗi khu/cụm một dòng mỗi ngày.",
        "Date of the cumulative figures; one row per zone and date.",
        required=True,
        example="2024-06-14",
    ),
    Column(
        "cleared_ha",
        Kind.AREA,
        "Đã GPMB lũy kế (ha)",
        "Cleared (ha)",
        "Diện tích đã giải phóng mặt bằng lũy kế, ha.",
        "Cumulative cleared area, ha.",
        required=True,
        example=40.25,
    ),
    Column(
        "households_total",
        Kind.INTEGER,
        "Tổng số hộ",
        "Households",
        "Tổng số hộ bị ảnh hưởng.",
        "Households affected.",
        example=120,
    ),
    Column(
        "households_relocated",
        Kind.INTEGER,
        "Số hộ đã di dời",
        "Households relocated",
        "Số hộ đã di dời lũy kế, không quá tổng số hộ.",
        "Households relocated so far, at most the total.",
        example=80,
    ),
    Column(
        "compensation_paid_vnd",
        Kind.INTEGER,
        "Đã bồi thường (đồng)",
        "Compensation paid (VND)",
        "Tiền bồi thường đã chi trả lũy kế, đồng.",
        "Compensation paid so far, whole đồng.",
        example=15000000000,
    ),
    Column(
        "note",
        Kind.NOTE,
        "Ghi chú",
        "Note",
        "Ghi chú (tối đa 2.000 ký tự).",
        "Note (up to 2,000 characters).",
        example="Đang chi trả đợt 2",
    ),
)

LAYOUTS: dict[Entity, tuple[Column, ...]] = {
    Entity.ZONES: ZONE_COLUMNS,
    Entity.PROJECTS: PROJECT_COLUMNS,
    Entity.CLEARANCE: CLEARANCE_COLUMNS,
}

# The columns that name a row's stored record.
NATURAL_KEYS: dict[Entity, tuple[str, ...]] = {
    Entity.ZONES: ("code",),
    Entity.PROJECTS: ("id", "project_code"),
    Entity.CLEARANCE: ("zone_code", "recorded_on"),
}


def columns(entity: Entity) -> tuple[Column, ...]:
    return LAYOUTS[entity]


def column(entity: Entity, name: str) -> Column:
    for candidate in LAYOUTS[entity]:
        if candidate.name == name:
            return candidate
    raise KeyError(name)
