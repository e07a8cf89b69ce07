"""Accent-free search: search keys without accents, and a folded province key on zone states.

`q` and `province=` now match however people type a Vietnamese name: any case, with or
without accents, đ as d. The stored search keys of zone states and projects are recomputed
with that fold, and zone states get `province_key`, the province folded the same way and
indexed, for the `province=` filters. Downgrading puts back the keys as 0001-0008 made them
(case-folded, accents kept) and drops the column.

The two folds are copied here, not imported, so that this migration keeps doing what it did
when the application's own fold changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

import unicodedata
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
_STROKED = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def _accent_free(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKED))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.casefold().translate(_STROKED))


def _accents_kept(text: str) -> str:
    return unicodedata.normalize("NFC", text.casefold())


def _key(fold: Callable[[str], str], *parts: str | None) -> str:
    return "\n".join(fold(p) for p in parts if p)


def _rekey(fold: Callable[[str], str], *, province_key: bool) -> None:
    """Recompute every stored search key with `fold` (and province_key, when it exists), in
    batches of BATCH rows by id."""
    bind = op.get_bind()
    states = sa.text(
        "SELECT zone_states.id, zone_states.name, zone_states.province, zones.code"
        " FROM zone_states JOIN zones ON zones.id = zone_states.zone_id"
        " WHERE zone_states.id > :after ORDER BY zone_states.id LIMIT :size"
    )
    set_state = (
        "UPDATE zone_states SET search_text = :search_text"
        + (", province_key = :province_key" if province_key else "")
        + " WHERE id = :id"
    )
    after = 0
    while rows := bind.execute(states, {"after": after, "size": BATCH}).all():
        bind.execute(
            sa.text(set_state),
            [
                {"id": id_, "search_text": _key(fold, name, code)}
                | ({"province_key": fold(province)} if province_key else {})
                for id_, name, province, code in rows
            ],
        )
        after = rows[-1][0]
    projects = sa.text(
        "SELECT id, name, investor FROM projects WHERE id > :after ORDER BY id LIMIT :size"
    )
    after = 0
    while rows := bind.execute(projects, {"after": after, "size": BATCH}).all():
        bind.execute(
            sa.text("UPDATE projects SET search_text = :search_text WHERE id = :id"),
            [
                {"id": id_, "search_text": _key(fold, name, investor)}
                for id_, name, investor in rows
            ],
        )
        after = rows[-1][0]


def upgrade() -> None:
    with op.batch_alter_table("zone_states") as batch:
        batch.add_column(sa.Column("province_key", sa.String(length=100), nullable=True))
    _rekey(_accent_free, province_key=True)
    with op.batch_alter_table("zone_states") as batch:
        batch.alter_column("province_key", existing_type=sa.String(length=100), nullable=False)
        batch.create_index(batch.f("ix_zone_states_province_key"), ["province_key"])


def downgrade() -> None:
    with op.batch_alter_table("zone_states") as batch:
        batch.drop_index(batch.f("ix_zone_states_province_key"))
        batch.drop_column("province_key")
    _rekey(_accents_kept, province_key=False)
