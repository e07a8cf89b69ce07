"""What every register's importer shares: the outcome it counts, progress, reading stored
rows in chunks (IN lists stay well under every database's parameter limit), and applying one
row through a domain's schema and service."""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.imports.rows import RowError, domain_errors, schema_errors
from app.kit.errors import DomainError
from app.models import Zone
from app.sheets.reading import Row

# (rows done, rows in all): a command line draws its progress bar from it.
Progress = Callable[[int, int], None]
CHUNK = 1000
T = TypeVar("T")
K = TypeVar("K", int, str)
V = TypeVar("V")
M = TypeVar("M", bound=BaseModel)


def no_progress(_done: int, _total: int) -> None:
    return None


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def lookup(
    session: Session,
    key: InstrumentedAttribute[K],
    value: InstrumentedAttribute[V],
    keys: Iterable[K],
) -> dict[K, V]:
    """`value` by `key` for the stored rows whose `key` is one of `keys`: the zone ids of the
    codes a file names, or the codes of the zones it touches."""
    found: dict[K, V] = {}
    for batch in chunks(sorted(set(keys))):
        rows = session.execute(select(key, value).where(key.in_(batch)))
        found.update({stored_key: stored_value for stored_key, stored_value in rows})
    return found


def lock_zones(session: Session, zone_ids: Iterable[int]) -> None:
    """Hold the row locks of every zone the file touches until the transaction ends, taken
    in id order so that two importers never wait on each other in a cycle (API writers hold
    one zone at a time). SQLite's writer lock already admits one writer."""
    for batch in chunks(sorted(set(zone_ids))):
        session.execute(
            select(Zone.id).where(Zone.id.in_(batch)).order_by(Zone.id).with_for_update()
        )


def same(stored: Any, given: Any) -> bool:
    """Whether a cell states what is stored (decimals compare by value: 2.50 is 2.5)."""
    if isinstance(stored, Decimal) and isinstance(given, Decimal | int):
        return stored == given
    if isinstance(stored, float) and isinstance(given, Decimal):  # coordinates
        return stored == float(given)
    if isinstance(stored, date) and isinstance(given, date):
        return stored == given
    return bool(stored == given)


def changed(stored: dict[str, Any], given: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    return {
        name: given[name]
        for name in names
        if name in given and not same(stored.get(name), given[name])
    }


def apply_row(
    session: Session,
    row: Row,
    schema: type[M],
    payload: Mapping[str, Any],
    write: Callable[[M], object] | None,
    *,
    skip: set[str],
    fallback: str,
    errors: list[RowError],
) -> bool:
    """Check a row's payload with the domain's schema and hand it to the domain's service
    (`write`) in a savepoint of its own, so that a refused row leaves nothing behind and the
    rows after it are still checked; True when the row was written.

    The schema's errors at the cells in `skip` (refused already when the file was read) are
    left out. A row with such a cell, or with no `write` (it names nothing to write to, e.g.
    an unknown zone), is only checked, so that its other cells' errors are found too. The
    service's errors go to the column they name, else to `fallback`."""
    try:
        data = schema.model_validate(payload)
    except ValidationError as exc:
        errors.extend(e for e in schema_errors(row.number, row.values, exc) if e.column not in skip)
        return False
    if skip or write is None:
        return False
    try:
        with session.begin_nested():
            write(data)
    except DomainError as exc:
        errors.extend(domain_errors(row.number, row.values, exc, fallback=fallback))
        return False
    return True
