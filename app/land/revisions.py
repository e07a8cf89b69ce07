"""Pure arithmetic of zone revisions: which value of each time-varying field is in effect
when, given every revision ever recorded.

A revision sets some fields from a date on (or from the beginning, when it has no date).
A field's value on day D is the one set by the revision with the latest date on or before D
among those that set that field; two revisions on the same date: the later write wins for
the fields it sets. Folding the revisions in that order gives the zone's states: spans of
days over which no field changes, the first one starting with the first revision (a zone
does not exist before it).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# The fields of a zone that change with time, in the contract's order.
TIME_VARYING = (
    "name",
    "province",
    "locality",
    "status",
    "developer",
    "total_area_ha",
    "industrial_land_ha",
    "service_land_ha",
    "clearance_required_ha",
)
AREA_FIELDS = ("total_area_ha", "industrial_land_ha", "service_land_ha", "clearance_required_ha")


@dataclass(frozen=True, slots=True)
class Revision:
    effective_from: date | None  # None: from the beginning
    order: int  # when it was written: a later write wins on the same date
    changes: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Span:
    """The values in effect on every day of [valid_from, valid_to); None bounds are open."""

    valid_from: date | None
    valid_to: date | None
    values: Mapping[str, Any] = field(default_factory=dict)

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )


def in_order(revisions: Iterable[Revision]) -> list[Revision]:
    """Oldest first: a revision without a date first, then by date, then by write."""
    return sorted(
        revisions,
        key=lambda r: (r.effective_from is not None, r.effective_from or date.min, r.order),
    )


def fold(revisions: Iterable[Revision]) -> list[Span]:
    """The states the revisions add up to, oldest first; consecutive spans always differ."""
    spans: list[Span] = []
    values: dict[str, Any] = {}
    for revision in in_order(revisions):
        values = values | dict(revision.changes)
        start = revision.effective_from
        if spans and spans[-1].valid_from == start:
            spans[-1] = Span(start, None, values)
        else:
            if spans:
                spans[-1] = Span(spans[-1].valid_from, start, spans[-1].values)
            spans.append(Span(start, None, values))
        if len(spans) > 1 and spans[-2].values == spans[-1].values:
            spans[-2:] = [Span(spans[-2].valid_from, None, values)]
    return spans


def span_on(spans: Iterable[Span], day: date) -> Span | None:
    return next((span for span in spans if span.covers(day)), None)


def first_day(revisions: Iterable[Revision]) -> date | None:
    """When the zone begins to exist: its earliest revision's date (None: always)."""
    ordered = in_order(revisions)
    return ordered[0].effective_from if ordered else None
