"""Pure arithmetic of land clearance: progress, status and stalling on a date. No I/O."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.land.rates import rate
from app.models.enums import ClearanceStatus


@dataclass(frozen=True, slots=True)
class Clearance:
    """A zone's clearance on one date: the latest cumulative record on or before it."""

    required_ha: Decimal
    cleared_ha: Decimal
    last_recorded_on: date | None
    last_progress_on: date | None

    @property
    def clearance_rate(self) -> Decimal | None:
        return rate(self.cleared_ha, self.required_ha)

    @property
    def status(self) -> ClearanceStatus:
        return clearance_status(self.cleared_ha, self.required_ha)

    def stalled(self, day: date, stall_days: int) -> bool:
        return is_stalled(self.status, self.last_progress_on, day, stall_days)


def clearance_status(cleared: Decimal | int, required: Decimal | int) -> ClearanceStatus:
    """Where clearing stands, from the cleared and required areas (in any one unit)."""
    # A zone that needs no clearing has nothing left to do.
    if cleared >= required:
        return ClearanceStatus.COMPLETED
    if cleared == 0:
        return ClearanceStatus.NOT_STARTED
    return ClearanceStatus.IN_PROGRESS


def is_stalled(
    status: ClearanceStatus, last_progress_on: date | None, day: date, stall_days: int
) -> bool:
    """In progress, and no record has raised the cleared area for more than stall_days."""
    if status != ClearanceStatus.IN_PROGRESS or last_progress_on is None:
        return False
    return last_progress_on < stalled_before(day, stall_days)


def stalled_before(day: date, stall_days: int) -> date:
    """Progress last made before this date is more than stall_days old on `day`; before any
    date there is (nothing stalls) when the window reaches past the calendar's start."""
    try:
        return day - timedelta(days=stall_days)
    except OverflowError:
        return date.min


def last_progress(history: Sequence[tuple[date, Decimal]]) -> date | None:
    """The date of the latest record that raised the cleared area, from a zone's records
    (date, cleared area) in date order: the pure twin of the window query in
    app.land.queries.clearance_by_zone."""
    progressed_on, before = None, Decimal(0)
    for recorded_on, cleared_ha in history:
        if cleared_ha > before:
            progressed_on = recorded_on
        before = cleared_ha
    return progressed_on
