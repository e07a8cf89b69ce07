"""Pure arithmetic of the absorption forecast: a linear projection of leased land.

The pace of a zone (or a kind of zones) is its net absorption: industrial land leased at the
end of the window minus at its start (terminations and expiries count against it), per year
of 365.25 days. At that pace, leased land grows linearly from the forecast date; the date the
occupancy reaches a target is the first day on which the projected leased land reaches the
target share of the industrial land in effect that day (land revisions already recorded for
later dates move the denominator). A linear pace is a projection, not a prediction.
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from app.land.capacity import Land
from app.land.rates import rate

DAYS_PER_YEAR = Decimal("365.25")
# Beyond this the answer "never at this pace" is more honest than a date.
HORIZON_YEARS = 100


def days_after(day: date, days: int) -> date:
    """`days` days after `day`, or the last date there is when that lies beyond it."""
    return date.max if days > (date.max - day).days else day + timedelta(days=days)


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier, clamped to the month's length."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def window_points(as_of: date, months: int) -> list[date]:
    """The window's month marks, oldest first: as_of - months, ..., as_of - 1 month, as_of."""
    return [months_before(as_of, months - k) for k in range(months + 1)]


def pace(leased_start: Decimal, leased_end: Decimal, start: date, end: date) -> Decimal | None:
    """Net absorption in ha/year between two dates (None over no time)."""
    days = (end - start).days
    if days <= 0:
        return None
    return (leased_end - leased_start) * DAYS_PER_YEAR / days


@dataclass(frozen=True, slots=True)
class Range:
    low: Decimal | None  # the slowest 12-month absorption in the window, ha/year
    high: Decimal | None  # the fastest


def twelve_month_range(points: Sequence[date], leased: Sequence[Decimal], since: date) -> Range:
    """The slowest and fastest absorption over the 12-month spans between the window's
    month marks that start on or after `since` (when the zone began to exist)."""
    paces = [
        pace(leased[k], leased[k + 12], points[k], points[k + 12])
        for k in range(len(points) - 12)
        if points[k] >= since
    ]
    known = [p for p in paces if p is not None]
    return Range(min(known), max(known)) if known else Range(None, None)


def land_on(land: Sequence[Land], day: date) -> Decimal:
    return next((piece.area_ha for piece in land if piece.covers(day)), Decimal(0))


def reach_date(
    leased: Decimal, as_of: date, ha_per_year: Decimal | None, target: Decimal, land: Sequence[Land]
) -> date | None:
    """The first day on or after `as_of` on which `leased`, growing at `ha_per_year`, holds
    at least `target` of the land in effect that day; None when the pace is not positive or
    the day lies beyond the horizon."""
    if ha_per_year is None or ha_per_year <= 0:
        return None
    horizon = days_after(as_of, int(DAYS_PER_YEAR * HORIZON_YEARS))
    starts = sorted(
        {as_of} | {p.start for p in land if p.start is not None and as_of < p.start < horizon}
    )
    for piece_start, piece_end in zip(starts, [*starts[1:], horizon], strict=True):
        area = land_on(land, piece_start)
        if area <= 0:
            continue
        missing = target * area - leased
        days = int((missing * DAYS_PER_YEAR / ha_per_year).to_integral_value(ROUND_CEILING))
        if days >= (piece_end - as_of).days:
            continue  # not within this piece (and never a date past the horizon)
        reached = max(piece_start, as_of + timedelta(days=max(days, 0)))
        if reached < piece_end:
            return reached
    return None


def projected_rate(
    leased: Decimal, as_of: date, ha_per_year: Decimal | None, end: date, land_at_end: Decimal
) -> Decimal | None:
    """The occupancy on `end` if leases go on at the pace: leased land can neither go below
    nothing nor above the land, so the projection is held within 0 and 1."""
    if ha_per_year is None or land_at_end <= 0:
        return None
    grown = leased + ha_per_year * (end - as_of).days / DAYS_PER_YEAR
    return rate(min(max(grown, Decimal(0)), land_at_end), land_at_end)


def summed_land(zones: Sequence[Sequence[Land]]) -> list[Land]:
    """The land of several zones added up, as pieces over which the sum does not change."""
    bounds = sorted({b for pieces in zones for p in pieces for b in (p.start, p.end) if b})
    cuts: list[date | None] = [None, *bounds]
    summed = []
    for start, end in zip(cuts, [*bounds, None], strict=True):
        if start is None and bounds and bounds[0] == date.min:
            continue  # no day lies before the first date there is
        probe = start if start is not None else (bounds[0] - timedelta(days=1) if bounds else None)
        if probe is None:
            area = sum((pieces[0].area_ha for pieces in zones if pieces), Decimal(0))
        else:
            area = sum((land_on(pieces, probe) for pieces in zones), Decimal(0))
        summed.append(Land(start, end, area))
    return summed
