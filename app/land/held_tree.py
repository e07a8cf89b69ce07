"""What a zone's leases of one land use hold on every day, as a tree over the calendar: a lease
is added to, or taken from, a handful of nodes, and the most held on any day of a period is
read from a handful of nodes, however many leases the zone holds (pure; app.land.held_store
keeps the nodes in the database).

The days are the proleptic Gregorian ordinals of `date` (1 = 0001-01-01), leaves of a binary
tree of DEPTH levels numbered as a heap: the root is node 1, node n's children are 2n and
2n + 1, and day d is leaf LEAVES + d. Each node holds two whole numbers of square metres:

- `added`, what was added to every day of the node's range at once (a lease covering the
  whole range adds its area here, not to each day under it);
- `top`, the most held on any one day of the node's range by what was added at this node and
  below it: `added + max(top of the children)`, and `added` on a leaf.

What is held on a day is the sum of `added` from the root down to its leaf; the most held over
a period is the largest of `top` over the nodes that cover it exactly, each plus the `added` of
the nodes above it. Adding a lease touches those covering nodes and their ancestors only:
about 2 * DEPTH of each at most. A node that is not stored holds nothing (0, 0).
"""

from collections.abc import Iterable, Mapping, MutableMapping
from datetime import date

DEPTH = 22
LEAVES = 1 << DEPTH  # more than date.max.toordinal() + 1
OPEN = LEAVES  # the exclusive end of an open-ended lease or period

Node = tuple[int, int]  # (added, top), square metres
EMPTY: Node = (0, 0)


def day_index(day: date | None) -> int:
    """A day as a position on the tree's axis; None (no end) is past every day."""
    return OPEN if day is None else day.toordinal()


def span(start: date, end: date | None) -> tuple[int, int]:
    """A lease [start, end) on the tree's axis; empty when it ends on its first day."""
    return day_index(start), day_index(end)


def checked_span(start: date, end: date | None) -> tuple[int, int]:
    """A period to check on the tree's axis. A period that ends on (or before) its first day
    is checked as that one day, so a lease terminated on its first day is checked against the
    land held that day."""
    low, high = span(start, end)
    return low, max(high, low + 1)


def covering(low: int, high: int) -> list[int]:
    """The nodes whose ranges exactly tile the days [low, high), fewest first."""
    nodes = []
    low, high = low + LEAVES, high + LEAVES
    while low < high:
        if low & 1:
            nodes.append(low)
            low += 1
        if high & 1:
            high -= 1
            nodes.append(high)
        low >>= 1
        high >>= 1
    return nodes


def ancestors(nodes: Iterable[int]) -> set[int]:
    """Every node strictly above any of `nodes`."""
    above: set[int] = set()
    for node in nodes:
        node >>= 1
        while node and node not in above:
            above.add(node)
            node >>= 1
    return above


def needed_to_add(low: int, high: int) -> set[int]:
    """The nodes adding to [low, high) reads: its covering nodes, their ancestors, and the
    ancestors' children (whose tops make the ancestors' tops)."""
    tiles = covering(low, high)
    above = ancestors(tiles)
    return set(tiles) | above | {child for node in above for child in (2 * node, 2 * node + 1)}


def needed_for_peak(low: int, high: int) -> set[int]:
    """The nodes the peak over [low, high) reads: its covering nodes and their ancestors."""
    tiles = covering(low, high)
    return set(tiles) | ancestors(tiles)


def add(nodes: MutableMapping[int, Node], low: int, high: int, area_m2: int) -> set[int]:
    """Add `area_m2` (negative: take it away) to every day of [low, high), in place; `nodes`
    holds at least needed_to_add(low, high). Returns the nodes changed (none for an empty
    span)."""
    tiles = covering(low, high)
    for node in tiles:
        added, top = nodes.get(node, EMPTY)
        nodes[node] = (added + area_m2, top + area_m2)
    above = ancestors(tiles)
    for node in sorted(above, reverse=True):  # children (2n, 2n + 1) before their parent
        added = nodes.get(node, EMPTY)[0]
        top = added + max(nodes.get(2 * node, EMPTY)[1], nodes.get(2 * node + 1, EMPTY)[1])
        nodes[node] = (added, top)
    return set(tiles) | above


def build(leases: Iterable[tuple[int, int, int]]) -> dict[int, Node]:
    """The tree of some leases ((low, high, area_m2) each) at once, as `add` one by one would
    make it: each lease's area goes on its covering nodes, then every top is made once, from
    the deepest node up."""
    added: dict[int, int] = {}
    for low, high, area_m2 in leases:
        for node in covering(low, high):
            added[node] = added.get(node, 0) + area_m2
    nodes: dict[int, Node] = {}
    for node in sorted(added.keys() | ancestors(added), reverse=True):
        own = added.get(node, 0)
        if node >= LEAVES:
            nodes[node] = (own, own)
        else:
            below = max(nodes.get(2 * node, EMPTY)[1], nodes.get(2 * node + 1, EMPTY)[1])
            nodes[node] = (own, own + below)
    return nodes


def peak(nodes: Mapping[int, Node], low: int, high: int) -> int:
    """The most held on any day of [low, high); `nodes` holds at least needed_for_peak."""
    best: int | None = None
    for node in covering(low, high):
        value = nodes.get(node, EMPTY)[1]
        above = node >> 1
        while above:
            value += nodes.get(above, EMPTY)[0]
            above >>= 1
        best = value if best is None else max(best, value)
    assert best is not None, "a span holds at least one day"
    return best
