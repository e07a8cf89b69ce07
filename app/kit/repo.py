"""Small repository helpers every service uses: fetch or 404, count and page, one holder of
a unique value. Services call these instead of spelling the same queries again."""

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.kit.errors import DuplicateValue, NotFound

Row = TypeVar("Row")


def get_or_404(session: Session, model: type[Row], entity_id: int, *, name: str) -> Row:
    """The stored `model` with this id, or NotFound naming it as `name`."""
    found = session.get(model, entity_id)
    if found is None:
        raise NotFound(name, entity_id)
    return found


def paginate(
    session: Session,
    query: Select[Row],
    *,
    order_by: tuple[Any, ...],
    limit: int,
    offset: int,
) -> tuple[list[Row], int]:
    """One page of the query's rows in `order_by` order, and how many rows it has in all."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = session.scalars(query.order_by(*order_by).limit(limit).offset(offset))
    return list(page), total or 0


def ensure_unique(
    session: Session,
    column: InstrumentedAttribute[Any],
    value: object,
    *,
    own_id: int | None,
    id_column: InstrumentedAttribute[int],
    error: Callable[[int], DuplicateValue],
    scope: ColumnElement[bool] | None = None,
) -> None:
    """Refuse with `error(holder_id)` when another row (not `own_id`) already holds `value`.

    The unique constraint stays the last word under concurrency (see
    app.kit.db.flush_or_raise); this check only gives the common case a clear message."""
    query = select(id_column).where(column == value)
    if scope is not None:
        query = query.where(scope)
    holder = session.scalar(query.limit(1))
    if holder is not None and holder != own_id:
        raise error(holder)
