from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from app.deps import SessionDep, SettingsDep, TodayDep
from app.reports import service
from app.reports.formats import (
    CSV_MEDIA_TYPE,
    GEOJSON_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Table,
    feature_collection,
    flatten,
    to_csv,
    to_xlsx,
)
from app.reports.params import FormatParam, ReportDate, Selection
from app.reports.schemas import (
    ClearanceReport,
    HistoryReport,
    InvestmentReport,
    OccupancyReport,
    SummaryReport,
)
from app.schema_types import DateIn, OutputModel

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
            XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        }
    }
}


def _json(model: OutputModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


# Columns that name a zone come first in zone tables.
ZONE_IDENTITY = ("id", "code", "name", "kind", "province", "status")


def _rows(items: Sequence[OutputModel]) -> list[dict[str, Any]]:
    rows = [flatten(item.model_dump(mode="json", by_alias=True)) for item in items]
    return [
        {key: row[key] for key in ZONE_IDENTITY if key in row}
        | {key: value for key, value in row.items() if key not in ZONE_IDENTITY}
        for row in rows
    ]


def _file(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _render(
    report: OutputModel,
    fmt: str,
    name: str,
    day: date,
    tables: Callable[[], list[Table]],
) -> Any:
    if fmt == "json":
        return report
    filename = f"{name}-{day.isoformat()}"
    if fmt == "csv":
        return _file(to_csv(tables()[0]), CSV_MEDIA_TYPE, f"{filename}.csv")
    return _file(to_xlsx(tables()), XLSX_MEDIA_TYPE, f"{filename}.xlsx")


def _totals_table(totals: OutputModel) -> Table:
    data = _json(totals)
    return Table("totals", [{"kind": kind, **values} for kind, values in data.items()])


@router.get("/occupancy", response_model=OccupancyReport, responses=FILE_RESPONSES | {
    200: {"content": FILE_RESPONSES[200]["content"] | {GEOJSON_MEDIA_TYPE: {"schema": {"type": "object"}}}}
})
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
    report = service.occupancy_report(session, selection, day)
    if format == "geojson":
        coordinates = service.zone_coordinates(session, [row.id for row in report.zones])
        features = [
            (*coordinates[row.id], _json(row)) for row in report.zones if row.id in coordinates
        ]
        return JSONResponse(feature_collection(features), media_type=GEOJSON_MEDIA_TYPE)
    return _render(
        report,
        format,
        "occupancy",
        day,
        lambda: [Table("zones", _rows(report.zones)), _totals_table(report.totals)],
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

    return _render(report, format, "occupancy-history", end, tables)


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
    return _render(
        report,
        format,
        "clearance",
        day,
        lambda: [Table("zones", _rows(report.zones)), Table("totals", [_json(report.totals)])],
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
            {"dimension": "country", "key": row.country, **_json(row)} for row in report.by_country
        ] + [{"dimension": "sector", "key": row.sector, **_json(row)} for row in report.by_sector]
        for row in breakdown:
            row.pop("country", None)
            row.pop("sector", None)
        totals = flatten(_json(report), "")
        for key in ("by_country", "by_sector"):
            totals.pop(key, None)
        indicators = [{"indicator": key, "value": value} for key, value in totals.items()]
        return [Table("breakdown", breakdown), Table("totals", indicators)]

    return _render(report, format, "investment", day, tables)


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
        {"indicator": key, "value": value} for key, value in flatten(_json(report)).items()
    ]
    return _render(report, format, "summary", day, lambda: [Table("indicators", indicators)])
