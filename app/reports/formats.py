"""Writing report tables as CSV (UTF-8 with BOM), XLSX and GeoJSON. No database here."""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOJSON_MEDIA_TYPE = "application/geo+json"
PERCENT_FORMAT = "0.00%"


@dataclass(frozen=True)
class Table:
    """A named sheet of flat rows; the first table of a report is its CSV."""

    name: str
    rows: Sequence[Mapping[str, Any]]
    columns: Sequence[str] = field(default=())

    @property
    def header(self) -> list[str]:
        if self.columns:
            return list(self.columns)
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.update(dict.fromkeys(row))
        return list(seen)


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


# In indicator tables (indicator, value / target / actual) the row names what a value is.
INDICATOR_VALUE_COLUMNS = ("value", "target", "actual")


def is_fraction(name: str) -> bool:
    """Rates and achievements are fractions (0.4677 = 46.77 %)."""
    return "_rate" in name or name.endswith("achievement")


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = table.header
    writer.writerow(header)
    for row in table.rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in header])
    # The BOM makes spreadsheet programs read the file as UTF-8 (Vietnamese text).
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def to_xlsx(tables: Iterable[Table]) -> bytes:
    workbook = Workbook()
    if workbook.active is not None:  # a new workbook has one empty sheet; tables bring theirs
        workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(title=table.name[:31])
        header = table.header
        sheet.append(header)
        for row_number, row in enumerate(table.rows, start=2):
            sheet.append([row.get(column) for column in header])
            fraction_row = is_fraction(str(row.get("indicator", "")))
            for index, column in enumerate(header, start=1):
                if is_fraction(column) or (fraction_row and column in INDICATOR_VALUE_COLUMNS):
                    sheet.cell(row=row_number, column=index).number_format = PERCENT_FORMAT
        for index, column in enumerate(header, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, min(40, len(column) + 2))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def feature_collection(
    features: Iterable[tuple[float, float, Mapping[str, Any]]],
) -> dict[str, Any]:
    """GeoJSON (RFC 7946): one Point feature per (longitude, latitude, properties)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": dict(properties),
            }
            for longitude, latitude, properties in features
        ],
    }
