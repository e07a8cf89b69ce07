"""Spreadsheets as HTTP answers: the query parameters that choose them (`format`, `sep`,
`lang`), the attachment they are sent as, and how the OpenAPI document describes them."""

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal, get_args

from fastapi import Query, Response

from app.kit.schema_types import AnyCase
from app.sheets.labels import Lang
from app.sheets.layout import Entity
from app.sheets.registers import Record, export_csv, export_xlsx
from app.sheets.writing import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, Separator

# Which register, in any case (zones, Zones, ZONES).
AnyEntity = Annotated[Entity, AnyCase(Entity)]
ListFormatValue = Literal["json", "csv", "xlsx"]
ListFormat = Annotated[ListFormatValue, AnyCase(get_args(ListFormatValue))]

ListFormatParam = Annotated[
    ListFormat,
    Query(
        description="json (default: one page), or csv or xlsx: every item of the filters "
        "(limit and offset do not apply), in the import template's layout."
    ),
]
SepParam = Annotated[
    Separator,
    Query(
        description="CSV only: `,` (default) with decimal points, or `;` with decimal commas "
        "for spreadsheet programs set to a Vietnamese locale."
    ),
]
LangParam = Annotated[
    Annotated[Lang, AnyCase(get_args(Lang))] | None,
    Query(
        description="XLSX only: the header rows' language. Default: Vietnamese labels with the "
        "English ones on a second row; `vi` or `en`: one row in that language."
    ),
]

FILE_CONTENT: dict[str, dict[str, Any]] = {
    CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
    XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
}
# A list that also answers as a file.
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": FILE_CONTENT}}


def attachment(content: bytes, media_type: str, filename: str, etag: str | None = None) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if etag is not None:
        headers["ETag"] = etag
    return Response(content, media_type=media_type, headers=headers)


def export(
    entity: Entity,
    records: Iterable[Record],
    fmt: Literal["csv", "xlsx"],
    *,
    name: str,
    day: date,
    sep: Separator = ",",
    etag: str | None = None,
) -> Response:
    """A register's rows as a file named for what and when: `zones-2026-11-29.xlsx`."""
    filename = f"{name}-{day.isoformat()}.{fmt}"
    if fmt == "csv":
        return attachment(export_csv(entity, records, sep=sep), CSV_MEDIA_TYPE, filename, etag)
    return attachment(export_xlsx(entity, records), XLSX_MEDIA_TYPE, filename, etag)
