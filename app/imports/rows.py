"""Pure parts of an import: row errors, what a typed cell shows as, and turning the errors a
schema or a service raises into errors at a spreadsheet row and column. No I/O."""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from app.imports.language import vietnamese
from app.kit.errors import DomainError
from app.kit.messages import REQUIRED

# The Vietnamese of REQUIRED on a row that revises a stored record: shorter than the
# catalogue's, which a new record's missing cell gets; row errors have always read so.
EMPTY_REQUIRED_VI = "không được để trống"


@dataclass(frozen=True, slots=True)
class RowError:
    """One thing wrong with one cell (or, with `column` "", with a row as a whole)."""

    row: int
    column: str
    value: str | None
    message: str
    message_vi: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def shown(value: object) -> str | None:
    """A typed cell as a person reads it back."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def error(
    row: int, column: str, value: object, message: str, message_vi: str | None = None
) -> RowError:
    return RowError(row, column, shown(value), message, message_vi or vietnamese(message))


def required(row: int, column: str) -> RowError:
    """A required cell left empty on a row that revises a stored record: an empty cell there
    keeps what is stored, except in a column the record cannot do without."""
    return error(row, column, None, REQUIRED, EMPTY_REQUIRED_VI)


def schema_errors(
    row: int,
    values: Mapping[str, object],
    exc: ValidationError,
    *,
    columns: Mapping[str, str] | None = None,
) -> list[RowError]:
    """A schema's refusals of a row's payload, at the columns they name (`columns` maps a
    payload field to its column where the two differ, e.g. zone_id -> zone_code)."""
    rename = columns or {}
    found = []
    for problem in exc.errors():
        loc = problem.get("loc", ())
        field = str(loc[0]) if loc else ""
        message = str(problem.get("msg", "invalid value")).removeprefix("Value error, ")
        if problem.get("type") == "missing":
            message = REQUIRED
        column = rename.get(field, field)
        found.append(error(row, column, values.get(column), message))
    return found


def domain_errors(
    row: int, values: Mapping[str, object], exc: DomainError, *, fallback: str
) -> list[RowError]:
    """A service's refusal of a row, at the column it names (`fallback` when it names none)."""
    listed: Iterable[Mapping[str, str]] = exc.extensions.get("errors") or ()
    found = [
        error(row, item["field"], values.get(item["field"]), item["message"]) for item in listed
    ]
    if found:
        return found
    column = str(exc.extensions.get("field") or fallback)
    return [error(row, column, values.get(column), exc.detail)]


def in_sheet_order(errors: Iterable[RowError], columns: Iterable[str]) -> list[RowError]:
    """Errors by row, then in the sheet's column order (row-wide errors first)."""
    order = {name: index for index, name in enumerate(columns, start=1)}
    return sorted(errors, key=lambda e: (e.row, order.get(e.column, 0), e.message))
