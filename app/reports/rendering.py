"""Rendering a report as JSON, CSV or XLSX: the one place that picks the format (the files
themselves are written by app.sheets)."""

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from fastapi import Response

from app.kit.json_out import json_answer
from app.kit.schema_types import OutputModel
from app.sheets.labels import Lang
from app.sheets.responses import FILE_CONTENT, attachment
from app.sheets.tables import Table, table_csv, tables_xlsx
from app.sheets.writing import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, Separator

FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": FILE_CONTENT},
    304: {"description": "Not modified: If-None-Match names the current ETag (no body)."},
}


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become prefixed columns: {"clearance": {"status": x}} -> clearance_status."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}_"))
        else:
            flat[name] = value
    return flat


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


def render(
    report: OutputModel | Mapping[str, Any],
    fmt: str,
    name: str,
    day: date,
    tables: Callable[[], list[Table]],
    *,
    etag: str | None = None,
    sep: Separator = ",",
    lang: Lang | None = None,
) -> Response:
    """The report in the asked format, written once (a model is dumped, a document of JSON
    values is written as it is: neither is validated again), with its ETag. `sep` shapes the
    CSV, `lang` the XLSX's header rows (app.sheets.tables)."""
    if fmt == "json":
        return json_answer(report, None if etag is None else {"ETag": etag})
    filename = f"{name}-{day.isoformat()}.{fmt}"
    if fmt == "csv":
        return attachment(table_csv(tables()[0], sep=sep), CSV_MEDIA_TYPE, filename, etag)
    return attachment(tables_xlsx(tables(), lang=lang), XLSX_MEDIA_TYPE, filename, etag)
