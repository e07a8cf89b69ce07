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
    """The most land the leases hold on any day of [start, end)."""
    overlapping = [lease for lease in leases if lease.overlaps(start, end)]
    candidates = {start} | {lease.start for lease in overlapping if lease.start > start}
    return max((held_on(overlapping, day) for day in candidates), default=Decimal(0))


def peak_held_ever(leases: Sequence[Lease]) -> Decimal:
    """The most land the leases hold on any day at all."""
    return max((held_on(leases, lease.start) for lease in leases), default=Decimal(0))


def lease_end(lease_end_on: date | None, terminated_on: date | None) -> date | None:
    """The exclusive end of a lease: the earlier of its expiry and its termination."""
    ends = [d for d in (lease_end_on, terminated_on) if d is not None]
    return min(ends) if ends else None
