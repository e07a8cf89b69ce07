"""Rendering a report as JSON, CSV or XLSX: the one place that picks the format."""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

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
    }
}


def json_data(model: OutputModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


# Columns that name a zone come first in zone tables.
ZONE_IDENTITY = ("id", "code", "name", "kind", "province", "status")


def zone_rows(items: Sequence[OutputModel]) -> list[dict[str, Any]]:
    rows = [flatten(item.model_dump(mode="json", by_alias=True)) for item in items]
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


def render(
    report: OutputModel,
    fmt: str,
    name: str,
    day: date,
    tables: Callable[[], list[Table]],
) -> Any:
    if fmt == "json":
        return report
    filename = f"{name}-{day.isoformat()}"
    if fmt == "csv":
        return _file(to_csv(tables()[0]), CSV_MEDIA_TYPE, f"{filename}.csv")
    return _file(to_xlsx(tables()), XLSX_MEDIA_TYPE, f"{filename}.xlsx")
