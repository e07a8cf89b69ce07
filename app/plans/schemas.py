import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from app.kit.schema_types import (
    DateIn,
    InputModel,
    NumberOut,
    OutputModel,
    Text,
    json_number_schema,
    not_nullable,
    number_only,
)

INDICATOR_KEY = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
MAX_VALUE = Decimal(10) ** 12


def _indicator_key(value: str) -> str:
    if not INDICATOR_KEY.fullmatch(value):
        raise ValueError("must be a snake_case key: a-z, digits and _, 2-64 characters")
    return value


IndicatorKey = Annotated[
    str, AfterValidator(_indicator_key), Field(json_schema_extra={"pattern": INDICATOR_KEY.pattern})
]
ValueIn = Annotated[
    Decimal,
    BeforeValidator(number_only),
    Field(ge=-MAX_VALUE, le=MAX_VALUE, decimal_places=6, allow_inf_nan=False),
    json_number_schema(places=6, minimum=-MAX_VALUE, maximum=MAX_VALUE),
]
ValueOut = Annotated[Decimal | None, NumberOut]


class PlanCreate(InputModel):
    code: Annotated[str, Text(50)]
    title: Annotated[str, Text(300)]
    starts_on: DateIn
    ends_on: DateIn


class PlanUpdate(InputModel):
    model_config = ConfigDict(
        json_schema_extra=not_nullable("code", "title", "starts_on", "ends_on")
    )

    code: Annotated[str, Text(50)] | None = None
    title: Annotated[str, Text(300)] | None = None
    starts_on: DateIn | None = None
    ends_on: DateIn | None = None


class TargetCreate(InputModel):
    indicator: IndicatorKey
    target: ValueIn
    label: Annotated[str, Text(300)] | None = None


class ActualCreate(InputModel):
    indicator: IndicatorKey
    value: ValueIn
    as_of: DateIn
    source: Annotated[str, Text(300)] | None = None


class TargetRead(OutputModel):
    id: int
    indicator: str
    target: ValueOut
    label: str | None


class ActualRead(OutputModel):
    id: int
    indicator: str
    value: ValueOut
    as_of: date
    source: str | None
    created_at: datetime


class PlanRead(OutputModel):
    id: int
    code: str
    title: str
    starts_on: date
    ends_on: date
    targets: list[TargetRead]
    created_at: datetime
    updated_at: datetime


class IndicatorRead(OutputModel):
    indicator: str
    label: str
    unit: Literal["fraction", "ha", "count"]
    description: str
