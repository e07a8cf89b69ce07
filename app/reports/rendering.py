"""Rendering a report as JSON, CSV or XLSX: the one place that picks the format."""

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import orjson
from fastapi import Response

from app.kit.schema_types import OutputModel
from app.reports.formats import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Table,
    flatten,
    to_csv,
    to_xlsx,
)

FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
            XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        }
    },
    304: {"description": "Not modified: If-None-Match names the current ETag (no body)."},
}


def json_data(model: OutputModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


# Columns that name a zone come first in zone tables.
ZONE_IDENTITY = ("id", "code", "name", "kind", "province", "status")


def zone_rows(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Report rows (JSON values) as table rows: nested blocks flattened, the columns that
    name a zone first."""
    rows = [flatten(item) for item in items]
    return [
        {key: row[key] for key in ZONE_IDENTITY if key in row}
        | {key: value for key, value in row.items() if key not in ZONE_IDENTITY}
        for row in rows
    ]


def _file(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def json_bytes(document: Any) -> bytes:
    """A JSON document written once: UTF-8, compact, the same bytes FastAPI's own JSON
    responses have (orjson writes them an order of magnitude faster)."""
    return orjson.dumps(document)


def render(
    report: OutputModel | Mapping[str, Any],
    fmt: str,
    name: str,
    day: date,
    tables: Callable[[], list[Table]],
    *,
    etag: str | None = None,
) -> Response:
    """The report in the asked format, written once (a model is dumped, a document of JSON
    values is written as it is: neither is validated again), with its ETag."""
    if fmt == "json":
        document = report.model_dump(mode="json") if isinstance(report, OutputModel) else report
        response = Response(json_bytes(document), media_type="application/json")
    elif fmt == "csv":
        filename = f"{name}-{day.isoformat()}.csv"
        response = _file(to_csv(tables()[0]), CSV_MEDIA_TYPE, filename)
    else:
        filename = f"{name}-{day.isoformat()}.xlsx"
        response = _file(to_xlsx(tables()), XLSX_MEDIA_TYPE, filename)
    if etag is not None:
        response.headers["ETag"] = etag
    return response
