"""The plan report: each target of a plan beside its actual on a date and the achievement
(actual / target). Computed indicators come from the reports' own totals; reported ones from
the latest value entered on or before the date."""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.kit.repo import get_or_404
from app.land.indicators import COMPUTED
from app.land.rates import achievement
from app.models import Plan, PlanActual, PlanTarget
from app.models.enums import IndicatorSource
from app.reports import service as reports
from app.reports.forecast import forecast_document
from app.reports.params import ZoneSelection
from app.reports.schemas import PlanRef, PlanReport, PlanReportRow


def computed_values(session: Session, day: date, stall_days: int) -> dict[str, Decimal | None]:
    """Every computed indicator on `day`, from a handful of aggregate queries."""
    established = reports.occupancy_totals(session, ZoneSelection(scope="established"), day)
    everything = ZoneSelection(scope="all")
    all_zones = reports.occupancy_totals(session, everything, day).all
    investment = reports.investment_totals(session, everything, day)
    clearance = reports.clearance_totals(session, everything, day, stall_days)
    return {
        "park_occupancy_rate": established.park.occupancy_rate,
        "cluster_occupancy_rate": established.cluster.occupancy_rate,
        "park_mean_occupancy_rate": established.park.mean_occupancy_rate,
        "cluster_mean_occupancy_rate": established.cluster.mean_occupancy_rate,
        "industrial_area_ha": all_zones.total_area_ha,
        "leased_ha": all_zones.leased_industrial_ha + all_zones.leased_service_ha,
        "active_projects": Decimal(investment.projects.total),
        "fdi_projects": Decimal(investment.projects.fdi),
        "clearance_rate": clearance.clearance_rate,
    }


# Computed indicators a linear absorption pace projects: the established parks' and clusters'
# area-weighted occupancy (app.reports.forecast, over the last 24 months).
PROJECTED = {"park_occupancy_rate": "park", "cluster_occupancy_rate": "cluster"}
PACE_WINDOW_MONTHS = 24


def projections(session: Session, plan: Plan, day: date) -> dict[str, Decimal | None]:
    """Each projected indicator's value at the plan's end at the current pace (None once the
    plan has ended, or without land)."""
    document = forecast_document(
        session,
        ZoneSelection(scope="established"),
        day,
        Decimal("0.8"),  # the target does not change the projection
        PACE_WINDOW_MONTHS,
        plan,
    )
    totals = document["totals"]
    result: dict[str, Decimal | None] = {}
    for indicator, kind in PROJECTED.items():
        value = totals[kind]["projected_occupancy_rate"]
        result[indicator] = None if value is None else Decimal(str(value))
    return result


def plan_report(session: Session, plan_id: int, day: date, stall_days: int) -> PlanReport:
    plan = get_or_404(session, Plan, plan_id, name="plan")
    targets = list(
        session.scalars(
            select(PlanTarget).where(PlanTarget.plan_id == plan_id).order_by(PlanTarget.id)
        )
    )
    computed = (
        computed_values(session, day, stall_days)
        if any(t.indicator in COMPUTED for t in targets)
        else {}
    )
    projected = (
        projections(session, plan, day) if any(t.indicator in PROJECTED for t in targets) else {}
    )
    latest = _latest_actuals(session, plan_id, day)
    rows = []
    for target in targets:
        as_of_value: date | None
        label: str | None
        if target.indicator in COMPUTED:
            actual, as_of_value = computed[target.indicator], day
            source, label = (
                IndicatorSource.COMPUTED,
                target.label or COMPUTED[target.indicator].label,
            )
        else:
            value = latest.get(target.indicator)
            actual, as_of_value = (value.value, value.as_of) if value else (None, None)
            source, label = IndicatorSource.REPORTED, target.label
        rows.append(
            PlanReportRow(
                indicator=target.indicator,
                label=label,
                target=target.target,
                actual=actual,
                achievement=achievement(actual, target.target),
                source=source,
                as_of_value=as_of_value if actual is not None else None,
                projected=projected.get(target.indicator),
                on_track=_on_track(projected.get(target.indicator), target.target),
            )
        )
    ref = PlanRef(
        id=plan.id, code=plan.code, title=plan.title, starts_on=plan.starts_on, ends_on=plan.ends_on
    )
    return PlanReport(plan=ref, as_of=day, rows=rows)


def _on_track(projected: Decimal | None, target: Decimal) -> bool | None:
    return None if projected is None else projected >= target


def _latest_actuals(session: Session, plan_id: int, day: date) -> dict[str, PlanActual]:
    """Per indicator, the reported value with the latest as_of on or before `day`."""
    latest_date = (
        select(PlanActual.indicator, func.max(PlanActual.as_of).label("as_of"))
        .where(PlanActual.plan_id == plan_id, PlanActual.as_of <= day)
        .group_by(PlanActual.indicator)
        .subquery()
    )
    query = (
        select(PlanActual)
        .join(
            latest_date,
            (PlanActual.indicator == latest_date.c.indicator)
            & (PlanActual.as_of == latest_date.c.as_of),
        )
        .where(PlanActual.plan_id == plan_id)
    )
    return {actual.indicator: actual for actual in session.scalars(query)}
