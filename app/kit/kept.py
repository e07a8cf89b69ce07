"""Kept answers sent before routing: a GET of a report, a list or a zone asked again with
nothing changed costs one read of the data version and a look in the worker's kept answers
(app.kit.answers), and none of the routing, parameter checks and dependencies that computing
it again would need.

The layer sits inside access control (a caller who may not read is refused first) and
outside the routes. For a GET whose route keeps its answers (one that depends on
app.kit.conditional.data_tag, or is marked `Kept`: `KeptRoutes.among` finds them when the
application is made from its routers), it reads the data version and works out the answer's key
(`answer_key`, the ETag of a report or a list), then:

- for a route that answers If-None-Match (data_tag's), If-None-Match names that ETag: 304,
  with nothing else read; `If-None-Match: *` and the answer is kept: 304;
- the answer is kept: it is sent (`send_kept`), byte for byte with the route's headers;
- otherwise the request goes on to its route with the key in its state, where data_tag
  takes it instead of reading the data version again, and the route's answer is kept.

A request whose parameters are wrong never has a kept answer (only successes are kept), so it
always reaches its route and gets the route's own refusal.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from app.kit import answers
from app.kit.answers import AnswerCache, kept_here, send_kept
from app.kit.conditional import (
    NotModified,
    answer_key,
    data_tag,
    matches,
    named_tags,
    not_modified,
)
from app.kit.routes import UNMATCHED, RouteTemplates
from app.kit.version_reads import ReadVersion

# What the layer needs from the application's state: the kept answers (`answers`), the
# routes that keep theirs (`kept_routes`, KeptRoutes), and how to read the data version
# (`read_data_version`, on the event loop: app.kit.version_reads).


def _depends_on(dependant: Dependant, call: Callable[..., object]) -> bool:
    return any(d.call is call or _depends_on(d, call) for d in dependant.dependencies)


@dataclass(frozen=True)
class KeptRoutes:
    """The GET routes whose answers are kept, and which of them answer If-None-Match."""

    templates: RouteTemplates
    conditional: frozenset[str]

    @classmethod
    def among(cls, routes: Iterable[object]) -> "KeptRoutes":
        """Those of `routes` that depend on data_tag (conditional) or are marked `Kept`."""
        gets = [r for r in routes if isinstance(r, APIRoute) and "GET" in (r.methods or ())]
        conditional = {r.path_format for r in gets if _depends_on(r.dependant, data_tag)}
        marked = {r.path_format for r in gets if _depends_on(r.dependant, kept_here)}
        return cls(RouteTemplates(conditional | marked), frozenset(conditional))


class SendKept:
    def __init__(self, app: ASGIApp, *, today: Callable[[], date]) -> None:
        self.app = app
        self.today = today

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        routes: KeptRoutes = state.kept_routes
        cache: AnswerCache = state.answers
        path = scope["path"]
        template = routes.templates.of(path)
        if template == UNMATCHED or cache.max_bytes == 0:  # nothing kept: the route decides
            await self.app(scope, receive, send)
            return
        read: ReadVersion = state.read_data_version
        version = await read()
        key = answer_key(version, path, scope["query_string"], self.today())
        request = Request(scope, receive)
        kept = cache.get(key)
        if template in routes.conditional:
            if_none_match = request.headers.get("if-none-match")
            if matches(if_none_match, key) or (
                kept is not None and "*" in named_tags(if_none_match)
            ):
                await not_modified(request, NotModified(key))(scope, receive, send)
                return
        if kept is not None:
            await send_kept(request, kept)(scope, receive, send)
            return
        setattr(request.state, answers.KEY, key)
        await self.app(scope, receive, send)
