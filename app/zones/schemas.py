import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from app.kit.schema_types import (
    AnyCase,
    AreaIn,
    AreaOut,
    DateIn,
    InputModel,
    OutputModel,
    PositiveAreaIn,
    RateOut,
    Text,
    not_nullable,
    number_only,
)
from app.land.blocks import ClearanceBlock
from app.models.enums import ZoneKind, ZoneStatus

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9-]{1,39}$")


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _code_shape(value: str) -> str:
    if not CODE_PATTERN.fullmatch(value):
        raise ValueError("must start with a letter and hold 2-40 letters A-Z, digits or hyphens")
    return value


ZoneCode = Annotated[
    str,
    BeforeValidator(_upper),
    AfterValidator(_code_shape),
    Field(json_schema_extra={"pattern": r"^\s*[A-Za-z][A-Za-z0-9-]{1,39}\s*$"}),
]
KindIn = Annotated[ZoneKind, AnyCase(ZoneKind)]
StatusIn = Annotated[ZoneStatus, AnyCase(ZoneStatus)]
Latitude = Annotated[float, Field(ge=-90, le=90), BeforeValidator(number_only)]
Longitude = Annotated[float, Field(ge=-180, le=180), BeforeValidator(number_only)]

# Fields that may be null; every other field of a zone, once set, always has a value.
NULLABLE_FIELDS = {
    "locality",
    "established_on",
    "decision_no",
    "developer",
    "latitude",
    "longitude",
}


class ZoneCreate(InputModel):
    code: ZoneCode
    name: Annotated[str, Text(200)]
    kind: KindIn
    province: Annotated[str, Text(100)]
    locality: Annotated[str, Text(100)] | None = None
    status: StatusIn = ZoneStatus.PLANNED
    established_on: DateIn | None = None
    decision_no: Annotated[str, Text(100)] | None = None
    developer: Annotated[str, Text(200)] | None = None
    total_area_ha: PositiveAreaIn
    industrial_land_ha: AreaIn
    service_land_ha: AreaIn = Decimal(0)
    clearance_required_ha: AreaIn | None = Field(
        default=None, description="Defaults to total_area_ha."
    )
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    effective_from: DateIn | None = Field(
        default=None,
        description="From when the time-varying values hold; default established_on, "
        "and without either from the beginning.",
    )


class ZoneUpdate(InputModel):
    """Any subset of the writable fields; the merged zone must obey every rule."""

    model_config = ConfigDict(
        json_schema_extra=not_nullable(
            "code",
            "name",
            "kind",
            "province",
            "status",
            "total_area_ha",
            "industrial_land_ha",
            "service_land_ha",
            "clearance_required_ha",
        )
    )

    code: ZoneCode | None = None
    name: Annotated[str, Text(200)] | None = None
    kind: KindIn | None = None
    province: Annotated[str, Text(100)] | None = None
    locality: Annotated[str, Text(100)] | None = None
    status: StatusIn | None = None
    established_on: DateIn | None = None
    decision_no: Annotated[str, Text(100)] | None = None
    developer: Annotated[str, Text(200)] | None = None
    total_area_ha: PositiveAreaIn | None = None
    industrial_land_ha: AreaIn | None = None
    service_land_ha: AreaIn | None = None
    clearance_required_ha: AreaIn | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    effective_from: DateIn | None = Field(
        default=None,
        description="From when the time-varying fields set here hold (back-dating allowed); "
        "default today.",
    )


class ZoneRead(OutputModel):
    id: int
    code: str
    name: str
    kind: ZoneKind
    province: str
    locality: str | None
    status: ZoneStatus
    established_on: date | None
    decision_no: str | None
    developer: str | None
    total_area_ha: AreaOut
    industrial_land_ha: AreaOut
    service_land_ha: AreaOut
    clearance_required_ha: AreaOut
    latitude: float | None
    longitude: float | None
    leased_industrial_ha: AreaOut
    leased_service_ha: AreaOut
    available_ha: AreaOut
    occupancy_rate: RateOut
    occupancy_rate_incl_service: RateOut
    active_projects: int
    clearance: ClearanceBlock
    created_at: datetime
    updated_at: datetime


class ZoneRevisionRead(OutputModel):
    """One revision: the time-varying fields it set, from `effective_from` on (null: from
    the beginning)."""

    effective_from: date | None
    changes: dict[str, Any]
    recorded_at: datetime
    recorded_by: str


class ZoneHistory(OutputModel):
    items: list[ZoneRevisionRead]


class ProvinceMerge(InputModel):
    """Put the zones of some provinces under another from a date on."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False)

    sources: list[Annotated[str, Text(100)]] = Field(
        alias="from", min_length=1, max_length=100, description="The provinces merged."
    )
    into: Annotated[str, Text(100)]
    effective_from: DateIn


class MovedZoneRead(OutputModel):
    id: int
    code: str
    name: str
    from_province: str


class ProvinceMergeResult(OutputModel):
    into: str
    effective_from: date
    moved: list[MovedZoneRead]
    by_province: dict[str, int] = Field(description="Zones moved, per merged province.")


class ProvinceRead(OutputModel):
    name: str
    zones: int
    parks: int
    clusters: int


class ProvinceList(OutputModel):
    as_of: date
    items: list[ProvinceRead]
