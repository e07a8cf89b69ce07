"""Report tables as files: CSV for scripts (the header line is the field names) and XLSX for
people (labelled header rows, formats by what each column holds).

A report XLSX has, by default, two header rows: the Vietnamese labels, then the English ones
under them (`lang=None`); `lang="vi"` or `lang="en"` gives one row in that language. The data
follows the header rows, which are frozen, with an autofilter on the last of them.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.sheets.labels import LANGS, Lang, label, style
from app.sheets.styles import Style
from app.sheets.writing import Separator, Sheet, SheetColumn, csv_bytes, xlsx_bytes

# In indicator tables (indicator, value / target / actual) the row names what a value is.
INDICATOR = "indicator"
INDICATOR_VALUE_COLUMNS = ("value", "target", "actual", "projected")

# The label column an indicator table gets in XLSX, in each language.
INDICATOR_LABEL = {
    "vi": ("indicator_label_vi", "Tên chỉ tiêu", "Indicator (Vietnamese)"),
    "en": ("indicator_label_en", "Tên chỉ tiêu (tiếng Anh)", "Indicator (English)"),
}


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


def table_csv(table: Table, *, sep: Separator = ",") -> bytes:
    header = table.header
    return csv_bytes(header, ([row.get(name) for name in header] for row in table.rows), sep=sep)


def tables_xlsx(tables: Iterable[Table], *, lang: Lang | None = None) -> bytes:
    return xlsx_bytes(table_sheet(table, lang=lang) for table in tables)


def header_langs(lang: Lang | None) -> tuple[Lang, ...]:
    return LANGS if lang is None else (lang,)


def table_sheet(table: Table, *, lang: Lang | None = None) -> Sheet:
    langs = header_langs(lang)
    names = table.header
    rows: list[list[object]] = [[row.get(name) for name in names] for row in table.rows]
    columns = [
        SheetColumn(name, style(name), tuple(label(name, each) for each in langs)) for name in names
    ]
    cell_styles: dict[int, dict[int, Style]] = {}
    if INDICATOR in names:
        at = names.index(INDICATOR)
        values = [i for i, name in enumerate(names) if name in INDICATOR_VALUE_COLUMNS]
        for number, row in enumerate(rows):
            shown = style(str(row[at]))
            if shown is not Style.NUMBER:
                cell_styles[number] = dict.fromkeys(values, shown)
        if names[0] == INDICATOR and "label" not in names:
            # Name each indicator for people too: `occupancy_park_occupancy_rate` is
            # "Lấp đầy – KCN – Tỷ lệ lấp đầy".
            added = [
                SheetColumn(INDICATOR_LABEL[each][0], Style.TEXT, INDICATOR_LABEL[each][1:])
                if lang is None
                else SheetColumn(
                    INDICATOR_LABEL[each][0],
                    Style.TEXT,
                    (INDICATOR_LABEL[each][1 if lang == "vi" else 2],),
                )
                for each in langs
            ]
            columns[1:1] = added
            rows = [
                [row[0], *(label(str(row[0]), each) for each in langs), *row[1:]] for row in rows
            ]
            cell_styles = {
                number: {(i + len(added) if i > 0 else i): s for i, s in styles.items()}
                for number, styles in cell_styles.items()
            }
    return Sheet(table.name, columns, rows, cell_styles=cell_styles)
