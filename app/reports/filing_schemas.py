"""Bodies of /api/v1/filings: a report filed with the parameters it was asked with."""

from datetime import date, datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import ConfigDict, Field

from app.kit.schema_types import AnyCase, DateIn, InputModel, Note, OutputModel, Text
from app.reports.params import Boundaries, Interval, Kind, PeriodParam, Scope

ReportName = Literal["occupancy", "occupancy/history", "clearance", "investment", "summary", "plan"]


class FilingParams(InputModel):
    """The report's query parameters, as its own endpoint takes them."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False)

    as_of: DateIn | None = None
    period: PeriodParam | None = None
    scope: Scope | None = None
    kind: Kind | None = None
    province: Annotated[str, Text(100)] | None = None
    boundaries: Boundaries | None = None
    from_: DateIn | None = Field(default=None, alias="from")
    to: DateIn | None = None
    interval: Interval | None = None
    plan_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class FilingCreate(InputModel):
    report: Annotated[ReportName, AnyCase(get_args(ReportName))]
    params: FilingParams = Field(default_factory=FilingParams)
    note: Annotated[str, Note(2000)] | None = None


class FilingRead(OutputModel):
    id: int
    report: ReportName
    params: dict[str, Any]
    period: str | None = Field(description="The TT14 period the report's date closes, if any.")
    as_of: date = Field(description="The report's date (the last point, for a history).")
    note: str | None
    filed_at: datetime
    filed_by: str
    sha256: str = Field(description="SHA-256 of the stored body, hex.")


class RestatedFigure(OutputModel):
    path: str
    filed: Any
    now: Any


class Restatement(OutputModel):
    filing_id: int
    recomputed_at: datetime
    unchanged: bool
    changes: list[RestatedFigure]
