import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from app.kit.countries import ISO_3166_ALPHA2
from app.kit.schema_types import (
    MAX_ID,
    AnyCase,
    AreaOut,
    DateIn,
    InputModel,
    Note,
    NumberOut,
    OutputModel,
    PositiveAreaIn,
    Text,
    json_number_schema,
    not_nullable,
    number_only,
    trim,
)
from app.models.enums import Currency, LandUse, ProjectState, ProjectStatus

SECTOR_PATTERN = re.compile(r"^[0-9]{1,5}$")
# VND has no minor unit in use (ISO 4217: 0 decimals), USD has cents; both bounds keep every
# accepted amount exact as a JSON number.
MAX_CAPITAL = Decimal(10) ** 15


def _country(value: str) -> str:
    if value not in ISO_3166_ALPHA2:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code, e.g. VN, JP, KR")
    return value


def _sector(value: str) -> str:
    if not SECTOR_PATTERN.fullmatch(value):
        raise ValueError("must be a VSIC 2018 code of 1-5 digits")
    return value


# In any case, upper-cased like zone codes: "vn" is VN.
CountryCode = Annotated[
    str,
    AnyCase(sorted(ISO_3166_ALPHA2), trimmed=True),
    BeforeValidator(trim),
    AfterValidator(_country),
]
CurrencyIn = Annotated[Currency, AnyCase(Currency)]
LandUseIn = Annotated[LandUse, AnyCase(LandUse)]
ProjectStatusIn = Annotated[ProjectStatus, AnyCase(ProjectStatus)]
SectorCode = Annotated[
    str,
    BeforeValidator(trim),
    AfterValidator(_sector),
    Field(json_schema_extra={"pattern": r"^\s*[0-9]{1,5}\s*$"}),
]
Capital = Annotated[
    Decimal,
    BeforeValidator(number_only),
    Field(ge=0, le=MAX_CAPITAL, decimal_places=2, allow_inf_nan=False),
    json_number_schema(places=2, minimum=0, maximum=MAX_CAPITAL),
]
Employees = Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(number_only)]
ZoneId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(number_only)]

# Fields that may be null; every other field, once set, always has a value.
NULLABLE_FIELDS = {
    "project_code",
    "sector",
    "registered_capital",
    "capital_currency",
    "lease_end",
    "employees",
}


class ProjectCreate(InputModel):
    zone_id: ZoneId
    name: Annotated[str, Text(200)]
    investor: Annotated[str, Text(200)]
    investor_country: CountryCode
    project_code: Annotated[str, Text(50)] | None = None
    sector: SectorCode | None = None
    registered_capital: Capital | None = None
    capital_currency: CurrencyIn | None = None
    land_use: LandUseIn = LandUse.INDUSTRIAL
    leased_ha: PositiveAreaIn
    lease_start: DateIn
    lease_end: DateIn | None = None
    status: ProjectStatusIn = ProjectStatus.REGISTERED
    employees: Employees | None = None


class ProjectUpdate(InputModel):
    """Any subset of the writable fields except zone_id; the merged project must obey every rule."""

    model_config = ConfigDict(
        json_schema_extra=not_nullable(
            "name", "investor", "investor_country", "land_use", "leased_ha", "lease_start", "status"
        )
    )

    name: Annotated[str, Text(200)] | None = None
    investor: Annotated[str, Text(200)] | None = None
    investor_country: CountryCode | None = None
    project_code: Annotated[str, Text(50)] | None = None
    sector: SectorCode | None = None
    registered_capital: Capital | None = None
    capital_currency: CurrencyIn | None = None
    land_use: LandUseIn | None = None
    leased_ha: PositiveAreaIn | None = None
    lease_start: DateIn | None = None
    lease_end: DateIn | None = None
    status: ProjectStatusIn | None = None
    employees: Employees | None = None


class ProjectTerminate(InputModel):
    terminated_on: DateIn
    reason: Annotated[str, Note(1000)]


class ProjectRead(OutputModel):
    id: int
    zone_id: int
    zone_code: str
    name: str
    investor: str
    investor_country: str
    fdi: bool
    project_code: str | None
    sector: str | None
    registered_capital: Annotated[Decimal | None, NumberOut]
    capital_currency: Currency | None
    land_use: LandUse
    leased_ha: AreaOut
    lease_start: date
    lease_end: date | None
    status: ProjectState
    employees: int | None
    terminated_on: date | None
    termination_reason: str | None
    created_at: datetime
    updated_at: datetime
