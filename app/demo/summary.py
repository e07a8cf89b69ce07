"""What `occupancy demo` prints once the demo is loaded: the review's figures, read back.

Every figure comes from the service's own reports on the review's date (app.reports.service,
and app.plans.service for the plan's achievement), the same ones the API serves; nothing here
groups zones or computes a rate.
"""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from app.demo.reorganisation import INTO, MERGED_ON
from app.demo.review import REVIEW_DATE
from app.demo.zones import PROVINCE
from app.kit.settings import Settings
from app.models import Plan
from app.models.enums import ZoneKind
from app.reports.forecast import forecast_document
from app.reports.params import ZoneSelection
from app.reports.plan import plan_report
from app.reports.service import clearance_report, occupancy_totals, summary_report
from app.zones.provinces import provinces_on

# The summary's stalled zones use the service's default stall threshold.
STALL_DAYS: int = Settings.model_fields["stall_days"].default

# The review's occupancy figures are of the established zones; its land for industry, and the
# clearance picture, of every zone that is not closed.
ESTABLISHED = ZoneSelection(scope="established")
NOT_CLOSED = ZoneSelection(scope="all")


# The seed's question: when would the parks reach 80 % at the pace of the last 24 months?
FORECAST_TARGET = Decimal("0.8")
FORECAST_WINDOW_MONTHS = 24


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _percent(rate: Decimal | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.2f} %"


def summary(session: Session, plan: Plan, projects_loaded: int) -> str:
    """The demo's summary: what was loaded, and the reports on the review's date."""
    day = REVIEW_DATE.isoformat()
    overview = summary_report(session, NOT_CLOSED, REVIEW_DATE, STALL_DAYS)
    zones = overview.zones
    parks, clusters = zones.by_kind[ZoneKind.PARK], zones.by_kind[ZoneKind.CLUSTER]
    in_effect = overview.investment.projects
    land_for_industry = overview.occupancy.all.total_area_ha
    lines = [
        f"Loaded the {PROVINCE} demo data set: {zones.total} zones ({parks} industrial parks, "
        f"{clusters} industrial clusters) and {projects_loaded} investor projects.",
        "The zone names are the real, published ones; their sizes, developers, dates and "
        "coordinates are approximate.",
        "The investor projects and their leases are SYNTHETIC: per-zone leased areas are not "
        "published, so they were generated to reproduce the provincial review of "
        f"{day}. On that date:",
    ]
    occupancy = occupancy_totals(session, ESTABLISHED, REVIEW_DATE)
    for group, label in (
        (occupancy.park, "industrial parks"),
        (occupancy.cluster, "industrial clusters"),
    ):
        lines.append(
            f"  established {label}: occupancy {_percent(group.occupancy_rate)} "
            f"({group.leased_industrial_ha:,.2f} of {group.industrial_land_ha:,.2f} ha of "
            "industrial land leased)"
        )
    lines += [
        f"  land for industry (every zone not closed): {land_for_industry:,.2f} ha",
        f"  investor projects with a lease in effect: {in_effect.total} ({in_effect.fdi} FDI, "
        f"{in_effect.domestic} domestic)",
    ]

    report = plan_report(session, plan.id, REVIEW_DATE, STALL_DAYS)
    computed = sum(1 for row in report.rows if row.source == "computed")
    achieved = ", ".join(
        f"{row.indicator} {_percent(row.achievement)}"
        for row in report.rows
        if row.achievement is not None
    )
    lines.append(
        f"Plan {plan.code} ({plan.starts_on.year}–{plan.ends_on.year}): {len(report.rows)} "
        f"targets ({computed} computed from the zones, {len(report.rows) - computed} reported, "
        f"with the review's figures as actuals); achievement on {day}: {achieved}."
    )

    province_parks = ZoneSelection(scope="established", kind=ZoneKind.PARK, province=PROVINCE)
    outlook = forecast_document(
        session, province_parks, REVIEW_DATE, FORECAST_TARGET, FORECAST_WINDOW_MONTHS
    )["totals"]["park"]
    lines.append(
        f"Forecast: at the net absorption of the {FORECAST_WINDOW_MONTHS} months before {day} "
        f"({outlook['absorption_ha_per_year']:,.2f} ha a year), {PROVINCE}'s established "
        f"industrial parks would reach {_percent(FORECAST_TARGET)} occupancy on "
        f"{outlook['reaches_target_on'] or 'no date (the pace is not positive)'} "
        f"({outlook['reaches_target_on_high']} at the fastest 12 months of that window, "
        f"{outlook['reaches_target_on_low']} at the slowest); at that pace they stand at "
        f"{_percent(_decimal(outlook['projected_occupancy_rate']))} when the plan ends. "
        "A linear pace is a projection, not a prediction."
    )

    before = provinces_on(session, MERGED_ON - timedelta(days=1))
    after = provinces_on(session, MERGED_ON)
    lines.append(
        "Provinces: "
        + ", ".join(f"{p.name} ({p.zones} zones)" for p in before)
        + f" until {MERGED_ON - timedelta(days=1)}; from {MERGED_ON} on "
        + ", ".join(f"{p.name} ({p.zones} zones)" for p in after)
        + f" (the 2025 merger into {INTO}; districts abolished, localities given by commune)."
    )

    clearance = clearance_report(session, NOT_CLOSED, REVIEW_DATE, STALL_DAYS)
    totals = clearance.totals
    stalled = [row.code for row in clearance.zones if row.stalled]
    lines.append(
        f"Land clearance (SYNTHETIC histories) on {day}: "
        f"{totals.completed} zones completed, {totals.in_progress} in progress "
        f"({totals.stalled} stalled, no progress for over {STALL_DAYS} days: "
        f"{', '.join(stalled) or 'none'}), {totals.not_started} not started; "
        f"{totals.cleared_ha:,.2f} of {totals.required_ha:,.2f} ha cleared."
    )
    return "\n".join(lines)
