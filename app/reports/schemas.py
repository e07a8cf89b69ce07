from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from app.kit.schema_types import AreaOut, MoneyOut, NumberOut, OutputModel, RateOut
from app.land.blocks import OccupancyBlock
from app.models.enums import ClearanceStatus, IndicatorSource, ZoneKind, ZoneStatus


class OccupancyRow(OccupancyBlock):
    id: int
    code: str
    name: str
    kind: ZoneKind
    province: str
    status: ZoneStatus
    total_area_ha: AreaOut
    active_projects: int


class OccupancyTotals(OccupancyBlock):
    zones: int
    total_area_ha: AreaOut
    active_projects: int
    mean_occupancy_rate: RateOut = Field(
        description="Plain mean of the zone rates; zones without industrial land left out."
    )
    mean_occupancy_rate_incl_service: RateOut


class TotalsByKind(OutputModel):
    park: OccupancyTotals
    cluster: OccupancyTotals
    all: OccupancyTotals


class OccupancyReport(OutputModel):
    as_of: date
    scope: str
    kind: ZoneKind | None
    province: str | None
    zones: list[OccupancyRow]
    totals: TotalsByKind


class HistoryTotals(OccupancyTotals):
    net_absorption_ha: AreaOut | None = Field(
        description="Change of leased land (industrial + service) since the previous point."
    )


class HistoryPoint(OutputModel):
    as_of: date
    park: HistoryTotals
    cluster: HistoryTotals
    all: HistoryTotals


class HistoryReport(OutputModel):
    interval: Literal["month", "quarter", "year"]
    from_: date = Field(serialization_alias="from")
    to: date
    scope: str
    kind: ZoneKind | None
    province: str | None
    points: list[HistoryPoint]


class ClearanceRow(OutputModel):
    id: int
    code: str
    name: str
    kind: ZoneKind
    required_ha: AreaOut
    cleared_ha: AreaOut
    clearance_rate: RateOut
    status: ClearanceStatus
    last_recorded_on: date | None
    last_progress_on: date | None
    stalled: bool
    households_total: int | None
    households_relocated: int | None
    compensation_paid_vnd: int | None


class ClearanceTotals(OutputModel):
    required_ha: AreaOut
    cleared_ha: AreaOut
    clearance_rate: RateOut
    not_started: int
    in_progress: int
    completed: int
    stalled: int
    households_total: int
    households_relocated: int
    compensation_paid_vnd: int


class ClearanceReport(OutputModel):
    as_of: date
    scope: str
    kind: ZoneKind | None
    province: str | None
    stall_days: int
    zones: list[ClearanceRow]
    totals: ClearanceTotals


class ProjectCounts(OutputModel):
    total: int
    fdi: int
    domestic: int
    by_status: dict[str, int]


class RegisteredCapital(OutputModel):
    fdi_usd: MoneyOut
    fdi_vnd: MoneyOut
    domestic_usd: MoneyOut
    domestic_vnd: MoneyOut


class CountryRow(OutputModel):
    country: str
    projects: int
    leased_ha: AreaOut


class SectorRow(OutputModel):
    sector: str | None
    projects: int
    leased_ha: AreaOut


class InvestmentReport(OutputModel):
    as_of: date
    scope: str
    kind: ZoneKind | None
    province: str | None
    projects: ProjectCounts
    registered_capital: RegisteredCapital
    employees: int
    by_country: list[CountryRow]
    by_sector: list[SectorRow]


class ZoneCounts(OutputModel):
    total: int
    by_kind: dict[str, int]
    by_status: dict[str, int]
    by_kind_and_status: dict[str, dict[str, int]]


class InvestmentTotals(OutputModel):
    projects: ProjectCounts
    registered_capital: RegisteredCapital
    employees: int


class SummaryReport(OutputModel):
    as_of: date
    scope: str
    kind: ZoneKind | None
    province: str | None
    zones: ZoneCounts
    occupancy: TotalsByKind
    clearance: ClearanceTotals
    investment: InvestmentTotals


# Plan report ------------------------------------------------------------------------------

ValueOut = Annotated[Decimal | None, NumberOut]


class PlanRef(OutputModel):
    id: int
    code: str
    title: str
    starts_on: date
    ends_on: date


class PlanReportRow(OutputModel):
    indicator: str
    label: str | None
    target: ValueOut
    actual: ValueOut
    achievement: ValueOut = Field(description="actual / target, rounded half-up to 4 places.")
    source: IndicatorSource
    as_of_value: date | None = Field(description="The date the actual value is for.")
    projected: ValueOut = Field(
        default=None,
        description="The value at the plan's end if the last 24 months' net absorption goes "
        "on (park and cluster occupancy rates; null for other indicators and after the end).",
    )
    on_track: bool | None = Field(
        default=None, description="projected >= target; null without a projection."
    )


class PlanReport(OutputModel):
    plan: PlanRef
    as_of: date
    rows: list[PlanReportRow]


class ForecastFigures(OutputModel):
    """Where a zone or kind stands on the date, and where its absorption pace takes it."""

    industrial_land_ha: AreaOut | None
    leased_industrial_ha: AreaOut | None
    occupancy_rate: RateOut
    target_reached: bool = Field(description="The occupancy on the date is at the target or above.")
    absorption_ha_per_year: AreaOut | None = Field(
        description="Net absorption over the window: industrial land leased at its end minus "
        "at its start (from the zone's first day when it began inside the window), per year."
    )
    absorption_low_ha_per_year: AreaOut | None = Field(
        description="The slowest absorption over the 12-month spans of the window."
    )
    absorption_high_ha_per_year: AreaOut | None = Field(
        description="The fastest absorption over the 12-month spans of the window."
    )
    reaches_target_on: date | None = Field(
        description="When the occupancy reaches the target at the pace (the day it first did, "
        "when it already has); null when the pace is not positive or beyond 100 years."
    )
    reaches_target_on_low: date | None
    reaches_target_on_high: date | None
    projected_occupancy_rate: RateOut = Field(
        description="The occupancy at the end of the active plan at the pace (within 0 and 1)."
    )
    projected_occupancy_rate_low: RateOut
    projected_occupancy_rate_high: RateOut


class ForecastZone(ForecastFigures):
    id: int
    code: str
    name: str
    kind: ZoneKind
    province: str
    status: ZoneStatus


class ForecastKind(ForecastFigures):
    zones: int


class ForecastPlan(OutputModel):
    id: int
    code: str
    ends_on: date


class ForecastReport(OutputModel):
    as_of: date
    target: RateOut
    window: int = Field(description="Months of history the pace is taken over.")
    window_from: date
    scope: str
    kind: ZoneKind | None
    province: str | None
    plan: ForecastPlan | None = Field(description="The plan running on the date, if any.")
    zones: list[ForecastZone]
    totals: dict[str, ForecastKind]


AlertKind = Literal[
    "lease_expiring", "zone_nearly_full", "clearance_stalled", "indicator_off_track"
]


class AlertRef(OutputModel):
    id: int
    code: str | None = None
    name: str
    investor: str | None = None


class Alert(OutputModel):
    kind: AlertKind
    zone: AlertRef | None
    project: AlertRef | None
    figures: dict[str, Any] = Field(description="The figures the messages are made from.")
    message_vi: str
    message_en: str


class AlertsReport(OutputModel):
    as_of: date
    days: int = Field(description="How far ahead lease expiries are looked for.")
    scope: str
    kind: ZoneKind | None
    province: str | None
    counts: dict[AlertKind, int]
    alerts: list[Alert]
