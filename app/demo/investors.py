"""The demo's synthetic investors: names, countries and sectors. None of them is real.

A park's investor is foreign (FDI) a little under half the time, a cluster's rarely; foreign
investors carry made-up brands of their country, domestic ones made-up Vietnamese trade names.
The project on an industrial lease makes something of a VSIC 2018 division, weighted by who
invests and where; the project on a service lease offers a service.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass

from app.kit.countries import DOMESTIC
from app.models.enums import LandUse, ZoneKind

FDI_COUNTRIES = {"KR": 30, "CN": 24, "JP": 18, "TW": 10, "TH": 5, "SG": 6, "US": 4, "DE": 3}
FDI_SHARE = {ZoneKind.PARK: 0.45, ZoneKind.CLUSTER: 0.08}

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
SECTOR_WEIGHTS: dict[str, dict[str, int]] = {
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
    ZoneKind.PARK: {
        "10": 14,
        "16": 12,
        "23": 10,
        "25": 14,
        "14": 12,
        "22": 10,
        "11": 6,
        "27": 6,
        "26": 4,
    },
    ZoneKind.CLUSTER: {"10": 22, "16": 22, "23": 18, "25": 14, "14": 12, "22": 8, "11": 4},
}
SERVICES = (
    ("52", "Trung tâm kho vận và logistics", 8),
    ("55", "Khu nhà ở cho chuyên gia và công nhân", 3),
    ("56", "Khu dịch vụ ăn uống và tiện ích", 12),
)


@dataclass(frozen=True, slots=True)
class Investor:
    """Who holds a lease and what the project there does."""

    name: str  # the company
    short: str  # its trade name, for the project's name
    country: str  # ISO 3166-1 alpha-2; DOMESTIC for a Vietnamese investor
    sector: str  # VSIC 2018 division
    product: str  # what the project makes or offers, for its name
    density: int  # people per hectare when operating

    @property
    def fdi(self) -> bool:
        return self.country != DOMESTIC


class Identities:
    """Makes up investors and project codes; names and codes never repeat."""

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

    def investor(self, kind: ZoneKind, land_use: LandUse) -> Investor:
        """A new investor, for a lease of `land_use` land in a zone of `kind`."""
        rng = self.rng
        fdi = rng.random() < FDI_SHARE[kind]
        country = self._pick(FDI_COUNTRIES) if fdi else DOMESTIC
        name, short = self._unique((lambda: self._foreign(country)) if fdi else self._domestic)
        if land_use == LandUse.SERVICE:
            sector, product, density = rng.choice(SERVICES)
        else:
            sector = self._pick(SECTOR_WEIGHTS["fdi" if fdi else kind])
            product, density = SECTORS[sector]
        return Investor(name, short, country, sector, product, density)

    def project_code(self) -> str:
        """A new project code, ten digits."""
        while True:
            code = f"254{self.rng.randrange(10**7):07d}"
            if code not in self.codes:
                self.codes.add(code)
                return code
