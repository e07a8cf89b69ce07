"""Parameters every report takes: the date (as_of or period), filters and format."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal, get_args

from fastapi import Depends, Query
from pydantic import AfterValidator, Field

from app.kit.deps import TodayDep
from app.kit.errors import InvalidValues
from app.kit.schema_types import AnyCase, DateIn, QueryText
from app.models.enums import ESTABLISHED_STATUSES, ZoneKind, ZoneStatus

ScopeValue = Literal["established", "operating", "all"]
FormatValue = Literal["json", "csv", "xlsx"]
BoundariesValue = Literal["as_of", "current"]
IntervalValue = Literal["month", "quarter", "year"]
# Every enumerated parameter is accepted in any case (kit.schema_types.AnyCase).
Scope = Annotated[ScopeValue, AnyCase(get_args(ScopeValue))]
Format = Annotated[FormatValue, AnyCase(get_args(FormatValue))]
Boundaries = Annotated[BoundariesValue, AnyCase(get_args(BoundariesValue))]
Interval = Annotated[IntervalValue, AnyCase(get_args(IntervalValue))]
Kind = Annotated[ZoneKind, AnyCase(ZoneKind)]

PERIOD = re.compile(r"([0-9]{4})(-H1)?", re.IGNORECASE)

# Statuses each scope counts; `all` is every zone that is not closed, and `any` (not a
# query value: the summary's zone counts) every zone whatever its status.
SCOPE_STATUSES: dict[str, tuple[str, ...]] = {
    "established": ESTABLISHED_STATUSES,
    "operating": (ZoneStatus.OPERATING,),
    "all": (ZoneStatus.PLANNED, *ESTABLISHED_STATUSES),
    "any": tuple(ZoneStatus),
}


def period_date(period: str) -> date:
    """`YYYY-H1` is 14 June (half-year cut-off), `YYYY` is 14 December (annual cut-off)."""
    match = PERIOD.fullmatch(period)
    if match is None:
        raise ValueError("must be YYYY (annual, 14 December) or YYYY-H1 (half-year, 14 June)")
    year = int(match.group(1))
    if year < 1900:
        raise ValueError("year must be 1900 or later")
    return date(year, 6, 14) if match.group(2) else date(year, 12, 14)


def _valid_period(value: str) -> str:
    period_date(value)
    return value.upper()


# "2024-h1" is "2024-H1".
PeriodParam = Annotated[
    str,
    AfterValidator(_valid_period),
    Field(json_schema_extra={"pattern": r"^(19|[2-9][0-9])[0-9]{2}(-[Hh]1)?$"}),
]


async def report_date(
    today: TodayDep,
    as_of: Annotated[
        DateIn | None, Query(description="Report date, YYYY-MM-DD; default today.")
    ] = None,
    period: Annotated[
        PeriodParam | None,
        Query(description="Instead of as_of: YYYY-H1 (14 June) or YYYY (14 December)."),
    ] = None,
) -> date:
    if as_of is not None and period is not None:
        raise InvalidValues("period", "give as_of or period, not both")
    if period is not None:
        return period_date(period)
    return as_of or today


ReportDate = Annotated[date, Depends(report_date)]


@dataclass(frozen=True, slots=True)
class ZoneSelection:
    """Which zones a report covers. Each zone counts with its values on the report date
    (status for the scope, province); under boundaries=current it is put under the province
    it belongs to on `today` instead."""

    scope: str = "established"
    kind: str | None = None
    province: str | None = None
    boundaries: str = "as_of"
    today: date | None = None

    @property
    def statuses(self) -> tuple[str, ...]:
        return SCOPE_STATUSES[self.scope]


async def zone_selection(
    today: TodayDep,
    scope: Annotated[
        Scope, Query(description="established (default), operating or all (not closed).")
    ] = "established",
    kind: Kind | None = None,
    province: Annotated[Annotated[str, QueryText(100)] | None, Query()] = None,
    boundaries: Annotated[
        Boundaries,
        Query(
            description="as_of (default): each zone under its province on the report date; "
            "current: under its province today, so a series across a reorganisation compares."
        ),
    ] = "as_of",
) -> ZoneSelection:
    return ZoneSelection(
        scope=scope, kind=kind, province=province, boundaries=boundaries, today=today
    )


Selection = Annotated[ZoneSelection, Depends(zone_selection)]
FormatParam = Annotated[Format, Query(description="json (default), csv or xlsx.")]
