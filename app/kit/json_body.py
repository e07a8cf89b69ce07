"""Request bodies parsed exactly: UTF-8 only, JSON numbers as decimals.

The standard parser reads a JSON number with a fraction as a binary float, so
`99999999999999.99` arrives as …98 and `1.000000000000000000001` as 1.0 before any rule can
see it. Here every such number becomes a `Decimal` with exactly the digits sent, so the schema
rules (at most 4 places for areas, 2 for money) judge what the client wrote. Anything that is
not a JSON text in UTF-8 (invalid UTF-8, UTF-16, nesting too deep to parse, an integer too
long to convert) is the malformed-JSON problem (400), never a 500.
"""

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from app.kit.answers import keep
from app.kit.conditional import settle_any_tag

# Python refuses to convert integers of more than 4,300 digits (a guard against slow
# conversions); no field of this API takes more than 16.
_MAX_INT_DIGITS = 4300


def _int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise ValueError("integer too long")
    return int(text)


def loads_exact(body: bytes) -> Any:
    """The JSON text in `body`, numbers with a fraction or exponent as Decimal.

    Raises json.JSONDecodeError for anything that is not a JSON text in UTF-8.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise json.JSONDecodeError("the body is not UTF-8", repr(body[:40]), exc.start) from exc
    try:
        document = json.loads(text, parse_float=Decimal, parse_int=_int)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as exc:
        raise json.JSONDecodeError(f"unreadable JSON: {exc}", text[:40], 0) from exc
    # A bare number is no body of this API: hand it on as a float, which the schemas refuse
    # as "not an object" (a Decimal would read as an object without fields).
    return float(document) if isinstance(document, Decimal) else document


class ExactJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads_exact(await self.body())
        return self._json


class ExactJsonRoute(APIRoute):
    """A route whose JSON body is parsed by `loads_exact`; every router uses it. It is also
    where a report's or a list's answer to `If-None-Match: *` is settled, once the route has
    validated the request and answered (app.kit.conditional.settle_any_tag), and where a
    computed answer is kept for the next time it is asked (app.kit.answers.keep)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def exact(request: Request) -> Response:
            answer = await handler(ExactJsonRequest(request.scope, request.receive))
            keep(request, answer)
            return settle_any_tag(request, answer)

        return exact
