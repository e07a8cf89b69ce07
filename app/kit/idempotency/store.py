"""Idempotency records in the database: claim a key, complete it, replay it.

The semantics (docs/api.md §7): a retry with the same key and body replays the first
response, with Idempotent-Replayed: true; the same key with another body is refused (422);
a retry while the first request still runs is refused (409). Keys belong to the caller (the
API key's name) and are kept for 24 hours.
"""

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.kit.db import rows_changed, utcnow
from app.models import IdempotencyRecord
from app.models.enums import IdempotencyState

KEEP_FOR = timedelta(hours=24)
# An in-progress claim older than this belongs to a request that died (a finished write
# would have marked it done in its own transaction); a retry may take it over.
ABANDONED_AFTER = timedelta(seconds=60)
RUNNING = "a request with this Idempotency-Key is still being processed"
# Response headers worth replaying.
REPLAYED_HEADERS = ("location", "etag", "content-type")


def request_hash(method: str, path: str, query: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Claimed:
    """This request holds the key; `token` (the claim time) tells it from a later taker."""

    record_id: int
    token: datetime


@dataclass(frozen=True, slots=True)
class Replay:
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class Refused:
    status: int  # 409 still running, 422 another body
    detail: str
    retry_after: int | None = None  # seconds, for 409


def claim(
    session: Session, *, caller: str, key: str, fingerprint: str
) -> Claimed | Replay | Refused:
    """Claim the key for this request, or say how to answer it instead. Commits."""
    now = utcnow()
    session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < now))
    record = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.caller == caller, IdempotencyRecord.key == key
        )
    )
    if record is None:
        record = IdempotencyRecord(
            caller=caller,
            key=key,
            request_hash=fingerprint,
            state=IdempotencyState.IN_PROGRESS,
            claimed_at=now,
            expires_at=now + KEEP_FOR,
        )
        session.add(record)
        try:
            session.commit()
        except IntegrityError:  # a concurrent first request claimed it a moment earlier
            session.rollback()
            return Refused(409, RUNNING, retry_after=1)
        return Claimed(record.id, now)
    if record.request_hash != fingerprint:
        session.commit()
        return Refused(422, "this Idempotency-Key was used with another request body or path")
    if record.state == IdempotencyState.DONE:
        replay = Replay(
            status=record.response_status or 200,
            headers=dict(record.response_headers or {}),
            body=(record.response_body or "").encode(),
        )
        session.commit()
        return replay
    age = now - record.claimed_at
    if age < ABANDONED_AFTER:
        session.commit()
        wait = max(1, math.ceil((ABANDONED_AFTER - age).total_seconds()))
        return Refused(409, RUNNING, retry_after=wait)
    taken = session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == record.id, IdempotencyRecord.claimed_at == record.claimed_at)
        .values(claimed_at=now)
    )
    session.commit()
    if rows_changed(taken) != 1:
        return Refused(409, RUNNING, retry_after=1)
    return Claimed(record.id, now)


def _held(claim: Claimed) -> ColumnElement[bool]:
    """The record is still in progress under this very claim (not taken over since)."""
    return and_(
        IdempotencyRecord.id == claim.record_id,
        IdempotencyRecord.state == IdempotencyState.IN_PROGRESS,
        IdempotencyRecord.claimed_at == claim.token,
    )


def complete(
    session: Session, claim: Claimed, *, status: int, headers: Mapping[str, str], body: str
) -> bool:
    """Mark the claim done with its response, in the caller's write transaction (no commit).

    False when another attempt has taken the claim over (this one ran past ABANDONED_AFTER):
    the caller must then roll its write back, so one key never stands for two writes.
    """
    done = session.execute(
        update(IdempotencyRecord)
        .where(_held(claim))
        .values(
            state=IdempotencyState.DONE,
            response_status=status,
            response_headers=_replayed(headers),
            response_body=body,
        )
    )
    return rows_changed(done) == 1


def _replayed(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items() if k.lower() in REPLAYED_HEADERS}


def release(session: Session, claim: Claimed) -> None:
    """Forget a claim whose request failed unexpectedly, so a retry runs afresh. Commits."""
    session.execute(delete(IdempotencyRecord).where(_held(claim)))
    session.commit()


def finish_refusal(
    session: Session, claim: Claimed, *, status: int, headers: Mapping[str, str], body: bytes
) -> None:
    """Keep a refusal (4xx) as the answer to replay, unless the write already completed the
    claim or another attempt took it over. Commits."""
    complete(session, claim, status=status, headers=headers, body=body.decode("utf-8", "replace"))
    session.commit()
