import base64
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

import orjson
from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.kit.conditional import DataTag
from app.kit.db import utcnow
from app.kit.deps import IdPath, SessionDep, SettingsDep, TodayDep
from app.kit.json_body import ExactJsonRoute
from app.kit.json_out import json_bytes
from app.kit.pagination import Page, PageDep, page_answer
from app.kit.schema_types import AnyCase, DateIn
from app.kit.uow import WorkDep
from app.models import Filing
from app.reports import alerts, filings, forecast, plan, service, tables
from app.reports.filing_schemas import (
    FilingCreate,
    FilingRead,
    ReportName,
    RestatedFigure,
    Restatement,
)
from app.reports.geojson import GEOJSON_MEDIA_TYPE, feature_collection
from app.reports.params import FormatParam, Interval, PeriodParam, ReportDate, Selection
from app.reports.rendering import FILE_RESPONSES, json_data, render
from app.reports.schemas import (
    AlertsReport,
    ClearanceReport,
    ForecastReport,
    HistoryReport,
    InvestmentReport,
    OccupancyReport,
    PlanReport,
    SummaryReport,
)
from app.sheets.responses import LangParam, SepParam

MapFormat = Literal["json", "csv", "xlsx", "geojson"]

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], route_class=ExactJsonRoute)
# The plan report is a report over a plan's targets; it is read under the plan's own path.
plan_router = APIRouter(prefix="/api/v1/plans", tags=["plans"], route_class=ExactJsonRoute)


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
    etag: DataTag,
    day: ReportDate,
    selection: Selection,
    format: Annotated[
        Annotated[MapFormat, AnyCase(get_args(MapFormat))],
        Query(description="json (default), csv, xlsx or geojson, in any case."),
    ] = "json",
    sep: SepParam = ",",
    lang: LangParam = None,
) -> Any:
    """Occupancy of every zone in scope on a date, with totals per kind (area-weighted and
    plain mean, on both legal bases)."""
    if format == "geojson":
        features = service.occupancy_features(session, selection, day)
        collection = json_bytes(feature_collection(features))
        return Response(collection, media_type=GEOJSON_MEDIA_TYPE, headers={"ETag": etag})
    # A JSON answer is written row by row; the files are made from the rows as values.
    report = service.occupancy_document(session, selection, day, written=format == "json")
    return render(
        report,
        format,
        "occupancy",
        day,
        lambda: tables.occupancy(report),
        etag=etag,
        sep=sep,
        lang=lang,
    )


@router.get("/occupancy/history", response_model=HistoryReport, responses=FILE_RESPONSES)
def occupancy_history(
    session: SessionDep,
    etag: DataTag,
    today: TodayDep,
    selection: Selection,
    from_: Annotated[DateIn, Query(alias="from", description="First day, YYYY-MM-DD.")],
    to: Annotated[DateIn | None, Query(description="Last day, YYYY-MM-DD; default today.")] = None,
    interval: Interval = "month",
    format: FormatParam = "json",
    sep: SepParam = ",",
    lang: LangParam = None,
) -> Any:
    """Occupancy totals at the end of each month, quarter or year in [from, to], with net
    absorption (leased land gained since the previous point). At most 400 points."""
    end = to or today
    report = service.history_document(session, selection, from_, end, interval)
    return render(
        report,
        format,
        "occupancy-history",
        end,
        lambda: tables.history(report),
        etag=etag,
        sep=sep,
        lang=lang,
    )


@router.get("/clearance", response_model=ClearanceReport, responses=FILE_RESPONSES)
def clearance_report(
    session: SessionDep,
    etag: DataTag,
    settings: SettingsDep,
    day: ReportDate,
    selection: Selection,
    format: FormatParam = "json",
    sep: SepParam = ",",
    lang: LangParam = None,
) -> Any:
    """Land clearance of every zone in scope on a date, with totals and stalled zones."""
    report = service.clearance_document(
        session, selection, day, settings.stall_days, written=format == "json"
    )
    return render(
        report,
        format,
        "clearance",
        day,
        lambda: tables.clearance(report),
        etag=etag,
        sep=sep,
        lang=lang,
    )


@router.get("/investment", response_model=InvestmentReport, responses=FILE_RESPONSES)
def investment_report(
    session: SessionDep,
    etag: DataTag,
    day: ReportDate,
    selection: Selection,
    format: FormatParam = "json",
    sep: SepParam = ",",
    lang: LangParam = None,
) -> Any:
    """Investor projects whose leases are in effect on a date: FDI and domestic, capital,
    employees, and land per country and per sector."""
    report = service.investment_report(session, selection, day)
    return render(
        report,
        format,
        "investment",
        day,
        lambda: tables.investment(json_data(report)),
        etag=etag,
        sep=sep,
        lang=lang,
    )


@router.get("/summary", response_model=SummaryReport, responses=FILE_RESPONSES)
def summary_report(
    session: SessionDep,
    etag: DataTag,
    settings: SettingsDep,
    day: ReportDate,
    selection: Selection,
    format: FormatParam = "json",
    sep: SepParam = ",",
    lang: LangParam = None,
) -> Any:
    """One call for a dashboard: zone counts, occupancy, clearance and investment totals."""
    report = service.summary_document(session, selection, day, settings.stall_days)
    return render(
        report,
        format,
        "summary",
        day,
        lambda: tables.summary(report),
        etag=etag,
        sep=sep,
        lang=lang,
    )


