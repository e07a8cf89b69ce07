"""Field types shared by every input and output schema.

Input rules of the contract live here once: strings are trimmed and may not hold control
characters; areas are exact decimals with at most four places (1 m2); numbers must be JSON
numbers, not strings. Output decimals are written as JSON numbers.
"""

import re
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from annotated_types import GroupedMetadata
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

# C0 controls, DEL and C1 controls (U+0080-U+009F, e.g. NEL).
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARS_EXCEPT_NEWLINE_TAB = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Lone UTF-16 surrogates: valid in a JSON string escape, not encodable as UTF-8.
SURROGATES = re.compile(r"[\ud800-\udfff]")

# Largest accepted area: far above any real zone (the largest parks are some thousands of
# hectares), and small enough that every value has at most 11 significant digits, so it
# survives the trip through a JSON number exactly.
MAX_AREA_HA = Decimal(1_000_000)
# Ids are 32-bit integers in both databases.
MAX_ID = 2_147_483_647


# What the validators below accept, written as JSON Schema patterns so that clients (and
# fuzzers) see the same rules: no C0/C1 control characters, and something left after trimming.
_CTRL = "\\x00-\\x1f\\x7f-\\x9f"
TEXT_PATTERN = f"^[^{_CTRL}]*[^\\s{_CTRL}][^{_CTRL}]*$"
QUERY_TEXT_PATTERN = f"^[^{_CTRL}]*$"
NOTE_PATTERN = "^[^\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f][^\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]*$"


def json_number_schema(
    *, places: int, minimum: Any = None, maximum: Any = None, exclusive_minimum: Any = None
) -> WithJsonSchema:
    """The JSON Schema of a decimal input: a JSON number (never a string), bounds, places."""
    schema: dict[str, Any] = {"type": "number", "multipleOf": float(Decimal(1).scaleb(-places))}
    for key, value in (
        ("minimum", minimum),
        ("maximum", maximum),
        ("exclusiveMinimum", exclusive_minimum),
    ):
        if value is not None:
            schema[key] = int(value) if Decimal(value) == int(value) else float(value)
    return WithJsonSchema(schema)


