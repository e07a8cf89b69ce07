"""Where the database's schema stands, for the readiness check, without Alembic: Alembic and
what it pulls in (Mako, Pygments) weigh about 11 MB in every worker, and only the command
line's `migrate` needs it (app.kit.migrate).

The head is the one migration no other names as its `down_revision`, read from the files'
own `revision` and `down_revision` lines; the current revision is the row Alembic keeps in
`alembic_version`. tests/test_migrations.py checks both against Alembic's own answers.
"""

import re
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, inspect, text

VERSIONS_DIR = Path(__file__).resolve().parents[2] / "migrations" / "versions"
_REVISION = re.compile(r"^revision(?::[^=]+)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?::[^=]+)?=\s*(?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE)


@cache
def head_revision() -> str | None:
    """The latest migration's revision (the files do not change while the service runs)."""
    revisions: set[str] = set()
    named_below: set[str] = set()
    for script in VERSIONS_DIR.glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revision = _REVISION.search(source)
        if revision is None:
            continue
        revisions.add(revision.group(1))
        down = _DOWN.search(source)
        if down is not None and down.group(1):
            named_below.add(down.group(1))
    heads = revisions - named_below
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have several heads: {sorted(heads)}")
    return next(iter(heads), None)


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at; None before the first migration."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
