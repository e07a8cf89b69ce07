"""Text helpers shared by services: how searches compare text.

People type Vietnamese names with or without their accents, in any case, and with either the
precomposed or the decomposed form of a letter (keyboards produce both). A search key is the
text with all of that taken out, and the same function makes the stored key and the key of what
is typed, so the two always agree."""

import unicodedata

# Letters that carry their mark in the letter itself, not as a combining mark, so NFD leaves
# them whole: Vietnamese đ/Đ (d with stroke) is the one that matters.
_STROKED = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text: str) -> str:
    """Case-folded and in Unicode NFC, so that the precomposed and the decomposed spelling
    of a Vietnamese letter compare equal, accents kept (what is shown, not what is searched)."""
    return unicodedata.normalize("NFC", text.casefold())


def search_fold(text: str) -> str:
    """The accent- and case-free form of a text, for matching what people type: NFD, the
    combining marks dropped, đ to d, case-folded, and NFC again. "Đồng Tâm", "ĐỒNG TÂM" and
    "dong tam" all give "dong tam"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKED))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.casefold().translate(_STROKED))


def search_key(*parts: str | None) -> str:
    """What `q` filters match against: the parts, search-folded, one per line."""
    return "\n".join(search_fold(p) for p in parts if p)


def like_pattern(q: str) -> str:
    """A LIKE pattern for a search-folded substring, with LIKE's wildcards escaped by '\\'."""
    escaped = search_fold(q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
