"""Domain errors, and the one place that turns every error into RFC 9457 problem+json."""

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from app.kit.messages import hint, number, vietnamese
from app.kit.problems import CATALOGUE

PROBLEM_JSON = "application/problem+json"
# Where a domain error's answer leaves its problem type (e.g. "capacity-exceeded") in the
# request state, for the metrics (app.kit.observe).
PROBLEM_SLUG = "problem"


class DomainError(Exception):
    """An error a service raises; carries everything the problem document needs."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    headers: dict[str, str] = {}

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        # The detail in Vietnamese: from the message catalogue (app.kit.messages), unless a
        # subclass knows better.
        self.detail_vi: str | None = None
        self.extensions = extensions


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"

    def __init__(self, entity: str, entity_id: object, *, detail: str | None = None) -> None:
        super().__init__(detail or f"{entity} {entity_id} does not exist")


class Unauthorized(DomainError):
    status, slug, title = 401, "unauthorized", "Missing or invalid credentials"
    headers = {"WWW-Authenticate": 'Bearer realm="occupancy"'}


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Insufficient role"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict with stored state"


class DuplicateValue(Conflict):
    slug, title = "duplicate", "Duplicate value"


class CapacityExceeded(Conflict):
    slug, title = "capacity-exceeded", "Not enough leasable land"

    def __init__(
        self,
        *,
        zone_id: int,
        zone_code: str,
        land_use: str,
        requested_ha: Decimal,
        available_ha: Decimal,
    ) -> None:
        super().__init__(
            f"zone {zone_code} has {number(available_ha)} ha of {land_use} land free over the "
            f"requested period, {number(requested_ha)} ha requested",
            zone_id=zone_id,
            zone_code=zone_code,
            land_use=land_use,
            requested_ha=_number(requested_ha),
            available_ha=_number(available_ha),
        )


class LandOverbooked(CapacityExceeded):
    """A change of a zone's land that would leave its leases holding more than the land."""

    def __init__(
        self,
        *,
        zone_id: int,
        zone_code: str,
        land_use: str,
        held_ha: Decimal,
        land_ha: Decimal,
        start: date,
        end: date | None,
    ) -> None:
        until = f" until {end}" if end else " on"
        DomainError.__init__(
            self,
            f"leases in zone {zone_code} hold {number(held_ha)} ha of {land_use} land from "
            f"{start}{until}, where the zone would have {number(land_ha)} ha",
            zone_id=zone_id,
            zone_code=zone_code,
            land_use=land_use,
            held_ha=_number(held_ha),
            land_ha=_number(land_ha),
            **{"from": start.isoformat(), "to": end.isoformat() if end else None},
        )


class LandInUse(Conflict):
    slug, title = "land-in-use", "Leases hold more land than that"


class InvalidValues(DomainError):
    """A rule that spans fields or stored state, reported like a validation error (422)."""

    status, slug, title = 422, "validation-error", "Invalid values"

    def __init__(self, field: str, message: str) -> None:
        error = {"field": field, "message": message, "message_vi": vietnamese(message)}
        super().__init__(f"{field}: {message}", errors=[error])
        self.detail_vi = f"{field}: {error['message_vi']}"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def problem(
    status: int,
    title: str,
    detail: str,
    slug: str | None = None,
    *,
    detail_vi: str | None = None,
    **extensions: Any,
) -> JSONResponse:
    """A problem document; `detail` in English, and beside it `detail_vi`, the same in
    Vietnamese (from the message catalogue unless given)."""
    if slug is not None and slug not in CATALOGUE:
        raise ValueError(f"problem type {slug!r} is not in app.kit.problems.CATALOGUE")
    body: dict[str, Any] = {
        "type": CATALOGUE[slug].uri if slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "detail_vi": detail_vi if detail_vi is not None else vietnamese(detail),
        **extensions,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {
            "type": "string",
            "description": "/problems/<slug>: a page (GET) explains it; or about:blank",
            "enum": ["about:blank", *(problem.uri for problem in CATALOGUE.values())],
        },
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, in English."},
        "detail_vi": {"type": "string", "description": "The detail in Vietnamese."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {
                        "type": "string",
                        "description": "The field to fix (dotted path; for a rule across "
                        "fields, the one to change)",
                    },
                    "message": {"type": "string", "description": "In English."},
                    "message_vi": {"type": "string", "description": "In Vietnamese."},
                    "hint": {
                        "type": "string",
                        "description": "For a common mistake: what to send instead.",
                    },
                    "hint_vi": {"type": "string", "description": "The hint in Vietnamese."},
                },
            },
        },
    },
    "additionalProperties": True,
}


# Every problem response of the OpenAPI document refers to PROBLEM_SCHEMA under this name
# (app.kit.openapi puts it in the document's components).
PROBLEM_SCHEMA_NAME = "Problem"


def problem_response(description: str) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA_NAME}"}
    return {"description": description, "content": {PROBLEM_JSON: {"schema": schema}}}


STALE_RESPONSES: dict[int | str, dict[str, Any]] = {
    412: problem_response("If-Match names an out-of-date version")
}


def _field_path(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    """Each error with the field to fix, its message in English and Vietnamese, and for the
    common mistakes (a number as text, a day-first date, an unknown value) a hint."""
    errors = []
    for err in exc.errors():
        message = err.get("msg", "invalid value")
        if err.get("type") == "extra_forbidden":
            message = "unknown or read-only field"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        error = {
            "field": _field_path(tuple(err.get("loc", ()))),
            "message": message,
            "message_vi": vietnamese(message),
        }
        found = hint(message, err.get("input"))
        if found is not None:
            error |= {"hint": found.en, "hint_vi": found.vi}
        errors.append(error)
    return errors


HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> list[str]:
    """Every method the service documents at this path (RFC 9110 Allow), read from its own
    OpenAPI document, so the header cannot disagree with what the service says it does."""
    table = getattr(request.app.state, "allowed_methods", None)
    if table is None:
        table = [
            (compile_path(path)[0], {method.upper() for method in operations})
            for path, operations in request.app.openapi()["paths"].items()
        ]
        request.app.state.allowed_methods = table
    methods: set[str] = set()
    for pattern, offered in table:
        if pattern.match(request.url.path):
            methods |= offered | ({"HEAD"} if "GET" in offered else set())
    return [method for method in HTTP_METHODS if method in methods]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    def on_domain_error(request: Request, exc: DomainError) -> JSONResponse:
        request.scope.setdefault("state", {})[PROBLEM_SLUG] = exc.slug
        response = problem(
            exc.status, exc.title, exc.detail, exc.slug, detail_vi=exc.detail_vi, **exc.extensions
        )
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    def on_validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        if any(err.get("type") == "json_invalid" for err in exc.errors()):
            return problem(400, "Malformed request", "the body is not valid JSON", "malformed-json")
        errors = _validation_errors(exc)
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        detail_vi = "; ".join(f"{e['field']}: {e['message_vi']}" for e in errors)
        return problem(
            422, "Invalid values", detail, "validation-error", detail_vi=detail_vi, errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    def on_http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed"}
        details = {
            404: "no resource at this path",
            405: f"{_request.method} is not allowed on this path",
        }
        status = exc.status_code
        detail = details.get(status, str(exc.detail))
        response = problem(status, titles.get(status, "Error"), detail)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        if status == 405:
            response.headers["Allow"] = ", ".join(_allowed_methods(_request))
        return response
