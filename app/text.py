"""Text helpers shared by services."""


def search_key(*parts: str | None) -> str:
    """What `q` filters match against: the parts, case-folded, one per line."""
    return "\n".join(p.casefold() for p in parts if p)


def like_pattern(q: str) -> str:
    """A LIKE pattern for a case-folded substring, with LIKE's wildcards escaped by '\\'."""
    escaped = q.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
