from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from app.kit.schema_types import (
    AreaIn,
    AreaOut,
    DateIn,
    InputModel,
    Note,
    OutputModel,
    not_nullable,
    number_only,
)

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
    note: Annotated[str, Note(2000)] | None = None

    @field_validator("households_relocated")
    @classmethod
    def _relocated_within_total(cls, relocated: int | None, info: ValidationInfo) -> int | None:
        """Reported under households_relocated, the figure to fix: the households relocated
        so far cannot outnumber those to relocate (the total is the survey's, which changes
        less often). Fields validate in order, so households_total is known here."""
        total = info.data.get("households_total")
        if total is not None and relocated is not None and relocated > total:
            raise ValueError(f"must not exceed households_total ({total})")
        return relocated


# Fields that may be null; the others, once set, always have a value.
NULLABLE_FIELDS = {"households_total", "households_relocated", "compensation_paid_vnd", "note"}


class ClearanceUpdate(InputModel):
    """Any subset of the writable fields; the merged record must obey every rule, checked
    against the zone's other records."""

    model_config = ConfigDict(json_schema_extra=not_nullable("recorded_on", "cleared_ha"))

    recorded_on: DateIn | None = None
    cleared_ha: AreaIn | None = None
    households_total: Households | None = None
    households_relocated: Households | None = None
    compensation_paid_vnd: Dong | None = None
    note: Annotated[str, Note(2000)] | None = None


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
