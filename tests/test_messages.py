"""The message catalogue (app.kit.messages): every message the code can give has a
Vietnamese form, and the hints for common mistakes. Pure: no database."""

import ast
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic_core._pydantic_core import list_all_errors

from app.kit.messages import MESSAGES, Hint, hint, number, number_as_json, translation, vietnamese

APP = Path(__file__).resolve().parents[1] / "app"

# The error types pydantic can raise from the service's schemas and query parameters.
PYDANTIC_TYPES = {
    "missing",
    "model_type",
    "dict_type",
    "list_type",
    "string_type",
    "enum",
    "literal_error",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "multiple_of",
    "finite_number",
    "string_too_short",
    "string_too_long",
    "string_pattern_mismatch",
    "bool_type",
    "bool_parsing",
    "int_type",
    "int_parsing",
    "int_parsing_size",
    "int_from_float",
    "float_type",
    "float_parsing",
    "decimal_type",
    "decimal_parsing",
    "decimal_max_digits",
    "decimal_max_places",
    "decimal_whole_digits",
    "date_type",
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
    "datetime_type",
    "datetime_parsing",
    "datetime_from_date_parsing",
    "too_short",
    "too_long",
    "none_required",
}
# Domain errors whose first argument is the English detail.
DETAIL_ERRORS = {"Conflict", "DuplicateValue", "LandInUse", "Unauthorized", "Forbidden"}
FILLER = "7"