def trim(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _no_control_chars(value: str) -> str:
    if CONTROL_CHARS.search(value):
        raise ValueError("must not contain control characters")
    return _no_surrogates(value)


def _no_control_chars_in_note(value: str) -> str:
    if CONTROL_CHARS_EXCEPT_NEWLINE_TAB.search(value):
        raise ValueError("must not contain control characters other than newline and tab")
    return _no_surrogates(value)


def _no_surrogates(value: str) -> str:
    if SURROGATES.search(value):
        raise ValueError("must be valid Unicode text (no unpaired surrogates)")
    return value


def number_only(value: Any) -> Any:
    """Refuse numbers sent as strings (or booleans, which JSON parsers treat as 0/1)."""
    if isinstance(value, str | bool):
        raise ValueError("must be a JSON number")
    return value


class Text(GroupedMetadata):
    """A trimmed single-line string of bounded length: `Annotated[str, Text(200)]`."""

    def __init__(self, max_length: int, min_length: int = 1) -> None:
        self.max_length, self.min_length = max_length, min_length

    def __iter__(self) -> Iterator[object]:
        yield BeforeValidator(trim)
        yield Field(
            min_length=self.min_length,
            max_length=self.max_length,
            json_schema_extra={"pattern": TEXT_PATTERN},
        )
        yield AfterValidator(_no_control_chars)


class QueryText(GroupedMetadata):
    """A free-text query parameter, bounded, no control characters:
    `Annotated[str, QueryText(100)]`."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def __iter__(self) -> Iterator[object]:
        yield Field(max_length=self.max_length, json_schema_extra={"pattern": QUERY_TEXT_PATTERN})
        yield AfterValidator(_no_control_chars)


class Note(GroupedMetadata):
    """A trimmed multi-line string (newline and tab allowed): `Annotated[str, Note(2000)]`."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def __iter__(self) -> Iterator[object]:
        yield BeforeValidator(trim)
        yield Field(
            min_length=1, max_length=self.max_length, json_schema_extra={"pattern": NOTE_PATTERN}
        )
        yield AfterValidator(_no_control_chars_in_note)


def json_number(value: Decimal | None) -> int | float | None:
    """A decimal as a JSON number: integral values as integers, others as the shortest float
    that reads back as the same decimal (exact for up to 15 significant digits)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


NumberOut = PlainSerializer(json_number, return_type=int | float | None, when_used="json")

AreaIn = Annotated[
    Decimal,
    BeforeValidator(number_only),
    Field(ge=0, le=MAX_AREA_HA, decimal_places=4, allow_inf_nan=False),
    json_number_schema(places=4, minimum=0, maximum=MAX_AREA_HA),
]
PositiveAreaIn = Annotated[
    Decimal,
    BeforeValidator(number_only),
    Field(gt=0, le=MAX_AREA_HA, decimal_places=4, allow_inf_nan=False),
    json_number_schema(places=4, exclusive_minimum=0, maximum=MAX_AREA_HA),
]
AreaOut = Annotated[Decimal, NumberOut]
MoneyOut = Annotated[Decimal, NumberOut]
RateOut = Annotated[Decimal | None, NumberOut]


_REGEX_SPECIAL = frozenset(".^$*+?()[]{}|\\/")


def any_case_pattern(values: Iterable[str], *, padded: bool = False) -> str:
    """A JSON Schema pattern that matches exactly `values` in any case ("park" gives
    `[Pp][Aa][Rr][Kk]`), written without inline flags, which JSON Schema's regexes lack."""

    def letters(value: str) -> str:
        return "".join(
            f"[{c.upper()}{c.lower()}]"
            if c.upper() != c.lower()
            else (f"\\{c}" if c in _REGEX_SPECIAL else c)
            for c in value
        )

    space = "\\s*" if padded else ""
    return f"^{space}(?:{'|'.join(letters(v) for v in values)}){space}$"


class AnyCase(GroupedMetadata):
    """A value of a closed set, accepted in any case and made the set's own spelling before
    the type checks it: `Annotated[ZoneKind, AnyCase(ZoneKind)]` takes "Park" and "PARK" as
    "park", `Annotated[str, AnyCase(ISO_3166_ALPHA2, trimmed=True)]` " vn" as "VN". The one
    mechanism for every enumerated query value and body field; the OpenAPI document
    describes what is accepted (a case-insensitive pattern, the values in the description).
    Anything else goes through unchanged, so the type's own error (listing the values) is
    what the client sees."""

    def __init__(self, values: Iterable[str], *, trimmed: bool = False) -> None:
        self.values = tuple(str(v) for v in values)
        self.trimmed = trimmed
        self.canonical = {v.casefold(): v for v in self.values}

    def _canonical(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        key = (value.strip() if self.trimmed else value).casefold()
        return self.canonical.get(key, value)

    def __iter__(self) -> Iterator[object]:
        yield BeforeValidator(self._canonical)
        shown = ", ".join(self.values) if len(self.values) <= 12 else "see the list of codes"
        yield WithJsonSchema(
            {
                "type": "string",
                "pattern": any_case_pattern(self.values, padded=self.trimmed),
                "description": f"One of {shown}, in any case.",
            }
        )


def not_nullable(*names: str) -> Any:
    """A json_schema_extra hook for PATCH bodies: these fields may be left out but never sent as
    null, so their schema loses the null branch (validation is unchanged)."""

    def update(schema: dict[str, Any]) -> None:
        for name in names:
            prop = schema["properties"][name]
            options = [o for o in prop.get("anyOf", []) if o != {"type": "null"}]
            if len(options) == 1:
                del prop["anyOf"]
                prop.update(options[0])
            elif options:
                prop["anyOf"] = options

    return update


class InputModel(BaseModel):
    """Base of every request body: unknown and read-only fields are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date_only(value: Any) -> Any:
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("must be a date as YYYY-MM-DD")
    if not isinstance(value, str | date):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


DateIn = Annotated[date, BeforeValidator(_iso_date_only)]
