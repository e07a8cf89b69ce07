"""What FastAPI cannot infer for the OpenAPI document: readable operation ids, reads open to
anonymous callers, the Idempotency-Key header on POST, the 304 of conditional reads, and the
headers success responses carry."""

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.kit.errors import PROBLEM_SCHEMA, PROBLEM_SCHEMA_NAME

IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Retries with the same key and body replay the first response (24 hours).",
    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,200}$"},
}
RESPONSE_HEADERS = {
    "X-Request-ID": {"description": "The request's id, as recorded in the audit trail."},
    "ETag": {"description": "Version of the stored resource, for If-Match."},
    "Weak-ETag": {"description": "Weak tag of this answer, for If-None-Match (304)."},
    "Location": {"description": "Where the created resource is read."},
    "Idempotent-Replayed": {"description": "true when this is a replay under Idempotency-Key."},
}


NOT_MODIFIED = {"description": "Not modified: If-None-Match names the current ETag (no body)."}


def operation_id(route: APIRoute) -> str:
    """The operation's id: its route function's name in camelCase (`list_zones` is
    `listZones`), so generated clients get readable method names."""
    head, *rest = route.name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def complete_openapi(app: FastAPI, *, public_read: bool) -> None:
    """What FastAPI cannot infer: reads open to anonymous callers (security "a key, or
    nothing"), the Idempotency-Key header on POST, the 304 of the reads that take
    If-None-Match, the headers success responses carry, and the one problem schema every
    error response refers to."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schema.setdefault("components", {}).setdefault("schemas", {})[PROBLEM_SCHEMA_NAME] = (
                PROBLEM_SCHEMA
            )
            for path, operations in schema["paths"].items():
                admin_only = path.startswith(("/api/v1/keys", "/api/v1/audit"))
                for method, operation in operations.items():
                    if (
                        public_read
                        and method == "get"
                        and not admin_only
                        and operation.get("security")
                    ):
                        operation["security"] = [*operation["security"], {}]
                    if method == "post" and path.startswith("/api/"):
                        operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY_PARAMETER)
                    conditional = any(
                        p["name"] == "If-None-Match" for p in operation.get("parameters", [])
                    )
                    responses = operation.get("responses", {})
                    if conditional:
                        responses.setdefault("304", dict(NOT_MODIFIED))
                    for status, response in responses.items():
                        if status.startswith("2") or status == "304":
                            response["headers"] = _headers_for(path, method, status, conditional)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI documents overriding it


def _headers_for(path: str, method: str, status: str, conditional: bool) -> dict[str, Any]:
    names = ["X-Request-ID"]
    single = path.endswith("}") or method in ("post", "patch")
    if conditional:
        names.append("Weak-ETag")
    elif single and status != "204" and path.startswith("/api/"):
        names.append("ETag")
    if status == "201":
        names.append("Location")
    if method == "post":
        names.append("Idempotent-Replayed")
    return {
        name.removeprefix("Weak-"): RESPONSE_HEADERS[name] | {"schema": {"type": "string"}}
        for name in names
    }
