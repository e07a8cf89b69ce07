"""Cross-origin calls from browser frontends (CORS), for the origins in the settings.

Starlette's CORSMiddleware does the work: it answers a preflight (an OPTIONS request with
Origin and Access-Control-Request-Method) itself, before access control, so a preflight never
meets a 401; and it adds Access-Control-Allow-Origin to the answers to an allowed origin, the
errors included, so a frontend can read a problem document. The one change here: a preflight
it refuses is answered with a problem document (403 `/problems/cors-refused`) instead of plain
text. The API authenticates with `Authorization: Bearer`, never cookies, so credentials mode
stays off.
"""

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp

from app.kit.errors import problem

ALLOW_METHODS = ("GET", "HEAD", "POST", "PATCH", "DELETE")
ALLOW_HEADERS = (
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "If-Match",
    "If-None-Match",
    "X-Request-ID",
)
# Response headers a page's script may read beyond the CORS-safelisted ones.
EXPOSE_HEADERS = (
    "ETag",
    "Location",
    "Idempotent-Replayed",
    "X-Request-ID",
    "Retry-After",
    "Content-Disposition",
)
# How long a browser may keep a preflight's answer (seconds).
MAX_AGE = 600


class Cors(CORSMiddleware):
    def __init__(self, app: ASGIApp, *, origins: Sequence[str]) -> None:
        super().__init__(
            app,
            allow_origins=origins,
            allow_methods=ALLOW_METHODS,
            allow_headers=ALLOW_HEADERS,
            expose_headers=EXPOSE_HEADERS,
            allow_credentials=False,
            max_age=MAX_AGE,
        )

    def preflight_response(self, request_headers: Headers) -> Response:
        answer = super().preflight_response(request_headers)
        if answer.status_code == 200:
            return answer
        refused = problem(
            403,
            "Cross-origin request refused",
            _refusal_detail(request_headers, self),
            "cors-refused",
        )
        refused.headers["Vary"] = answer.headers["Vary"]
        return refused


def _refusal_detail(headers: Headers, cors: Cors) -> str:
    """What the preflight asked for that is not allowed, in words."""
    reasons = []
    origin = headers["origin"]
    if not cors.is_allowed_origin(origin):
        reasons.append(f"origin {origin} is not in OCCUPANCY_CORS_ORIGINS")
    method = headers["access-control-request-method"]
    if method not in ALLOW_METHODS:
        reasons.append(f"method {method} is not offered (allowed: {', '.join(ALLOW_METHODS)})")
    asked = [h.strip() for h in headers.get("access-control-request-headers", "").split(",")]
    refused_headers = [h for h in asked if h and h.lower() not in cors.allow_headers]
    if refused_headers:
        reasons.append(f"request headers not allowed: {', '.join(refused_headers)}")
    if "access-control-request-private-network" in headers:
        reasons.append("private network access is not allowed")
    return "; ".join(reasons) or "the preflight request is not allowed"
