from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.kit.deps import IdPath, SessionDep, SettingsDep, TodayDep
from app.kit.json_body import ExactJsonRoute
from app.kit.schema_types import DateIn
from app.reports import plan, service
from app.reports.formats import GEOJSON_MEDIA_TYPE, Table, feature_collection, flatten
from app.reports.params import FormatParam, ReportDate, ReportTag, Selection
from app.reports.rendering import FILE_RESPONSES, json_bytes, json_data, render, zone_rows
from app.reports.schemas import (
    ClearanceReport,
    HistoryReport,
    InvestmentReport,
    OccupancyReport,
    PlanReport,
    SummaryReport,
)

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], route_class=ExactJsonRoute)
# The plan report is a report over a plan's targets; it is read under the plan's own path.
plan_router = APIRouter(prefix="/api/v1/plans", tags=["plans"], route_class=ExactJsonRoute)


def _totals_table(totals: dict[str, Any]) -> Table:
    return Table("totals", [{"kind": kind, **values} for kind, values in totals.items()])


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
    etag: ReportTag,
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
        features = service.occupancy_features(session, selection, day)
        collection = json_bytes(feature_collection(features))
        return Response(collection, media_type=GEOJSON_MEDIA_TYPE, headers={"ETag": etag})
    report = service.occupancy_document(session, selection, day)
    return render(
        report,
        format,
        "occupancy",
        day,
        lambda: [Table("zones", zone_rows(report["zones"])), _totals_table(report["totals"])],
        etag=etag,
    )


@router.get("/occupancy/history", response_model=HistoryReport, responses=FILE_RESPONSES)
def occupancy_history(
    session: SessionDep,
    etag: ReportTag,
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
    report = service.history_document(session, selection, from_, end, interval)

    def tables() -> list[Table]:
        rows = []
        for point in report["points"]:
            row: dict[str, Any] = {"as_of": point["as_of"]}
            for kind in ("park", "cluster", "all"):
                totals = {k: v for k, v in point[kind].items() if k != "as_of"}
                row |= flatten(totals, f"{kind}_")
            rows.append(row)
        return [Table("points", rows)]

    return render(report, format, "occupancy-history", end, tables, etag=etag)


@router.get("/clearance", response_model=ClearanceReport, responses=FILE_RESPONSES)
def clearance_report(
    session: SessionDep,
    etag: ReportTag,
    settings: SettingsDep,
    day: ReportDate,
    selection: Selection,
    format: FormatParam = "json",
) -> Any:
    """Land clearance of every zone in scope on a date, with totals and stalled zones."""
    report = service.clearance_document(session, selection, day, settings.stall_days)
    return render(
        report,
        format,
        "clearance",
        day,
        lambda: [
            Table("zones", zone_rows(report["zones"])),
            Table("totals", [report["totals"]]),
        ],
        etag=etag,
    )


@router.get("/investment", response_model=InvestmentReport, responses=FILE_RESPONSES)
def investment_report(
    session: SessionDep,
    etag: ReportTag,
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

    return render(report, format, "investment", day, tables, etag=etag)


@router.get("/summary", response_model=SummaryReport, responses=FILE_RESPONSES)
def summary_report(
    session: SessionDep,
    etag: ReportTag,
    settings: SettingsDep,
    day: ReportDate,
    selection: Selection,
    format: FormatParam = "json",
) -> Any:
    """One call for a dashboard: zone counts, occupancy, clearance and investment totals."""
    report = service.summary_document(session, selection, day, settings.stall_days)
    indicators = [{"indicator": key, "value": value} for key, value in flatten(report).items()]
    return render(
        report, format, "summary", day, lambda: [Table("indicators", indicators)], etag=etag
    )


@plan_router.get("/{plan_id}/report", response_model=PlanReport, responses=FILE_RESPONSES)
def plan_report(
    plan_id: IdPath,
    session: SessionDep,
    etag: ReportTag,
    settings: SettingsDep,
    day: ReportDate,
    format: FormatParam = "json",
) -> Any:
    """Each target with its actual on the date and the achievement (actual / target)."""
    report = plan.plan_report(session, plan_id, day, settings.stall_days)
    rows = [row.model_dump(mode="json") for row in report.rows]
    return render(report, format, "plan", day, lambda: [Table("indicators", rows)], etag=etag)
