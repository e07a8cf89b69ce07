from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from app.kit.deps import SessionDep, SettingsDep, TodayDep
from app.kit.json_body import ExactJsonRoute
from app.kit.schema_types import DateIn, OutputModel
from app.reports import service
from app.reports.formats import GEOJSON_MEDIA_TYPE, Table, feature_collection, flatten
from app.reports.params import FormatParam, ReportDate, Selection
from app.reports.rendering import FILE_RESPONSES, json_data, render, zone_rows
from app.reports.schemas import (
    ClearanceReport,
    HistoryReport,
    InvestmentReport,
    OccupancyReport,
    SummaryReport,
)

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], route_class=ExactJsonRoute)


def _totals_table(totals: OutputModel) -> Table:
    data = json_data(totals)
    return Table("totals", [{"kind": kind, **values} for kind, values in data.items()])


@router.get(
    "/occupancy",
    response_model=OccupancyReport,
    responses=FILE_RESPONSES
    | {
        200: {
            "content": FILE_RESPONSES[200]["content"]
            | {GEOJSON_MEDIA_TYPE: {"schema": {"type": "object"}}}
        }
    },
)
def occupancy_report(
    session: SessionDep,
    day: ReportDate,
    selection: Selection,
    format: Annotated[
        Literal["json", "csv", "xlsx", "geojson"],
        Query(description="json (default), csv, xlsx or geojson."),
    ] = "json",
) -> Any:
    """Occupancy of every zone in scope on a date, with totals per kind (area-weighted and
    plain mean, on both legal bases)."""
    if format == "geojson":
        report, places = service.occupancy_map(session, selection, day)
        features = [(*places[row.id], json_data(row)) for row in report.zones if row.id in places]
        return JSONResponse(feature_collection(features), media_type=GEOJSON_MEDIA_TYPE)
    report = service.occupancy_report(session, selection, day)
    return render(
        report,
        format,
        "occupancy",
        day,
        lambda: [Table("zones", zone_rows(report.zones)), _totals_table(report.totals)],
    )


@router.get("/occupancy/history", response_model=HistoryReport, responses=FILE_RESPONSES)
def occupancy_history(
    session: SessionDep,
    today: TodayDep,
    selection: Selection,
    from_: Annotated[DateIn, Query(alias="from", description="First day, YYYY-MM-DD.")],
    to: Annotated[DateIn | None, Query(description="Last day, YYYY-MM-DD; default today.")] = None,
    interval: Literal["month", "quarter", "year"] = "month",
    format: FormatParam = "json",
) -> Any:
    """Occupancy totals at the end of each month, quarter or year in [from, to], with net
    absorption (leased land gained since the previous point). At most 400 points."""
    end = to or today
    report = service.history_report(session, selection, from_, end, interval)

    def tables() -> list[Table]:
        rows = []
        for point in report.points:
            row: dict[str, Any] = {"as_of": point.as_of.isoformat()}
            for kind in ("park", "cluster", "all"):
                totals = getattr(point, kind).model_dump(mode="json", exclude={"as_of"})
                row |= flatten(totals, f"{kind}_")
            rows.append(row)
        return [Table("points", rows)]

    return render(report, format, "occupancy-history", end, tables)


@router.get("/clearance", response_model=ClearanceReport, responses=FILE_RESPONSES)
def clearance_report(
    session: SessionDep,
    settings: SettingsDep,
    day: ReportDate,
    selection: Selection,
    format: FormatParam = "json",
) -> Any:
    """Land clearance of every zone in scope on a date, with totals and stalled zones."""
    report = service.clearance_report(session, selection, day, settings.stall_days)
    return render(
        report,
        format,
        "clearance",
        day,
        lambda: [
            Table("zones", zone_rows(report.zones)),
            Table("totals", [json_data(report.totals)]),
        ],
    )


@router.get("/investment", response_model=InvestmentReport, responses=FILE_RESPONSES)
def investment_report(
    session: SessionDep,
    day: ReportDate,
    selection: Selection,
    format: FormatParam = "json",
) -> Any:
    """Investor projects whose leases are in effect on a date: FDI and domestic, capital,
    employees, and land per country and per sector."""
    report = service.investment_report(session, selection, day)

    def tables() -> list[Table]:
        breakdown = [
            {"dimension": "country", "key": row.country, **json_data(row)}
            for row in report.by_country
        ] + [
            {"dimension": "sector", "key": row.sector, **json_data(row)} for row in report.by_sector
        ]
        for row in breakdown:
            row.pop("country", None)
            row.pop("sector", None)
        totals = flatten(json_data(report), "")
        for key in ("by_country", "by_sector"):
            totals.pop(key, None)
        indicators = [{"indicator": key, "value": value} for key, value in totals.items()]
        return [Table("breakdown", breakdown), Table("totals", indicators)]

    return render(report, format, "investment", day, tables)


@router.get("/summary", response_model=SummaryReport, responses=FILE_RESPONSES)
def summary_report(
    session: SessionDep,
    settings: SettingsDep,
    day: ReportDate,
    selection: Selection,
    format: FormatParam = "json",
) -> Any:
    """One call for a dashboard: zone counts, occupancy, clearance and investment totals."""
    report = service.summary_report(session, selection, day, settings.stall_days)
    indicators = [
        {"indicator": key, "value": value} for key, value in flatten(json_data(report)).items()
    ]
    return render(report, format, "summary", day, lambda: [Table("indicators", indicators)])
