"""Conditional reads of computed answers: reports and lists.

Their ETag is weak (`W/"…"`) and names the data version (a number every committed write raises,
in its own transaction: `app.kit.db.bump_data_version`) and the question asked: the path, the
query parameters in any order and today's date (lists and reports default to today). A GET
whose If-None-Match names it is answered 304 with the tag and no body, after one read of the
data version and nothing else. One dependency (`DataTag`, or `Conditional` in a route's
`dependencies`) does it for every report and list.

The tag is weak because one answer is sent as several byte sequences (gzip or not) and because
what it names is "the same figures", not bytes; RFC 9110 §13.1.2 has If-None-Match compare
weakly, so a weak tag is all a cache needs.
"""

import hashlib
from typing import Annotated

from fastapi import Depends, Header, Request, Response

from app.kit.db import data_version
from app.kit.deps import SessionDep, TodayDep

IF_NONE_MATCH_DESCRIPTION = (
    "ETags of copies the caller holds; when one is current (weak comparison) the answer is "
    "304 with no body."
)


class NotModified(Exception):
    """The client's copy (If-None-Match) is current: answer 304 with its ETag, no body."""

    def __init__(self, etag: str) -> None:
        super().__init__(etag)
        self.etag = etag


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (weak comparison, RFC 9110 §13.1.2)."""
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def version_tag(version: int, *parts: str) -> str:
    """A weak ETag for a computed representation: the data version and what was asked."""
    digest = hashlib.sha256("|".join((str(version), *parts)).encode()).hexdigest()[:20]
    return f'W/"{digest}"'


def data_tag(
    request: Request,
    response: Response,
    session: SessionDep,
    today: TodayDep,
    if_none_match: Annotated[
        str | None, Header(alias="If-None-Match", description=IF_NONE_MATCH_DESCRIPTION)
    ] = None,
) -> str:
    """The answer's ETag, also set on the response. When If-None-Match already holds it, the
    answer is 304 before anything else is read or computed."""
    query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
    etag = version_tag(data_version(session), request.url.path, query, today.isoformat())
    if matches(if_none_match, etag):
        raise NotModified(etag)
    response.headers["ETag"] = etag
    return etag


DataTag = Annotated[str, Depends(data_tag)]
# For a route that needs the tag only on its response: `dependencies=[Conditional]`.
Conditional = Depends(data_tag)


def not_modified(_request: Request, exc: Exception) -> Response:
    """The 304 answer: the ETag again, no body. `Vary: Accept-Encoding` because the 200 it
    stands for may have been compressed (RFC 9110 §15.4.5: a 304 carries the 200's Vary)."""
    assert isinstance(exc, NotModified)
    return Response(status_code=304, headers={"ETag": exc.etag, "Vary": "Accept-Encoding"})
