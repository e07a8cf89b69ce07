"""Filed reports: a report computed once and stored exactly as served, never changed; and
its restatement, the same report computed again now, compared figure by figure."""

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.kit import audit
from app.kit.db import utcnow
from app.kit.errors import InvalidValues, NotFound
from app.kit.json_out import json_bytes
from app.kit.repo import paginate
from app.models import Filing
from app.reports import plan, service
from app.reports.filing_schemas import FilingCreate, FilingParams
from app.reports.params import ZoneSelection, period_date
from app.reports.rendering import json_data
from app.reports.restatement import Change, changes

DATED = {"as_of", "period"}
SELECTING = {"scope", "kind", "province", "boundaries"}
ACCEPTS = {
    "occupancy": DATED | SELECTING,
    "clearance": DATED | SELECTING,
    "investment": DATED | SELECTING,
    "summary": DATED | SELECTING,
    "occupancy/history": {"from", "to", "interval"} | SELECTING,
    "plan": DATED | {"plan_id"},
}


@dataclass(frozen=True, slots=True)
class Computed:
    document: dict[str, Any]
    as_of: date


def compute(
    session: Session,
    report: str,
    params: FilingParams,
    *,
    today: date,
    stall_days: int,
    pinned: date | None = None,
) -> Computed:
    """The report's JSON document, as its endpoint would serve it for these parameters.
    `pinned` stands for the date the parameters leave to "today" (a restatement recomputes
    a filing on the date it was filed for, not on the day it is restated)."""
    given = params.model_dump(by_alias=True, exclude_none=True)
    for name in given.keys() - ACCEPTS[report]:
        raise InvalidValues(f"params.{name}", f"is not a parameter of the {report} report")
    selection = ZoneSelection(
        scope=params.scope or "established",
        kind=params.kind,
        province=params.province,
        boundaries=params.boundaries or "as_of",
        today=today,
    )
    if report == "occupancy/history":
        if params.from_ is None:
            raise InvalidValues("params.from", "is required for the occupancy/history report")
        end = pinned or params.to or today
        document = service.history_document(
            session, selection, params.from_, end, params.interval or "month"
        )
        return Computed(document, end)
    if params.as_of is not None and params.period is not None:
        raise InvalidValues("params.period", "give as_of or period, not both")
    day = pinned or (period_date(params.period) if params.period else params.as_of or today)
    if report == "occupancy":
        return Computed(service.occupancy_document(session, selection, day), day)
    if report == "clearance":
        return Computed(service.clearance_document(session, selection, day, stall_days), day)
    if report == "investment":
        return Computed(json_data(service.investment_report(session, selection, day)), day)
    if report == "summary":
        return Computed(service.summary_document(session, selection, day, stall_days), day)
    if params.plan_id is None:
        raise InvalidValues("params.plan_id", "is required for the plan report")
    try:
        return Computed(json_data(plan.plan_report(session, params.plan_id, day, stall_days)), day)
    except NotFound as exc:
        raise InvalidValues("params.plan_id", f"plan {params.plan_id} does not exist") from exc


def period_of(day: date) -> str | None:
    """The TT14 period a date closes: 14 June closes YYYY-H1, 14 December the year YYYY."""
    if (day.month, day.day) == (6, 14):
        return f"{day.year}-H1"
    if (day.month, day.day) == (12, 14):
        return str(day.year)
    return None


def file_report(session: Session, data: FilingCreate, *, today: date, stall_days: int) -> Filing:
    computed = compute(session, data.report, data.params, today=today, stall_days=stall_days)
    body = json_bytes(computed.document)
    params = data.params.model_dump(mode="json", by_alias=True, exclude_none=True)
    filing = Filing(
        report=data.report,
        params=params,
        period=data.params.period or period_of(computed.as_of),
        as_of=computed.as_of,
        note=data.note,
        filed_at=utcnow(),
        filed_by=session.info.get(audit.ACTOR, "system"),
        body=body,
        sha256=hashlib.sha256(body).hexdigest(),
    )
    session.add(filing)
    session.flush()
    after = audit.snapshot(filing)
    after.pop("body")
    audit.record(session, "create", "filing", filing.id, after=after)
    return filing


def get_filing(session: Session, filing_id: int) -> Filing:
    filing = session.get(Filing, filing_id)
    if filing is None:
        raise NotFound("filing", filing_id)
    return filing


def list_filings(
    session: Session, *, report: str | None, period: str | None, limit: int, offset: int
) -> tuple[list[Filing], int]:
    query = select(Filing)
    if report:
        query = query.where(Filing.report == report)
    if period:
        query = query.where(Filing.period == period)
    return paginate(session, query, order_by=(Filing.id,), limit=limit, offset=offset)


def restate(session: Session, filing: Filing, *, today: date, stall_days: int) -> list[Change]:
    """Every figure of the filing that the same report, computed now, states otherwise."""
    params = FilingParams.model_validate(filing.params)
    now = compute(
        session, filing.report, params, today=today, stall_days=stall_days, pinned=filing.as_of
    )
    return changes(orjson.loads(filing.body), now.document)
