"""The 2025 reorganisation of administrative units, as the demo's zones live through it.

On 1 July 2025 Hòa Bình, Vĩnh Phúc and Phú Thọ became one province, Phú Thọ, and districts
were abolished. Each demo zone gets a revision from that day: its locality without the
district (the commune alone, or none when only a district was known), and the province
merge itself, recorded through the same service as `POST /api/v1/provinces/merge`. The
communes merged at the same time are not modelled: the demo keeps the former commune names.
"""

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from app.demo.zones import DemoZone
from app.models import Zone
from app.zones.provinces import merge
from app.zones.service import add_revision

MERGED_ON = date(2025, 7, 1)
MERGED = ("Hòa Bình", "Vĩnh Phúc", "Phú Thọ")
INTO = "Phú Thọ"
COMMUNE_PREFIXES = ("xã ", "phường ", "thị trấn ")


def commune(locality: str | None) -> str | None:
    """'xã Hòa Sơn, huyện Lương Sơn' -> 'xã Hòa Sơn'; 'huyện Kim Bôi' -> None."""
    first = (locality or "").split(",")[0].strip()
    return first if first.startswith(COMMUNE_PREFIXES) else None


def reorganise(session: Session, zones: Mapping[str, Zone], specs: Mapping[str, DemoZone]) -> None:
    for code, zone in zones.items():
        add_revision(session, zone, MERGED_ON, {"locality": commune(specs[code].locality)})
    merge(session, MERGED, INTO, MERGED_ON)
