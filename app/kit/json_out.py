"""JSON answers written once: the bytes FastAPI's own JSON responses have (UTF-8, compact),
by orjson, an order of magnitude faster; a route that returns one skips FastAPI's second pass
over its response model (validating and serializing again what the route has just built)."""

from typing import Any

import orjson
from fastapi import Response
from pydantic import BaseModel


def json_bytes(document: Any) -> bytes:
    """A document of JSON values (or one orjson writes natively), written once."""
    return orjson.dumps(document)


def json_answer(model: BaseModel, headers: dict[str, str] | None = None) -> Response:
    """A built response model as its JSON answer, with `headers` (an ETag, say)."""
    return Response(
        json_bytes(model.model_dump(mode="json")), media_type="application/json", headers=headers
    )
