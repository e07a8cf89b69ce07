"""Pure arithmetic of the capacity invariant: how much land leases hold over a period.

A lease is in effect on day D when start <= D < end (end None = open). The land held over a
period is a step function that only rises at lease starts, so its peak over [start, end) is
reached at `start` itself or at the start of some lease inside the period.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Lease:
    start: date
    end: date | None  # exclusive; None when open-ended
    area_ha: Decimal

    def in_effect(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, start: date, end: date | None) -> bool:
        return (end is None or self.start < end) and (self.end is None or start < self.end)


def held_on(leases: Iterable[Lease], day: date) -> Decimal:
    return sum((lease.area_ha for lease in leases if lease.in_effect(day)), Decimal(0))


def peak_held(leases: Sequence[Lease], start: date, end: date | None = None) -> Decimal:
    """The most land the leases hold on any day of [start, end).

    One sweep over the leases' starts and ends in date order, so a zone holding thousands of
    leases costs n log n, not n checks of n leases each.
    """
    changes: list[tuple[date, int, Decimal]] = []
    for lease in leases:
        if lease.overlaps(start, end):
            # Within the period a lease begins on its start, or on the period's first day.
            changes.append((max(lease.start, start), 1, lease.area_ha))
            if lease.end is not None:
                changes.append((lease.end, 0, -lease.area_ha))  # ends sort first: exclusive
    peak = held = Decimal(0)
    for _day, _kind, change in sorted(changes, key=lambda c: (c[0], c[1])):
        held += change
        peak = max(peak, held)
    return peak


def peak_held_ever(leases: Sequence[Lease]) -> Decimal:
    """The most land the leases hold on any day at all."""
    if not leases:
        return Decimal(0)
    return peak_held(leases, min(lease.start for lease in leases))


def lease_end(lease_end_on: date | None, terminated_on: date | None) -> date | None:
    """The exclusive end of a lease: the earlier of its expiry and its termination."""
    ends = [d for d in (lease_end_on, terminated_on) if d is not None]
    return min(ends) if ends else None
