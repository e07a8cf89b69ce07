"""The demo's zones: the industrial parks (KCN) and clusters (CCN) of Hòa Bình province.

The names are the real, published ones. Published sizes are kept where known: Lương Sơn about
83 ha, Bờ trái sông Đà 86.37 ha, Nam Lương Sơn and Nhuận Trạch about 200-213 ha, Yên Quang
201.1 ha (developer An Việt Hòa Bình), Lạc Thịnh 200 ha with 140 ha of industrial land, Thanh
Cao about 215 ha and Tân Vinh about 438 ha. Everything else here (other sizes, the split into
industrial and service land, developers, localities of the planned parks, dates, decision
numbers, coordinates) is plausible but approximate. The sizes not published add up to the
6,113.48 ha of land for industry (all zones that are not closed, planned ones included) that
the provincial review of plan 07-ĐA/TU, published on 24 June 2024, reports; that figure counts
the whole provincial plan, so the planned parks here are larger than they would be with every
planned zone listed.

`fill` is the shape of the synthetic occupancy on the review's date: the share of industrial
land a zone's leases hold relative to the others. app.demo.leases keeps the fills marked
published ("nearly full", "about 90 % full") and scales the others so that each group's
area-weighted occupancy comes out at the review's figure. Planned zones have no fill.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.models.enums import ZoneKind, ZoneStatus

PROVINCE = "Hòa Bình"


@dataclass(frozen=True, slots=True)
class DemoZone:
    code: str
    name: str
    kind: ZoneKind
    status: ZoneStatus
    locality: str
    total_area_ha: Decimal
    industrial_land_ha: Decimal
    service_land_ha: Decimal
    developer: str | None
    established_on: date | None
    decision_no: str | None
    latitude: float
    longitude: float
    fill: Decimal | None = None
    fill_published: bool = False


def _zone(
    code: str,
    name: str,
    kind: ZoneKind,
    status: ZoneStatus,
    locality: str,
    areas: tuple[str, str, str],
    developer: str | None,
    established_on: date | None,
    decision_no: str | None,
    position: tuple[float, float],
    fill: str | None = None,
    *,
    published: bool = False,
) -> DemoZone:
    total, industrial, service = (Decimal(a) for a in areas)
    return DemoZone(
        code=code,
        name=name,
        kind=kind,
        status=status,
        locality=locality,
        total_area_ha=total,
        industrial_land_ha=industrial,
        service_land_ha=service,
        developer=developer,
        established_on=established_on,
        decision_no=decision_no,
        latitude=position[0],
        longitude=position[1],
        fill=None if fill is None else Decimal(fill),
        fill_published=published,
    )


P, C = ZoneKind.PARK, ZoneKind.CLUSTER
PLANNED, BUILDING, OPERATING = (
    ZoneStatus.PLANNED,
    ZoneStatus.UNDER_CONSTRUCTION,
    ZoneStatus.OPERATING,
)

# areas: (total, industrial, service) in hectares
DEMO_ZONES: tuple[DemoZone, ...] = (
    # Established industrial parks (khu công nghiệp)
    _zone(
        "KCN-LUONG-SON",
        "Khu công nghiệp Lương Sơn",
        P,
        OPERATING,
        "xã Hòa Sơn, huyện Lương Sơn",
        ("82.91", "59.42", "3.86"),
        "Công ty Cổ phần Phát triển hạ tầng Khu công nghiệp Lương Sơn",
        date(2006, 4, 12),
        "736/QĐ-UBND",
        (20.8752, 105.5468),
        "0.97",
        published=True,
    ),
    _zone(
        "KCN-BO-TRAI-SONG-DA",
        "Khu công nghiệp bờ trái sông Đà",
        P,
        OPERATING,
        "phường Hữu Nghị, thành phố Hòa Bình",
        ("86.37", "60.05", "4.10"),
        "Công ty TNHH Đầu tư hạ tầng bờ trái sông Đà",
        date(2008, 9, 25),
        "2215/QĐ-UBND",
        (20.8241, 105.3462),
        "0.90",
        published=True,
    ),
    _zone(
        "KCN-NHUAN-TRACH",
        "Khu công nghiệp Nhuận Trạch",
        P,
        OPERATING,
        "xã Nhuận Trạch, huyện Lương Sơn",
        ("212.89", "151.37", "8.52"),
        "Công ty Cổ phần Khu công nghiệp Nhuận Trạch",
        date(2014, 11, 18),
        "1868/QĐ-UBND",
        (20.9214, 105.5783),
        "0.72",
    ),
    _zone(
        "KCN-NAM-LUONG-SON",
        "Khu công nghiệp Nam Lương Sơn",
        P,
        OPERATING,
        "xã Thành Lập, huyện Lương Sơn",
        ("206.64", "146.02", "7.90"),
        "Công ty Cổ phần Đầu tư Nam Lương Sơn",
        date(2016, 6, 7),
        "1432/QĐ-UBND",
        (20.8125, 105.6031),
        "0.55",
    ),
    _zone(
        "KCN-YEN-QUANG",
        "Khu công nghiệp Yên Quang",
        P,
        OPERATING,
        "xã Yên Quang, thành phố Hòa Bình",
        ("201.10", "141.18", "6.20"),
        "Công ty Cổ phần An Việt Hòa Bình",
        date(2019, 3, 21),
        "598/QĐ-UBND",
        (20.9187, 105.4324),
        "0.60",
    ),
    _zone(
        "KCN-BINH-PHU",
        "Khu công nghiệp Bình Phú (trước đây là Khu công nghiệp Mông Hóa)",
        P,
        BUILDING,
        "xã Mông Hóa, thành phố Hòa Bình",
        ("520.00", "364.35", "15.60"),
        "Công ty Cổ phần Đầu tư Bình Phú Hòa Bình",
        date(2020, 12, 30),
        "2958/QĐ-UBND",
        (20.8716, 105.4052),
        "0.35",
    ),
    _zone(
        "KCN-LAC-THINH",
        "Khu công nghiệp Lạc Thịnh",
        P,
        BUILDING,
        "xã Lạc Thịnh, huyện Yên Thủy",
        ("200.00", "140.00", "6.00"),
        "Công ty Cổ phần Phát triển công nghiệp Lạc Thịnh",
        date(2021, 8, 16),
        "1789/QĐ-UBND",
        (20.4423, 105.6587),
        "0.25",
    ),
    _zone(
        "KCN-THANH-HA",
        "Khu công nghiệp Thanh Hà",
        P,
        BUILDING,
        "xã Thanh Hà, huyện Lạc Thủy",
        ("612.50", "428.75", "18.40"),
        "Công ty Cổ phần Hạ tầng công nghiệp Thanh Hà",
        date(2022, 5, 10),
        "1012/QĐ-UBND",
        (20.5652, 105.7384),
        "0.20",
    ),
    # Parks proposed in the provincial plan
    _zone(
        "KCN-THANH-CAO",
        "Khu công nghiệp Thanh Cao",
        P,
        PLANNED,
        "xã Thanh Cao, huyện Lương Sơn",
        ("215.00", "150.50", "6.45"),
        None,
        None,
        None,
        (20.7835, 105.6342),
    ),
    _zone(
        "KCN-TAN-VINH",
        "Khu công nghiệp Tân Vinh",
        P,
        PLANNED,
        "xã Tân Vinh, huyện Lương Sơn",
        ("438.00", "306.60", "13.10"),
        None,
        None,
        None,
        (20.8628, 105.4987),
    ),
    _zone(
        "KCN-BAO-HIEU",
        "Khu công nghiệp Bảo Hiệu",
        P,
        PLANNED,
        "xã Bảo Hiệu, huyện Yên Thủy",
        ("640.00", "448.00", "19.20"),
        None,
        None,
        None,
        (20.4306, 105.5824),
    ),
    _zone(
        "KCN-YEN-THINH",
        "Khu công nghiệp Yên Thịnh",
        P,
        PLANNED,
        "huyện Yên Thủy",
        ("705.50", "493.85", "21.15"),
        None,
        None,
        None,
        (20.4012, 105.6275),
    ),
    _zone(
        "KCN-TAN-PHONG",
        "Khu công nghiệp Tân Phong",
        P,
        PLANNED,
        "xã Tân Phong, huyện Cao Phong",
        ("612.30", "428.60", "18.35"),
        None,
        None,
        None,
        (20.6967, 105.3618),
    ),
    _zone(
        "KCN-CAO-SON",
        "Khu công nghiệp Cao Sơn",
        P,
        PLANNED,
        "huyện Lương Sơn",
        ("769.69", "538.78", "23.09"),
        None,
        None,
        None,
        (20.8447, 105.6125),
    ),
    # Industrial clusters (cụm công nghiệp)
    _zone(
        "CCN-CHAM-MAT-DAN-CHU",
        "Cụm công nghiệp Chăm Mát – Dân Chủ",
        C,
        OPERATING,
        "phường Chăm Mát, thành phố Hòa Bình",
        ("38.52", "28.35", "0.80"),
        "Công ty Cổ phần Xây dựng và Thương mại Hòa Bình",
        date(2011, 7, 4),
        "1205/QĐ-UBND",
        (20.8036, 105.3557),
        "0.85",
    ),
    _zone(
        "CCN-YEN-MONG",
        "Cụm công nghiệp Yên Mông",
        C,
        OPERATING,
        "xã Yên Mông, thành phố Hòa Bình",
        ("49.86", "37.40", "1.10"),
        "Công ty TNHH Hạ tầng Yên Mông",
        date(2013, 10, 22),
        "1743/QĐ-UBND",
        (20.7942, 105.3105),
        "0.70",
    ),
    _zone(
        "CCN-TIEN-TIEN",
        "Cụm công nghiệp Tiên Tiến",
        C,
        OPERATING,
        "huyện Lạc Sơn",
        ("42.30", "31.10", "0.90"),
        "Công ty Cổ phần Đầu tư Tiên Tiến",
        date(2017, 4, 11),
        "842/QĐ-UBND",
        (20.4875, 105.4421),
        "0.30",
    ),
    _zone(
        "CCN-THINH-MINH-1",
        "Cụm công nghiệp Thịnh Minh 1",
        C,
        OPERATING,
        "xã Thịnh Minh, thành phố Hòa Bình",
        ("74.60", "55.20", "1.50"),
        "Công ty Cổ phần Phát triển công nghiệp Thịnh Minh",
        date(2018, 9, 5),
        "2037/QĐ-UBND",
        (20.7568, 105.4023),
        "0.45",
    ),
    _zone(
        "CCN-DONG-TAM",
        "Cụm công nghiệp Đồng Tâm",
        C,
        OPERATING,
        "xã Đồng Tâm, huyện Lạc Thủy",
        ("52.00", "39.00", "1.00"),
        "Công ty TNHH Đầu tư hạ tầng Lạc Thủy",
        date(2016, 3, 29),
        "611/QĐ-UBND",
        (20.4967, 105.7521),
        "0.40",
    ),
    _zone(
        "CCN-PHU-THANH-2",
        "Cụm công nghiệp Phú Thành II",
        C,
        OPERATING,
        "xã Phú Thành, huyện Lạc Thủy",
        ("46.85", "35.60", "0.75"),
        "Công ty Cổ phần Công nghiệp Phú Thành",
        date(2019, 6, 13),
        "1318/QĐ-UBND",
        (20.5338, 105.7086),
        "0.55",
    ),
    _zone(
        "CCN-THANH-NONG",
        "Cụm công nghiệp Thanh Nông",
        C,
        BUILDING,
        "xã Thanh Nông, huyện Lạc Thủy",
        ("68.10", "50.40", "1.40"),
        "Công ty Cổ phần Đầu tư Thanh Nông",
        date(2022, 11, 8),
        "2364/QĐ-UBND",
        (20.5891, 105.7612),
        "0",
    ),
    _zone(
        "CCN-XOM-RUT",
        "Cụm công nghiệp Xóm Rụt",
        C,
        OPERATING,
        "huyện Kim Bôi",
        ("24.50", "18.30", "0.40"),
        "Hợp tác xã Công nghiệp Kim Bôi",
        date(2015, 8, 20),
        "1490/QĐ-UBND",
        (20.6724, 105.5403),
        "0.60",
    ),
    _zone(
        "CCN-HOA-SON",
        "Cụm công nghiệp Hòa Sơn",
        C,
        BUILDING,
        "xã Hòa Sơn, huyện Lương Sơn",
        ("71.40", "53.20", "1.60"),
        "Công ty Cổ phần Phát triển hạ tầng Hòa Sơn",
        date(2021, 2, 24),
        "402/QĐ-UBND",
        (20.8689, 105.5552),
        "0.35",
    ),
    _zone(
        "CCN-PHONG-PHU",
        "Cụm công nghiệp Phong Phú",
        C,
        OPERATING,
        "xã Phong Phú, huyện Tân Lạc",
        ("31.20", "23.00", "0.60"),
        "Công ty TNHH Xây dựng Tân Lạc",
        date(2017, 12, 12),
        "2781/QĐ-UBND",
        (20.6153, 105.2417),
        "0.30",
    ),
    _zone(
        "CCN-DONG-LAI-THANH-HOI",
        "Cụm công nghiệp Đông Lai – Thanh Hối",
        C,
        BUILDING,
        "xã Đông Lai, huyện Tân Lạc",
        ("64.25", "48.10", "1.30"),
        "Công ty Cổ phần Đầu tư Đông Lai",
        date(2020, 7, 30),
        "1654/QĐ-UBND",
        (20.6508, 105.3109),
        "0.20",
    ),
    _zone(
        "CCN-TAY-PHONG",
        "Cụm công nghiệp Tây Phong",
        C,
        PLANNED,
        "xã Tây Phong, huyện Cao Phong",
        ("35.00", "26.00", "0.70"),
        None,
        None,
        None,
        (20.7214, 105.3286),
    ),
    _zone(
        "CCN-CHIENG-CHAU",
        "Cụm công nghiệp Chiềng Châu",
        C,
        PLANNED,
        "xã Chiềng Châu, huyện Mai Châu",
        ("12.00", "9.00", "0.20"),
        None,
        None,
        None,
        (20.6552, 105.0617),
    ),
)
