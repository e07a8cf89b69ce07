"""Which column of a file is which field: the header row matched to the register's layout.

Staff rename nothing on purpose, but they retype headers, export from older registers, or keep
the Vietnamese labels of the template. So a header cell names a column by its field name
(`leased_ha`), its Vietnamese label (`Diện tích thuê (ha)`) or its English label
(`Leased (ha)`), compared case-insensitively and without accents (`đ` reads as `d`), with
underscores, runs of spaces and a trailing `*` (a required-column marker) not counting. A
leading row-number column (`STT`, `TT`, `No.`, `#`), ubiquitous in Vietnamese registers, is
ignored, and so are the columns the layout marks read-only (exports show them; the API sets
them). Anything else the header names is unknown, and the file is refused rather than read
with a column silently dropped.

Pure: no I/O.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from app.sheets.layout import Column, Entity, columns

# Folded names of a leading row-number column.
ROW_NUMBER_HEADERS = frozenset({"stt", "tt", "no.", "no", "#", "so tt", "so thu tu"})


def fold(text: str) -> str:
    """A header as compared: no accents, đ as d, case-folded, `_` as a space, single spaces,
    no trailing `*`."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.replace("_", " ").casefold().split()).rstrip("* ").strip()


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """What the header row says. `fields` maps a position (0-based) to the column read there;
    positions of ignored columns (row number, read-only) are in `ignored`; an empty header cell
    is in `blank`. The file is usable when `missing`, `duplicated` and `unknown` are empty."""

    fields: dict[int, Column]
    ignored: frozenset[int]
    blank: frozenset[int]
    missing: tuple[Column, ...]
    duplicated: tuple[str, ...]
    unknown: tuple[str, ...]

    @property
    def usable(self) -> bool:
        return not (self.missing or self.duplicated or self.unknown)


def names(column: Column) -> frozenset[str]:
    """Every folded spelling that names `column` in a header."""
    return frozenset({fold(column.name), fold(column.label_vi), fold(column.label_en)})


def match_header(cells: Sequence[str | None], entity: Entity) -> HeaderMatch:
    """Match the header cells (text, None for empty) to `entity`'s layout."""
    layout = columns(entity)
    lookup = {spelling: column for column in layout for spelling in names(column)}
    fields: dict[int, Column] = {}
    ignored: set[int] = set()
    blank: set[int] = set()
    seen: dict[str, list[str]] = {}
    unknown: list[str] = []
    for position, cell in enumerate(cells):
        text = (cell or "").strip()
        key = fold(text)
        if not key:
            blank.add(position)
            continue
        if position == 0 and key in ROW_NUMBER_HEADERS:
            ignored.add(position)
            continue
        column = lookup.get(key)
        if column is None:
            unknown.append(text)
            continue
        seen.setdefault(column.name, []).append(text)
        if column.read_only:
            ignored.add(position)
        else:
            fields[position] = column
    duplicated = tuple(
        f"{name} ({' / '.join(spellings)})" if any(s != name for s in spellings) else name
        for name, spellings in seen.items()
        if len(spellings) > 1
    )
    missing = tuple(c for c in layout if c.required and c.name not in seen)
    return HeaderMatch(
        fields=fields,
        ignored=frozenset(ignored),
        blank=frozenset(blank),
        missing=missing,
        duplicated=duplicated,
        unknown=tuple(unknown),
    )
