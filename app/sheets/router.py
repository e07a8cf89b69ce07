from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.kit.json_body import ExactJsonRoute
from app.sheets.registers import template_xlsx
from app.sheets.responses import AnyEntity, attachment
from app.sheets.writing import XLSX_MEDIA_TYPE

router = APIRouter(prefix="/api/v1/imports", tags=["imports"], route_class=ExactJsonRoute)


@router.get(
    "/template",
    response_class=Response,
    responses={
        200: {
            "description": "The workbook to fill in.",
            "content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def import_template(
    entity: Annotated[
        AnyEntity,
        Query(description="The register the file is for: zones, projects or clearance."),
    ],
) -> Response:
    """The workbook to fill in for an import: sheet `data` with the header row of field names,
    an example row and drop-down lists for the enumerated columns; sheet `instructions`
    explaining each column in Vietnamese and English."""
    filename = f"import-template-{entity.value}.xlsx"
    return attachment(template_xlsx(entity), XLSX_MEDIA_TYPE, filename)
