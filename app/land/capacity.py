"""Pure arithmetic of the capacity invariant: how much land leases hold over a period.

A lease is in effect on day D when start <= D < end (end None = open). The land held over a
period is a step function that only rises at lease starts, so its peak over [start, end) is
reached at `start` itself or at the start of some lease inside the period.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
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
    leases costs n log n, not n checks of n leases each. A period that ends on (or before) its
    first day is checked as that one day (a lease terminated on its first day is checked
    against the land held that day).
    """
    if end is not None and end <= start:
        end = None if start == date.max else start + timedelta(days=1)
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


def held_steps(
    leases: Sequence[Lease], start: date, end: date | None = None
) -> list[tuple[date, Decimal]]:
    """What the leases hold over [start, end) as a step function: (day, held from that day
    on) at `start` and at each day it changes, in date order."""
    changes: dict[date, Decimal] = {start: Decimal(0)}
    for lease in leases:
        if lease.overlaps(start, end):
            first = max(lease.start, start)
            changes[first] = changes.get(first, Decimal(0)) + lease.area_ha
            if lease.end is not None and (end is None or lease.end < end):
                changes[lease.end] = changes.get(lease.end, Decimal(0)) - lease.area_ha
    steps, held = [], Decimal(0)
    for day in sorted(changes):
        held += changes[day]
        steps.append((day, held))
    return steps


def peak_held_ever(leases: Sequence[Lease]) -> Decimal:
    """The most land the leases hold on any day at all."""
    if not leases:
        return Decimal(0)
    return peak_held(leases, min(lease.start for lease in leases))


def lease_end(lease_end_on: date | None, terminated_on: date | None) -> date | None:
    """The exclusive end of a lease: the earlier of its expiry and its termination."""
    ends = [d for d in (lease_end_on, terminated_on) if d is not None]
    return min(ends) if ends else None


@dataclass(frozen=True, slots=True)
class Land:
    """Leasable land of one use over [start, end); None bounds are open. Outside every
    Land of a zone (before it exists) the zone has no land."""

    start: date | None
    end: date | None
    area_ha: Decimal

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class Shortfall:
    """The least free land over a period, and the first piece of it where that is reached
    (from `start` to `end`, where the land is `land_ha` and the leases hold `held_ha`)."""

    free_ha: Decimal
    start: date
    end: date | None
    land_ha: Decimal
    held_ha: Decimal


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch [start, end) of a period over which a zone's land of one use stays the same
    (`area_ha`, zero before the zone exists)."""

    start: date
    end: date | None
    area_ha: Decimal


def land_pieces(land: Sequence[Land], start: date, end: date | None = None) -> list[Piece]:
    """The period [start, end) cut where the land changes, in date order: always at least
    one piece, starting on `start`."""
    bounds = {b for piece in land for b in (piece.start, piece.end) if b is not None}
    cuts = sorted({start} | {b for b in bounds if start < b and (end is None or b < end)})
    return [
        Piece(
            piece_start,
            piece_end,
            next((p.area_ha for p in land if p.covers(piece_start)), Decimal(0)),
        )
        for piece_start, piece_end in zip(cuts, [*cuts[1:], end], strict=True)
    ]


def least_over(pieces: Sequence[Piece], peaks: Sequence[Decimal]) -> Shortfall:
    """The least free land over the pieces, given the most the leases hold on each (in the
    same order): the first piece where it is reached."""
    least: Shortfall | None = None
    for piece, held in zip(pieces, peaks, strict=True):
        free = piece.area_ha - held
        if least is None or free < least.free_ha:
            least = Shortfall(free, piece.start, piece.end, piece.area_ha, held)
    if least is None:
        raise ValueError("a period has at least one piece")
    return least


def least_free(
    leases: Sequence[Lease], land: Sequence[Land], start: date, end: date | None = None
) -> Shortfall:
    """The least land left free on any day of [start, end) when the land itself changes:
    the period is cut where the land changes, and each piece takes its own peak.

    The specification of the lease write's check, which the zone's lease trees answer
    instead (app.land.held_store.ZoneTrees.least_free) over the same pieces; the bulk
    importer, which keeps its leases in memory, calls this one."""
    pieces = land_pieces(land, start, end)
    return least_over(pieces, [peak_held(leases, p.start, p.end) for p in pieces])


def overbooked(leases: Sequence[Lease], land: Sequence[Land]) -> Shortfall | None:
    """The first stretch on which the leases hold more than the land (None: they fit on
    every day, including the days before the zone exists, when it has no land)."""
    if not leases:
        return None
    first = min(lease.start for lease in leases)
    bounds = sorted({b for piece in land for b in (piece.start, piece.end) if b is not None})
    cuts = sorted({first} | {b for b in bounds if b > first})
    for piece_start, piece_end in zip(cuts, [*cuts[1:], None], strict=True):
        area = next((p.area_ha for p in land if p.covers(piece_start)), Decimal(0))
        steps = held_steps(leases, piece_start, piece_end)
        over = [(n, held) for n, (_day, held) in enumerate(steps) if held > area]
        if over:
            at = over[0][0]
            back = next((day for day, held in steps[at:] if held <= area), piece_end)
            peak = max(held for day, held in steps[at:] if back is None or day < back)
            return Shortfall(area - peak, steps[at][0], back, area, peak)
    return None
