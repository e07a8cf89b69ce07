"""API keys: random, shown once, stored only as a hash; looked up by their public prefix."""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.kit import audit
from app.kit.db import flush_or_raise, utcnow
from app.kit.errors import Conflict, DuplicateValue, NotFound
from app.kit.repo import get_or_404, paginate
from app.models import ApiKey
from app.models.enums import Role

KEY_PREFIX = "occ"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a key's name and role, or nobody."""

    name: str
    role: Role | None

    def has(self, role: Role) -> bool:
        return self.role is not None and self.role.rank >= role.rank


ANONYMOUS = Principal(name="anonymous", role=None)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, *, name: str, role: Role) -> tuple[ApiKey, str]:
    """A new key; returns the row and the secret, which is never shown again."""
    taken = session.scalar(select(ApiKey.id).where(ApiKey.name == name))
    error = DuplicateValue(f"a key named {name} exists", field="name")
    if taken is not None:
        raise error
    prefix = secrets.token_hex(6)
    secret = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        name=name, role=role, prefix=prefix, secret_hash=_hash(secret), created_at=utcnow()
    )
    session.add(key)
    flush_or_raise(session, error)
    audit.record(session, "create", "api_key", key.id, after=audit.snapshot(key))
    return key, secret


def get_key(session: Session, key_id: int) -> ApiKey:
    return get_or_404(session, ApiKey, key_id, name="key")


def key_named(session: Session, name: str) -> ApiKey:
    key = session.scalar(select(ApiKey).where(ApiKey.name == name))
    if key is None:
        raise NotFound("key", name, detail=f"no key is named {name!r}")
    return key


def revoke_key(session: Session, key_id: int) -> ApiKey:
    """Revoke a key; never the last admin key that works, or nobody could manage keys again."""
    # Lock every working admin key (PostgreSQL; SQLite's write transaction is already the
    # only writer), so two admins revoking each other's keys cannot both succeed.
    admins = session.scalars(
        select(ApiKey)
        .where(ApiKey.role == Role.ADMIN, ApiKey.revoked_at.is_(None))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    key = get_key(session, key_id)
    if key.revoked_at is not None:
        raise Conflict(f"key {key_id} was revoked at {key.revoked_at.isoformat()}")
    if key.role == Role.ADMIN and [admin.id for admin in admins] == [key.id]:
        raise Conflict(
            f"key {key_id} is the last admin key that works; create another admin key before "
            "revoking this one",
            key_id=key_id,
        )
    before = audit.snapshot(key)
    key.revoked_at = utcnow()
    session.flush()
    audit.record(session, "revoke", "api_key", key.id, before=before, after=audit.snapshot(key))
    return key


def list_keys(session: Session, *, limit: int, offset: int) -> tuple[list[ApiKey], int]:
    return paginate(session, select(ApiKey), order_by=(ApiKey.id,), limit=limit, offset=offset)


def all_keys(session: Session) -> list[ApiKey]:
    """Every key, oldest first (the command line lists them all; there are few)."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def key_authenticator(factory: sessionmaker[Session]) -> Callable[[str], Principal | None]:
    """Key look-ups in a short read transaction of their own (before the request's)."""

    def lookup(presented: str) -> Principal | None:
        with factory() as session:
            return authenticate(session, presented)

    return lookup


def authenticate(session: Session, presented: str) -> Principal | None:
    """The principal of a valid, unrevoked key; None for anything else."""
    parts = presented.split("_", 2)  # the secret part may itself contain "_"
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 12:
        return None
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.secret_hash, _hash(presented)):
        return None
    return Principal(name=key.name, role=Role(key.role))
