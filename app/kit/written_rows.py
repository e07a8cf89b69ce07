"""A report's rows, written to JSON, remembered in each worker by the row of figures each is
written from, so that a report asked after a write writes again only the zones whose figures
changed.

A national report is a statement's rows, one per zone, each written as one JSON object.
The statement runs every time (its figures are what the report is for); what is remembered
is only the step after it, a pure function of the row (a zone's figures, and whatever else
its written row depends on, such as whether its clearing has stalled): the same row always
writes the same bytes. An entry is the zone's last row and those bytes; it is used only
when the new row equals the remembered one, value for value, and otherwise the row is
written afresh and replaces it. Each place in a row holds one type (integers, text, dates or
booleans; never floats, whose equal values could be written differently), so equal rows
are written alike. Nothing has to be thrown away when data changes: a changed zone's row no
longer matches.

The row holds none of what a whole report shares (such as its date): each part is written
as `[`, then `head` before every row's remembered bytes, then `]`. The bytes are counted
against a budget (`OCCUPANCY_ROW_CACHE_MB`; 0 keeps none), rows and bytes together
(`entry_size`); once it is spent, zones not yet remembered are written afresh every time
(a part of none but those in one go, as with no budget: written row by row to be
remembered, they had cost a 10x report a sixth more), and those remembered are still
replaced as they change.
"""

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson

# What an entry costs beyond its row's values and its bytes: the bytes object's header, the
# entry's own tuple, its dictionary slot and key, and the row's tuple.
ENTRY_OVERHEAD = 200


def entry_size(written: bytes) -> int:
    """What an entry is counted as: four times its written bytes, and ENTRY_OVERHEAD. Its
    row's values, headers and all, take two to three times what they are written as (text
    is held in two bytes a character where it has a Vietnamese letter, and written in one to
    three): a national report's row has 361 bytes written and takes 1,271 in all as
    sys.getsizeof counts the row, its values, the bytes, the entry and its slot (1,644
    counted here); tests/test_written_rows.py holds the count above sys.getsizeof's for short
    and long names. Counting each value as it is remembered cost more than writing the row."""
    return 4 * len(written) + ENTRY_OVERHEAD


class WrittenRows:
    """Rows written to JSON, by the first value of each row (its key: a zone's id), shared
    by a worker's threads."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: dict[Any, tuple[tuple[Any, ...], bytes, int]] = {}
        self._size = 0
        self._full = False  # a new row found no room
        self._lock = threading.Lock()

    def resize(self, max_bytes: int) -> None:
        """A new budget; what is remembered is dropped."""
        with self._lock:
            self.max_bytes = max_bytes
            self._entries = {}
            self._size = 0
            self._full = False

    def part(
        self,
        rows: Sequence[Sequence[Any]],
        head: bytes,
        make: Callable[[list[int]], list[dict[str, Any]]],
    ) -> bytes:
        """The rows as one JSON array: each row's remembered bytes where its row is the one
        remembered, the others made by `make` (given their positions in `rows`, it returns
        each one's JSON object as values) and written. Every object written starts with
        `head`, which holds what all the part's rows share. Rows this `ignores` are written
        in one go, as they would be without it."""
        if self.ignores(row[0] for row in rows):
            return orjson.dumps(make(list(range(len(rows)))))
        entries = self._entries
        pieces: list[bytes] = []
        missing: list[int] = []
        for position, row in enumerate(rows):
            entry = entries.get(row[0])
            if entry is not None and entry[0] == row:
                pieces.append(entry[1])
            else:
                pieces.append(b"")
                missing.append(position)
        if missing:
            skip = len(head)
            fresh = []
            for position, values in zip(missing, make(missing), strict=True):
                written = orjson.dumps(values)
                if not written.startswith(head):
                    raise ValueError(f"a written row does not start with {head!r}: {written!r}")
                pieces[position] = written[skip:]
                fresh.append((tuple(rows[position]), pieces[position]))
            self._remember(fresh)
        return b"".join((b"[", head, (b"," + head).join(pieces), b"]"))

    def ignores(self, keys: Iterable[Any]) -> bool:
        """Whether rows of these keys would neither be found nor remembered here: with no
        budget, or with the budget spent and none of them remembered. `part` writes such
        rows in one go; a caller may too, before it makes the rows themselves."""
        if not self.max_bytes:
            return True
        if not self._full:
            return False
        entries = self._entries
        return not any(key in entries for key in keys)

    def _remember(self, fresh: list[tuple[tuple[Any, ...], bytes]]) -> None:
        with self._lock:
            entries = self._entries
            for row, written in fresh:
                size = entry_size(written)
                old = entries.get(row[0])
                grown = self._size + size - (0 if old is None else old[2])
                if grown <= self.max_bytes:
                    entries[row[0]] = (row, written, size)
                    self._size = grown
                elif old is None:
                    self._full = True

    @property
    def size(self) -> int:
        return self._size

    def __len__(self) -> int:
        return len(self._entries)
