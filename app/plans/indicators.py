"""The indicators the service computes from its own data, for plan reports.

Any other indicator a plan targets is "reported": its actual is entered through the API.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from app.reports import service as reports
from app.reports.params import ZoneSelection


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    indicator: str
    label: str
    unit: str
    description: str


CATALOGUE: tuple[IndicatorInfo, ...] = (
    IndicatorInfo(
        "park_occupancy_rate",
        "KCN occupancy (area-weighted)",
        "fraction",
        "Leased industrial land / industrial land of the established parks "
        "(under construction, operating or suspended).",
    ),
    IndicatorInfo(
        "cluster_occupancy_rate",
        "CCN occupancy (area-weighted)",
        "fraction",
        "Leased industrial land / industrial land of the established clusters.",
    ),
    IndicatorInfo(
        "park_mean_occupancy_rate",
        "KCN occupancy (mean of parks)",
        "fraction",
        "Plain mean of the established parks' occupancy rates.",
    ),
    IndicatorInfo(
        "cluster_mean_occupancy_rate",
        "CCN occupancy (mean of clusters)",
        "fraction",
        "Plain mean of the established clusters' occupancy rates.",
    ),
    IndicatorInfo(
        "industrial_area_ha",
        "Land for industry (KCN + CCN)",
        "ha",
        "Total area of every zone that is not closed, planned zones included.",
    ),
    IndicatorInfo(
        "leased_ha",
        "Leased land",
        "ha",
        "Industrial and service land leased in every zone that is not closed.",
    ),
    IndicatorInfo(
        "active_projects",
        "Investor projects with a lease in effect",
        "count",
        "Projects whose lease is in effect on the date, every zone not closed.",
    ),
    IndicatorInfo(
        "fdi_projects",
        "FDI projects with a lease in effect",
        "count",
        "Projects of foreign investors whose lease is in effect on the date.",
    ),
    IndicatorInfo(
        "clearance_rate",
        "Land clearance",
        "fraction",
        "Cleared area / area that needs clearing, every zone that is not closed.",
    ),
)
COMPUTED = {info.indicator: info for info in CATALOGUE}


def computed_values(session: Session, day: date, stall_days: int) -> dict[str, Decimal | None]:
    """Every computed indicator on `day`, from a handful of aggregate queries."""
    established = reports.occupancy_totals(session, ZoneSelection(scope="established"), day)
    everything = ZoneSelection(scope="all")
    all_zones = reports.occupancy_totals(session, everything, day).all
    investment = reports.investment_totals(session, everything, day)
    clearance = reports.clearance_totals(session, everything, day, stall_days)
    return {
        "park_occupancy_rate": established.park.occupancy_rate,
        "cluster_occupancy_rate": established.cluster.occupancy_rate,
        "park_mean_occupancy_rate": established.park.mean_occupancy_rate,
        "cluster_mean_occupancy_rate": established.cluster.mean_occupancy_rate,
        "industrial_area_ha": all_zones.total_area_ha,
        "leased_ha": all_zones.leased_industrial_ha + all_zones.leased_service_ha,
        "active_projects": Decimal(investment.projects.total),
        "fdi_projects": Decimal(investment.projects.fdi),
        "clearance_rate": clearance.clearance_rate,
    }
