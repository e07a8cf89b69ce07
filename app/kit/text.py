"""Text helpers shared by services."""

import unicodedata


def fold(text: str) -> str:
    """Case-folded and in Unicode NFC, so that the precomposed and the decomposed spelling
    of a Vietnamese letter (keyboards type either) compare equal, accents kept."""
    return unicodedata.normalize("NFC", text.casefold())


def search_key(*parts: str | None) -> str:
    """What `q` filters match against: the parts, folded, one per line."""
    return "\n".join(fold(p) for p in parts if p)


def like_pattern(q: str) -> str:
    """A LIKE pattern for a folded substring, with LIKE's wildcards escaped by '\\'."""
    escaped = fold(q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
