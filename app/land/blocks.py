"""The occupancy and clearance blocks: how a zone's land figures read in every response.

Zones, reports and plans all show land through these two blocks, built from the pure values of
app.land.rates and app.land.clearance, so one figure never reads two ways.
"""

from datetime import date
from typing import Any

from pydantic import Field

from app.kit.schema_types import AreaOut, OutputModel, RateOut
from app.land.clearance import Clearance
from app.land.rates import M2_PER_HA, RATE_UNITS, Occupancy, scaled_number
from app.models.enums import ClearanceStatus


class OccupancyBlock(OutputModel):
    """The occupancy block: land and leased land on a date, with both rates."""

    as_of: date
    industrial_land_ha: AreaOut
    leased_industrial_ha: AreaOut
    service_land_ha: AreaOut
    leased_service_ha: AreaOut
    available_ha: AreaOut
    occupancy_rate: RateOut = Field(description="Leased industrial / industrial land.")
    occupancy_rate_incl_service: RateOut = Field(
        description="(Leased industrial + service) / (industrial + service land), Decree 35/2022."
    )


def occupancy_fields(occupancy: Occupancy) -> dict[str, Any]:
    """The occupancy block's fields (all but as_of) from the figures of app.land.rates."""
    return {
        "industrial_land_ha": occupancy.industrial_land_ha,
        "leased_industrial_ha": occupancy.leased_industrial_ha,
        "service_land_ha": occupancy.service_land_ha,
        "leased_service_ha": occupancy.leased_service_ha,
        "available_ha": occupancy.available_ha,
        "occupancy_rate": occupancy.occupancy_rate,
        "occupancy_rate_incl_service": occupancy.occupancy_rate_incl_service,
    }


class ClearanceBlock(OutputModel):
    required_ha: AreaOut
    cleared_ha: AreaOut
    clearance_rate: RateOut
    status: ClearanceStatus
    last_recorded_on: date | None
    last_progress_on: date | None
    stalled: bool


def clearance_fields(clearance: Clearance, day: date, stall_days: int) -> dict[str, Any]:
    """The clearance block's fields on `day`, from the figures of app.land.clearance."""
    return {
        "required_ha": clearance.required_ha,
        "cleared_ha": clearance.cleared_ha,
        "clearance_rate": clearance.clearance_rate,
        "status": clearance.status,
        "last_recorded_on": clearance.last_recorded_on,
        "last_progress_on": clearance.last_progress_on,
        "stalled": clearance.stalled(day, stall_days),
    }


def occupancy_json(
    as_of: str,
    industrial_m2: int,
    leased_industrial_m2: int,
    service_m2: int,
    leased_service_m2: int,
    rate: int | None,
    rate_incl_service: int | None,
) -> dict[str, Any]:
    """The occupancy block's fields as JSON values, from whole square metres and rate units
    (app.land.rates): the same figures `occupancy_fields` gives as decimals, written without a
    Decimal per figure, for reports over thousands of zones. Callers add their own fields to
    the dict after these (one dict per zone, not two merged)."""
    available = industrial_m2 + service_m2 - leased_industrial_m2 - leased_service_m2
    return {
        "as_of": as_of,
        "industrial_land_ha": scaled_number(industrial_m2, M2_PER_HA),
        "leased_industrial_ha": scaled_number(leased_industrial_m2, M2_PER_HA),
        "service_land_ha": scaled_number(service_m2, M2_PER_HA),
        "leased_service_ha": scaled_number(leased_service_m2, M2_PER_HA),
        "available_ha": scaled_number(available, M2_PER_HA),
        "occupancy_rate": scaled_number(rate, RATE_UNITS),
        "occupancy_rate_incl_service": scaled_number(rate_incl_service, RATE_UNITS),
    }
