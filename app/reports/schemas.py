from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

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


class PlanReport(OutputModel):
    plan: PlanRef
    as_of: date
    rows: list[PlanReportRow]
