"""The indicators the service computes from its own land data, which a plan may target
(app.reports.plan computes them); any other indicator is "reported": its actual is entered
through the API. Pure data: no I/O."""

from dataclasses import dataclass


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