@router.get("/forecast", response_model=ForecastReport, responses=FILE_RESPONSES)
def forecast_report(
    session: SessionDep,
    etag: DataTag,
    day: ReportDate,
    selection: Selection,
    target: Annotated[
        Decimal,
        Query(gt=0, le=1, max_digits=5, decimal_places=4, description="Occupancy to reach, 0–1."),
    ] = Decimal("0.8"),
    window: Annotated[
        int, Query(ge=1, le=240, description="Months of history the pace is taken over.")
    ] = 24,
    format: FormatParam = "json",
    sep: SepParam = ",",
    lang: LangParam = None,
) -> Any:
    """When each zone and each kind reaches `target` occupancy at the net absorption pace of
    the last `window` months, with the range from the slowest and fastest 12 months of the
    window, and the occupancy projected at the end of the active plan. A linear pace is a
    projection, not a prediction."""
    report = forecast.forecast_document(session, selection, day, target, window)
    return render(
        report,
        format,
        "forecast",
        day,
        lambda: tables.forecast(report),
        etag=etag,
        sep=sep,
        lang=lang,
    )


@plan_router.get("/{plan_id}/report", response_model=PlanReport, responses=FILE_RESPONSES)
def plan_report(
    plan_id: IdPath,
    session: SessionDep,
    etag: DataTag,
    settings: SettingsDep,
    day: ReportDate,
    format: FormatParam = "json",
    sep: SepParam = ",",
    lang: LangParam = None,
) -> Any:
    """Each target with its actual on the date and the achievement (actual / target)."""
    report = plan.plan_report(session, plan_id, day, settings.stall_days)
    return render(
        report,
        format,
        "plan",
        day,
        lambda: tables.plan(json_data(report)),
        etag=etag,
        sep=sep,
        lang=lang,
    )


filings_router = APIRouter(prefix="/api/v1/filings", tags=["filings"], route_class=ExactJsonRoute)


def filing_read(filing: Filing) -> FilingRead:
    return FilingRead.model_validate(filing)


@filings_router.post("", status_code=201, response_model=FilingRead)
def file_report(
    body: FilingCreate, work: WorkDep, today: TodayDep, settings: SettingsDep
) -> FilingRead:
    """File a report: compute it with these parameters and store its JSON body exactly as
    served, with its SHA-256. A filing never changes afterwards."""
    filing = filings.file_report(work.session, body, today=today, stall_days=settings.stall_days)
    location = f"/api/v1/filings/{filing.id}"
    return work.created(filing_read(filing), entity=filing, location=location)


@filings_router.get("", response_model=Page[FilingRead])
def list_filings(
    session: SessionDep,
    etag: DataTag,
    page: PageDep,
    report: ReportName | None = None,
    period: Annotated[PeriodParam | None, Query(description="YYYY-H1 or YYYY.")] = None,
) -> Response:
    """Filed reports, oldest first (the bodies are read one by one)."""
    items, total = filings.list_filings(
        session, report=report, period=period, limit=page.limit, offset=page.offset
    )
    return page_answer([filing_read(f) for f in items], total, page, etag)


@filings_router.get(
    "/{filing_id}",
    responses=FILE_RESPONSES
    | {
        200: {
            "content": {"application/json": {"schema": {"type": "object"}}}
            | FILE_RESPONSES[200]["content"]
        }
    },
)
def get_filing(
    filing_id: IdPath,
    session: SessionDep,
    format: FormatParam = "json",
    sep: SepParam = ",",
    lang: LangParam = None,
) -> Response:
    """The filed report exactly as it was served (JSON), or rendered as CSV or XLSX."""
    filing = filings.get_filing(session, filing_id)
    etag = f'"{filing.sha256}"'
    if format == "json":
        digest = base64.b64encode(bytes.fromhex(filing.sha256)).decode()
        headers = {"ETag": etag, "Repr-Digest": f"sha-256=:{digest}:"}
        return Response(filing.body, media_type="application/json", headers=headers)
    document = orjson.loads(filing.body)
    name = f"filing-{filing.id}-{filing.report.replace('/', '-')}"
    return render(
        document,
        format,
        name,
        filing.as_of,
        lambda: tables.BY_REPORT[filing.report](document),
        sep=sep,
        lang=lang,
    )


@filings_router.get("/{filing_id}/restatement", response_model=Restatement)
def restate_filing(
    filing_id: IdPath, session: SessionDep, today: TodayDep, settings: SettingsDep
) -> Restatement:
    """The same report computed again now, and every figure that differs from the filing."""
    filing = filings.get_filing(session, filing_id)
    found = filings.restate(session, filing, today=today, stall_days=settings.stall_days)
    return Restatement(
        filing_id=filing.id,
        recomputed_at=utcnow(),
        unchanged=not found,
        changes=[RestatedFigure(path=c.path, filed=c.filed, now=c.now) for c in found],
    )


alerts_router = APIRouter(prefix="/api/v1/alerts", tags=["reports"], route_class=ExactJsonRoute)


@alerts_router.get("", response_model=AlertsReport, responses=FILE_RESPONSES)
def list_alerts(
    session: SessionDep,
    etag: DataTag,
    settings: SettingsDep,
    day: ReportDate,
    selection: Selection,
    days: Annotated[
        int, Query(ge=1, le=3650, description="Look for lease expiries this many days ahead.")
    ] = 180,
    format: FormatParam = "json",
    sep: SepParam = ",",
    lang: LangParam = None,
) -> Any:
    """What needs attention on a date: leases expiring within `days`, zones at 90 %
    occupancy or more, stalled land clearance, and indicators of the running plan that the
    current pace leaves below target; each with a message in Vietnamese and English."""
    report = alerts.alerts_document(session, selection, day, days, settings.stall_days)
    return render(
        report, format, "alerts", day, lambda: tables.alerts(report), etag=etag, sep=sep, lang=lang
    )
