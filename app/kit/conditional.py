"""Conditional reads of computed answers: reports and lists.

Their ETag is weak (`W/"…"`) and names the data version (a number every committed write raises,
in its own transaction: `app.kit.db.bump_data_version`) and the question asked: the path, the
query parameters in any order and today's date (lists and reports default to today). A GET
whose If-None-Match names it is answered 304 with the tag and no body, after one read of the
data version and nothing else. A question answered before under the same data version is
answered with the kept bytes (app.kit.answers). One dependency (`DataTag`, or `Conditional` in a route's
`dependencies`) does it for every report and list.

`If-None-Match: *` asks for a 304 whenever there is a current answer at all (RFC 9110
§13.1.2), and a precondition counts only when the answer without it would be a success
(§13.2.1): whether a request with bad parameters or for a missing resource has an answer is
known only once the route has run, so for `*` the route runs and `settle_any_tag` turns its
success into the 304. A named tag can be answered at once: it matches only a question that was
asked and answered with a success before, under the same data version.

The tag is weak because one answer is sent as several byte sequences (gzip or not) and because
what it names is "the same figures", not bytes; RFC 9110 §13.1.2 has If-None-Match compare
weakly, so a weak tag is all a cache needs.
"""

import hashlib
from datetime import date
from typing import Annotated

from fastapi import Depends, Header, Request, Response
from starlette.datastructures import QueryParams

from app.kit import answers
from app.kit.db import data_version, is_sqlite
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


# Where data_tag leaves word that the request said `If-None-Match: *` (request.state).
ANY_TAG = "if_none_match_any"


def named_tags(if_none_match: str | None) -> set[str]:
    return {t.strip().removeprefix("W/") for t in (if_none_match or "").split(",")}


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (weak comparison, RFC 9110 §13.1.2);
    `*` is not a name (see `settle_any_tag`)."""
    return etag.removeprefix("W/") in named_tags(if_none_match)


def version_tag(version: int, *parts: str) -> str:
    """A weak ETag for a computed representation: the data version and what was asked."""
    digest = hashlib.sha256("|".join((str(version), *parts)).encode()).hexdigest()[:20]
    return f'W/"{digest}"'


def answer_key(version: int, path: str, query_string: bytes, today: date) -> str:
    """The ETag of a computed answer, and its key among the kept answers: the data version,
    the path, the query parameters in any order and today's date."""
    query = "&".join(f"{k}={v}" for k, v in sorted(QueryParams(query_string).multi_items()))
    return version_tag(version, path, query, today.isoformat())


async def data_tag(
    request: Request,
    response: Response,
    session: SessionDep,
    today: TodayDep,
    if_none_match: Annotated[
        str | None, Header(alias="If-None-Match", description=IF_NONE_MATCH_DESCRIPTION)
    ] = None,
) -> str:
    """The answer's ETag, also set on the response. When If-None-Match already holds it, the
    answer is 304 before anything else is read or computed. The ETag is the one the kept
    answers' layer (app.kit.kept) worked out before routing, when it did; a kept answer never
    reaches this far (the layer sent it).

    Run on the event loop, not in a worker thread: a route that keeps its answers then makes
    one trip to a worker thread and back (its own), not two (about 0.5 ms a request, on either
    database). Only when no answer is kept does it read the data version itself: on SQLite
    in the request's snapshot, in-process, as a read session's close is; on PostgreSQL on the
    event loop too, as the kept layer reads it (app.kit.version_reads), before the request's
    snapshot begins, so the tag is never newer than the figures it tags."""
    etag: str | None = getattr(request.state, answers.KEY, None)
    if etag is None:  # no answer is kept (budget 0): this request's own key
        if is_sqlite(session):
            version = data_version(session)
        else:
            version = await request.app.state.read_data_version()
        scope = request.scope
        etag = answer_key(version, scope["path"], scope["query_string"], today)
        setattr(request.state, answers.KEY, etag)
    if matches(if_none_match, etag):
        raise NotModified(etag)
    if "*" in named_tags(if_none_match):
        setattr(request.state, ANY_TAG, True)
    response.headers["ETag"] = etag
    return etag


DataTag = Annotated[str, Depends(data_tag)]
# For a route that needs the tag only on its response: `dependencies=[Conditional]`.
Conditional = Depends(data_tag)


def settle_any_tag(request: Request, response: Response) -> Response:
    """The route's answer, or, when its request said `If-None-Match: *` and the answer is a
    success (so there is a current answer), the 304 in its place."""
    if not getattr(request.state, ANY_TAG, False) or not 200 <= response.status_code < 300:
        return response
    return not_modified(request, NotModified(response.headers["ETag"]))


def not_modified(_request: Request, exc: Exception) -> Response:
    """The 304 answer: the ETag again, no body. `Vary: Accept-Encoding` because the 200 it
    stands for may have been compressed (RFC 9110 §15.4.5: a 304 carries the 200's Vary)."""
    assert isinstance(exc, NotModified)
    return Response(status_code=304, headers={"ETag": exc.etag, "Vary": "Accept-Encoding"})
