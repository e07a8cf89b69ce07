from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from app.occupancy import Clearance
from app.schema_types import (
    AreaIn,
    AreaOut,
    DateIn,
    InputModel,
    Note,
    OutputModel,
    RateOut,
    number_only,
)

ClearanceStatus = Literal["not_started", "in_progress", "completed"]

Households = Annotated[int, Field(ge=0, le=10_000_000), BeforeValidator(number_only)]
# Whole đồng, up to 10^16 (ten million billion): exact as a JSON number.
Dong = Annotated[int, Field(ge=0, le=10**16), BeforeValidator(number_only)]

# Figures that are cumulative, so they never go down from one record to a later one.
CUMULATIVE_FIELDS = ("cleared_ha", "households_relocated", "compensation_paid_vnd")


class ClearanceCreate(InputModel):
    recorded_on: DateIn
    cleared_ha: AreaIn
    households_total: Households | None = None
    households_relocated: Households | None = None
    compensation_paid_vnd: Dong | None = None
    note: Note(2000) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _relocated_within_total(self) -> "ClearanceCreate":
        if (
            self.households_total is not None
            and self.households_relocated is not None
            and self.households_relocated > self.households_total
        ):
            raise ValueError("households_relocated must not exceed households_total")
        return self


class ClearanceRead(OutputModel):
    id: int
    zone_id: int
    recorded_on: date
    cleared_ha: AreaOut
    households_total: int | None
    households_relocated: int | None
    compensation_paid_vnd: int | None
    note: str | None
    created_at: datetime


class ClearanceBlock(OutputModel):
    required_ha: AreaOut
    cleared_ha: AreaOut
    clearance_rate: RateOut
    status: ClearanceStatus
    last_recorded_on: date | None
    last_progress_on: date | None
    stalled: bool


def clearance_fields(clearance: Clearance, day: date, stall_days: int) -> dict[str, Any]:
    """The clearance block's fields on `day`, from the figures of app.occupancy."""
    return {
        "required_ha": clearance.required_ha,
        "cleared_ha": clearance.cleared_ha,
        "clearance_rate": clearance.clearance_rate,
        "status": clearance.status,
        "last_recorded_on": clearance.last_recorded_on,
        "last_progress_on": clearance.last_progress_on,
        "stalled": clearance.stalled(day, stall_days),
    }
