"""Pure comparison of two JSON documents: every figure that differs, by path.

Objects are compared key by key (`totals.park.occupancy_rate`). Lists whose items are
objects with an identity (`id`, `indicator`, `as_of`, `country`, `sector`) are matched by
it, so a zone added to a report names that zone instead of shifting every row after it
(`zones[id=12].leased_industrial_ha`); other lists are compared position by position
(`[3]`). An item present on one side only is one change whose other side is null.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

IDENTITIES = ("id", "indicator", "as_of", "country", "sector")


@dataclass(frozen=True, slots=True)
class Change:
    path: str
    filed: Any
    now: Any


def changes(filed: Any, now: Any) -> list[Change]:
    return list(_walk("", filed, now))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _identity(*sides: Sequence[Any]) -> str | None:
    """The key that names each item on both sides, if the items are objects that have one."""
    items = [item for side in sides for item in side]
    if not items or not all(isinstance(item, Mapping) for item in items):
        return None
    for key in IDENTITIES:
        if all(
            all(item.get(key) is not None for item in side)
            and len({repr(item[key]) for item in side}) == len(side)
            for side in sides
        ):
            return key
    return None


def _walk(path: str, filed: Any, now: Any) -> Iterator[Change]:
    if isinstance(filed, Mapping) and isinstance(now, Mapping):
        for key in [*filed, *(k for k in now if k not in filed)]:
            yield from _walk(_join(path, str(key)), filed.get(key), now.get(key))
        return
    if isinstance(filed, list) and isinstance(now, list):
        key = _identity(filed, now)
        if key is None:
            for index in range(max(len(filed), len(now))):
                yield from _walk(
                    f"{path}[{index}]",
                    filed[index] if index < len(filed) else None,
                    now[index] if index < len(now) else None,
                )
            return
        old = {repr(item[key]): item for item in filed}
        new = {repr(item[key]): item for item in now}
        for name in [*old, *(n for n in new if n not in old)]:
            label = old.get(name, new.get(name, {}))[key]
            yield from _walk(f"{path}[{key}={label}]", old.get(name), new.get(name))
        return
    if type(filed) is not type(now) and not _both_numbers(filed, now) or filed != now:
        yield Change(path, filed, now)


def _both_numbers(a: Any, b: Any) -> bool:
    numeric = (int, float)
    return (
        isinstance(a, numeric)
        and isinstance(b, numeric)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    )
