"""The audit trail: every successful write appends an event in its own transaction.

Who acted and which request it was come from the session's `info` (set per request by the
access dependency), so services record events without taking them as arguments.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

from app.kit.db import Base, copy_rows, utcnow
from app.kit.repo import paginate
from app.models import AuditEvent

ACTOR, REQUEST_ID = "actor", "request_id"
# Columns that are derived or secret, never shown in the trail.
HIDDEN = frozenset({"search_text", "province_key", "secret_hash"})


def set_context(session: Session, *, actor: str, request_id: str | None) -> None:
    session.info[ACTOR] = actor
    session.info[REQUEST_ID] = request_id


def snapshot(entity: object) -> dict[str, Any]:
    """The entity's columns as JSON values (decimals as numbers, dates as ISO text)."""
    state = inspect(entity)
    return {
        attr.key: _json_value(getattr(entity, attr.key))
        for attr in state.mapper.column_attrs
        if attr.key not in HIDDEN
    }


def json_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as JSON values, as snapshots show them."""
    return {name: _json_value(value) for name, value in values.items()}


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            occurred_at=utcnow(),
            actor=session.info.get(ACTOR, "system"),
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=dict(before) if before is not None else None,
            after=dict(after) if after is not None else None,
            request_id=session.info.get(REQUEST_ID),
        )
    )


def snapshot_values(model: type[Base], values: Mapping[str, Any]) -> dict[str, Any]:
    """What `snapshot` shows for a row of `model` written from plain values (a bulk insert):
    every column, absent ones as null."""
    return {key: _json_value(values.get(key)) for key in _shown_columns(model)}


@cache
def _shown_columns(model: type[Base]) -> tuple[str, ...]:
    return tuple(attr.key for attr in inspect(model).column_attrs if attr.key not in HIDDEN)


def record_created(
    session: Session, entity: str, rows: Sequence[tuple[int, Mapping[str, Any]]]
) -> None:
    """One "create" event per (id, after) written in one statement (bulk imports), the same
    events `record` would leave."""
    if not rows:
        return
    now = utcnow()
    actor = session.info.get(ACTOR, "system")
    request_id = session.info.get(REQUEST_ID)
    events = [
        {
            "occurred_at": now,
            "actor": actor,
            "action": "create",
            "entity": entity,
            "entity_id": entity_id,
            "before": None,
            "after": dict(after),
            "request_id": request_id,
        }
        for entity_id, after in rows
    ]
    if session.get_bind().dialect.name == "postgresql":
        copy_rows(session, AuditEvent, events)
    else:
        session.execute(insert(AuditEvent), events)


def list_events(
    session: Session,
    *,
    entity: str | None,
    entity_id: int | None,
    actor: str | None,
    since: datetime | None,
    limit: int,
    offset: int,
) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since)
    return paginate(session, query, order_by=(AuditEvent.id,), limit=limit, offset=offset)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value