def _sample(node: ast.expr) -> str | None:
    """A message the expression can produce, with FILLER for every value it interpolates;
    None when it is no string expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else _filled(v) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sample(node.left), _sample(node.right)
        return (left if left is not None else FILLER) + (right if right is not None else "")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "format" and isinstance(node.func.value, ast.Name):
            return None  # a template named elsewhere; its constant is sampled there
        if node.func.attr == "join":
            return FILLER
    return None


def _filled(value: ast.expr) -> str:
    """What an interpolated value stands for: the zone rules' tail saying when a rule was
    broken (app.zones.service._during) as it reads, anything else as FILLER."""
    inner = value.value if isinstance(value, ast.FormattedValue) else value
    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name):
        if inner.func.id == "_during":
            return f" (in effect from {FILLER} until {FILLER})"
    return FILLER


def raised_messages() -> list[tuple[str, str]]:
    """(where, message) for every message in the app a client can see: InvalidValues(field,
    message), the detail of a domain error, a ValueError raised in a schema or a parameter,
    and the message templates the rules name by constant."""
    found = []
    for path in sorted(APP.rglob("*.py")):
        relative = path.relative_to(APP).as_posix()
        if relative.startswith(("client/", "demo/", "sheets/")) or relative in (
            "cli.py",
            "remote.py",
        ):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                name, args = node.func.id, node.args
                message = None
                if name == "InvalidValues" and len(args) == 2:
                    message = _sample(args[1])
                elif name in DETAIL_ERRORS and args:
                    message = _sample(args[0])
                elif name == "ValueError" and args and _client_facing(relative):
                    message = _sample(args[0])
                if message is not None:
                    found.append((f"{relative}:{node.lineno}", message))
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                value = node.value.value
                if isinstance(value, str) and "{other}" in value:
                    found.append((f"{relative}:{node.lineno}", value.format(other=FILLER)))
    return found


def _client_facing(relative: str) -> bool:
    return relative.endswith(("schemas.py", "schema_types.py", "params.py", "router.py"))


def test_the_walk_finds_the_messages_it_guards() -> None:
    messages = dict(raised_messages())
    assert len(messages) > 50
    assert "may not be null" in messages.values()
    assert "must be a JSON number" in messages.values()
    assert any(m.startswith("zone 7 has 7 project(s)") for m in messages.values())


@pytest.mark.parametrize(("where", "message"), raised_messages())
def test_every_message_the_code_can_give_has_a_vietnamese_form(where: str, message: str) -> None:
    assert translation(message) is not None, f"{where}: {message!r} is not in the catalogue"


@pytest.mark.parametrize(
    "error",
    [e for e in list_all_errors() if e["type"] in PYDANTIC_TYPES],
    ids=lambda e: e["type"],
)
def test_every_pydantic_message_the_schemas_can_give_has_a_vietnamese_form(
    error: dict[str, Any],
) -> None:
    context = dict.fromkeys(error.get("example_context") or {}, FILLER) | {"expected_plural": "s"}
    message = error["message_template_python"].format(**context)
    assert translation(message) is not None, f"{error['type']}: {message!r}"


def test_pydantic_types_are_all_known_to_pydantic() -> None:
    assert PYDANTIC_TYPES <= {e["type"] for e in list_all_errors()}


def test_every_template_has_the_same_placeholders_in_both_languages() -> None:
    import re

    placeholder = re.compile(r"\{([a-z_]+)\}")
    for english, viet in MESSAGES.items():
        kept = set(placeholder.findall(english)) - {"plural", "field_type", "class_name"}
        assert set(placeholder.findall(viet)) == kept, english


# Translation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "expected"),
    [
        ("Field required", "Thiếu trường bắt buộc"),
        ("Input should be 'park' or 'cluster'", "Phải là 'park' hoặc 'cluster'"),
        ("String should have at most 200 characters", "Tối đa 200 ký tự"),
        ("String should have at least 1 character", "Phải có ít nhất 1 ký tự"),
        ("zone KCN-X does not exist", "Khu/cụm KCN-X không tồn tại"),
        (
            "industrial_land_ha + service_land_ha must not exceed total_area_ha (100 ha)",
            "industrial_land_ha + service_land_ha (đất công nghiệp + đất dịch vụ) không được "
            "vượt quá total_area_ha (tổng diện tích, 100 ha)",
        ),
        (
            "must not exceed total_area_ha (2.5 ha) (in effect from 2024-01-01 until 2025-01-01)",
            "Không được vượt quá total_area_ha (tổng diện tích, 2.5 ha) "
            "(áp dụng từ 2024-01-01 đến 2025-01-01)",
        ),
        (
            "must not exceed total_area_ha (2.5 ha) (in effect from the beginning on)",
            "Không được vượt quá total_area_ha (tổng diện tích, 2.5 ha) (áp dụng từ đầu trở đi)",
        ),
        (
            "zone KCN-A has 2.5 ha of industrial land free over the requested period, "
            "10 ha requested",
            "Khu/cụm KCN-A chỉ còn 2.5 ha đất công nghiệp trống trong thời gian yêu cầu; "
            "yêu cầu 10 ha",
        ),
        (
            "leases in zone KCN-A hold 30 ha of service land from 2024-01-01 until 2024-06-30, "
            "where the zone would have 20.25 ha",
            "Các hợp đồng thuê trong khu/cụm KCN-A chiếm 30 ha đất dịch vụ từ 2024-01-01 đến "
            "2024-06-30, trong khi khu/cụm sẽ chỉ có 20.25 ha",
        ),
        (
            "leases_ha: must be a JSON number; lease_start: must be a date as YYYY-MM-DD",
            "leases_ha: Phải là một số JSON (không đặt trong dấu ngoặc kép); "
            "lease_start: Phải là một ngày dạng YYYY-MM-DD (năm-tháng-ngày)",
        ),
        (
            "effective_from: zone KCN-A exists from 2020-01-01 (its first revision); a change "
            "cannot take effect before that",
            "effective_from: Khu/cụm KCN-A tồn tại từ 2020-01-01 (lần ghi đầu tiên); thay đổi "
            "không thể có hiệu lực trước ngày đó",
        ),
    ],
)
def test_vietnamese(english: str, expected: str) -> None:
    assert vietnamese(english) == expected


def test_an_unknown_message_stays_in_english() -> None:
    assert translation("the moon is made of cheese") is None
    assert vietnamese("the moon is made of cheese") == "the moon is made of cheese"
    assert translation("x: the moon; y: Field required") is None


def test_a_value_is_translated_only_when_it_is_a_known_fragment() -> None:
    """A zone named like a catalogued message stays as it was written."""
    assert vietnamese("zone service does not exist") == "Khu/cụm dịch vụ không tồn tại"
    assert vietnamese("no zone has the code ON") == "Không có khu/cụm nào mang mã ON"


# Hints ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number_meant"),
    [
        ("0,1", "0.1"),
        ("12", "12"),
        (" 2,50 ", "2.50"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("0.1", "0.1"),
        ("abc", None),
        ("1,2,3", None),
        ("NaN", None),
        ("", None),
    ],
)
def test_number_as_json(typed: str, number_meant: str | None) -> None:
    assert number_as_json(typed) == number_meant


def test_hint_for_a_number_sent_as_text() -> None:
    found = hint("must be a JSON number", "0,1")
    assert found == Hint(
        'send 0.1 as a JSON number, with a decimal point and no quotes: 0.1, not "0,1"',
        "gửi 0.1 dưới dạng số JSON, dùng dấu chấm thập phân và không có dấu ngoặc kép: "
        '0.1, không phải "0,1"',
    )
    unreadable = hint("must be a JSON number", "mười")
    assert unreadable is not None and "12.5" in unreadable.en
    assert hint("must be a JSON number", True) is None


def test_hint_for_a_day_first_date() -> None:
    found = hint("must be a date as YYYY-MM-DD", "14/6/2024")
    assert found is not None
    assert found.en == "dates are written year-month-day: 2024-06-14, not 14/6/2024"
    assert found.vi == "ngày được viết theo thứ tự năm-tháng-ngày: 2024-06-14, không phải 14/6/2024"


@pytest.mark.parametrize(
    ("typed", "code"), [("VNM", "VN"), ("jpn", "JP"), ("Việt Nam", "VN"), ("viet nam", "VN")]
)
def test_hint_for_a_country_that_is_not_a_code(typed: str, code: str) -> None:
    found = hint("must be an ISO 3166-1 alpha-2 country code, e.g. VN, JP, KR", typed)
    assert (
        found is not None and found.en == f"use the two-letter ISO 3166-1 code: {code}, not {typed}"
    )


def test_hint_for_an_unknown_country_lists_the_common_ones() -> None:
    found = hint("must be an ISO 3166-1 alpha-2 country code, e.g. VN, JP, KR", "xx")
    assert found is not None and "VN (Viet Nam)" in found.en and "VN (Việt Nam)" in found.vi


def test_hint_for_an_unknown_value_lists_the_allowed_and_guesses() -> None:
    found = hint("Input should be 'park' or 'cluster'", "parks")
    assert found == Hint(
        "did you mean park? One of: park, cluster (any case)",
        "có phải ý bạn là park? Một trong: park, cluster (viết hoa hay thường đều được)",
    )
    plain = hint("Input should be 'park' or 'cluster'", "zone")
    assert plain == Hint(
        "one of: park, cluster (any case)",
        "một trong: park, cluster (viết hoa hay thường đều được)",
    )


def test_hint_for_too_many_decimals_rounds_the_value() -> None:
    message = "Decimal input should have no more than 4 decimal places"
    found = hint(message, Decimal("0.12345"))
    assert found is not None
    assert found.en == "at most 4 decimal places (1 m²): send 0.1235, not 0.12345"


def test_no_hint_where_the_message_says_it_all() -> None:
    assert hint("Field required", None) is None
    assert hint("must not be after to", "2024-01-01") is None


# Numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("2.5000"), "2.5"),
        (Decimal("2.50"), "2.5"),
        (Decimal("100.0000"), "100"),
        (Decimal("1E+3"), "1000"),
        (Decimal("0.0001"), "0.0001"),
        (Decimal("0.0000"), "0"),
        (12, "12"),
    ],
)
def test_number_is_written_as_stored_without_trailing_zeros(value: Any, written: str) -> None:
    assert number(value) == written


def test_hint_for_a_whole_number_sent_as_text_says_no_decimal_point() -> None:
    assert hint("must be a JSON number", "12") == Hint(
        'send 12 as a JSON number, without quotes: 12, not "12"',
        'gửi 12 dưới dạng số JSON, không có dấu ngoặc kép: 12, không phải "12"',
    )


def test_hint_for_too_many_decimals_writes_the_rounded_value_as_stored() -> None:
    message = "Decimal input should have no more than 4 decimal places"
    found = hint(message, Decimal("1.000000000000000000001"))
    assert found is not None and found.en.endswith("send 1, not 1.000000000000000000001")
