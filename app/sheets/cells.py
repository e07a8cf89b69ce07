"""One spreadsheet cell, read the way staff type it, into the value its column holds.

Staff fill registers by hand in Excel or LibreOffice with Vietnamese habits: a decimal comma
(`12,5`), dots grouping thousands (`1.000.000`), dates as `DD/MM/YYYY`, enumerations in any
case. A cell arrives either as a typed value from a workbook (int, float, datetime, bool) or as
text (every CSV cell, and text cells of a workbook). This module turns either into the column's
value, or says in English and Vietnamese what is wrong and how to fix it. It never rounds:
a value with more decimal places than the column keeps is an error, not a guess.

Pure: no I/O, no framework; reading.py feeds it cells.
"""

import calendar
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from app.sheets.layout import Column, Kind


class CellProblem(Exception):
    """A cell that cannot be read as its column's value; the messages say why and what to do."""

    def __init__(self, message: str, message_vi: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_vi = message_vi


# Decimal places each numeric kind keeps (the API's limits); coordinates keep what they get.
PLACES: dict[Kind, int] = {Kind.AREA: 4, Kind.DECIMAL: 2}
NUMERIC = frozenset({Kind.AREA, Kind.DECIMAL, Kind.COORDINATE, Kind.INTEGER})
# How long a value may be when it is echoed back in a message.
SHOWN_LENGTH = 80

_SIGNS = {"-": "-", "+": "", "\u2212": "-"}  # U+2212 is the minus sign word processors type
_DIGITS = frozenset("0123456789")
_SEPARATORS = frozenset(".,")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DMY_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_DMY_SHORT_YEAR = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}")
_OTHER_DATE = re.compile(r"[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{1,4}")
_NUMBER_THEN_TEXT = re.compile(r"[+\-\u2212]?[0-9.,]*[0-9][0-9.,]*\s*[^0-9\s.,+\-].*", re.DOTALL)
_SPACED_NUMBER = re.compile(r"[+\-\u2212]?[0-9][0-9.,]*(\s+[0-9.,]+)+")
_MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()


def shown(raw: object) -> str | None:
    """The cell as staff see it, for messages: text as typed, numbers without float noise,
    dates as YYYY-MM-DD; cut to SHOWN_LENGTH characters."""
    if raw is None:
        return None
    text = _rendered(raw)
    if len(text) > SHOWN_LENGTH:
        return text[: SHOWN_LENGTH - 1] + "…"
    return text


def parse_cell(column: Column, raw: object) -> object:
    """The value of `raw` in `column`: Decimal, int, date, str or None (empty).

    Raises CellProblem with an English and a Vietnamese message when the cell cannot be read.
    """
    if raw is None:
        return None
    if type(raw) is str:
        raw = raw.strip()
        if not raw:
            return None
    kind = column.kind
    if kind is Kind.TEXT or kind is Kind.NOTE:
        return raw if type(raw) is str else _rendered(raw)
    if kind in NUMERIC:
        return _number(column, raw)
    if kind is Kind.DATE:
        return _date(raw)
    if kind is Kind.CHOICE:
        return _choice(column, _text(raw))
    code = _text(raw).upper()
    if column.choices and code not in column.choices:
        raise _not_a_choice(column, code)
    return code


# ----------------------------------------------------------------------------------- text


def _rendered(raw: object) -> str:
    if type(raw) is str:
        return raw
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        return _float_text(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time() else raw.isoformat(" ")
    if isinstance(raw, date | time):
        return raw.isoformat()
    return str(raw)


def _text(raw: object) -> str:
    """Text as typed; a number or date typed into a text column reads as staff see it."""
    return _rendered(raw)


def _choice(column: Column, text: str) -> str:
    """The canonical choice, compared case-insensitively; `Under construction` and
    `under-construction` both mean `under_construction`."""
    canonical = _CHOICE_KEYS.get(column.choices)
    if canonical is None:
        canonical = {_choice_key(choice): choice for choice in column.choices}
        _CHOICE_KEYS[column.choices] = canonical
    found = canonical.get(text) or canonical.get(_choice_key(text))
    if found is None:
        raise _not_a_choice(column, text)
    return found


# Each column's choices by comparison key; filled on first use (a few small dicts).
_CHOICE_KEYS: dict[tuple[str, ...], dict[str, str]] = {}


def _choice_key(text: str) -> str:
    return "_".join(text.replace("-", " ").replace("_", " ").split()).casefold()


def _not_a_choice(column: Column, text: str) -> CellProblem:
    if len(column.choices) <= 12:
        allowed = ", ".join(column.choices)
        return CellProblem(
            f"{text!r} is not one of the allowed values: {allowed}.",
            f"{text!r} không thuộc các giá trị được phép: {allowed}.",
        )
    return CellProblem(
        f"{text!r} is not an allowed value. {column.help_en}",
        f"{text!r} không phải giá trị được phép. {column.help_vi}",
    )


# -------------------------------------------------------------------------------- numbers


def _number(column: Column, raw: object) -> object:
    if isinstance(raw, bool):
        raise _not_a_number(column, shown(raw) or "")
    if isinstance(raw, datetime | date | time | timedelta):
        raise CellProblem(
            f"{shown(raw)!r} is a date cell where a number belongs: Excel often turns 12.5 or "
            "12/5 into a date. Format the column as Number and type the value again.",
            f"{shown(raw)!r} là ô ngày tháng nhưng cột này cần số: Excel hay tự đổi 12.5 hoặc "
            "12/5 thành ngày. Hãy định dạng cột là Number (Số) rồi nhập lại giá trị.",
        )
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise _not_a_number(column, shown(raw) or "")
        # The shortest repr reads back as the same float: 52.3, never 52.29999999999999715783.
        value = Decimal(repr(raw))
    elif isinstance(raw, Decimal):
        value = raw
    else:
        text = str(raw)
        if column.kind is Kind.INTEGER:
            grouped = _grouped_integer(text)
            if grouped is not None:
                return grouped
        value = _decimal_text(column, text)
    if not value.is_finite():
        raise _not_a_number(column, shown(raw) or "")
    if column.kind is Kind.INTEGER:
        if value != value.to_integral_value():
            raise CellProblem(
                f"{shown(raw)!r} is not a whole number: this column counts whole units.",
                f"{shown(raw)!r} không phải số nguyên: cột này chỉ nhận số nguyên.",
            )
        return int(value)
    places = PLACES.get(column.kind)
    if places is not None and _places(value) > places:
        unit = "hectares" if column.kind is Kind.AREA else "money"
        unit_vi = "diện tích (ha)" if column.kind is Kind.AREA else "tiền"
        raise CellProblem(
            f"{shown(raw)!r} has more than {places} decimal places, which {unit} keeps; "
            f"round it yourself (e.g. with ROUND(...; {places})) so nothing is lost unseen.",
            f"{shown(raw)!r} có quá {places} chữ số thập phân (cột {unit_vi} chỉ giữ {places}); "
            f"hãy tự làm tròn (ví dụ ROUND(...; {places})) để không mất số liệu mà không biết.",
        )
    return value


def _places(value: Decimal) -> int:
    """Decimal places that carry a digit: 12.5000 has one."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _float_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        # 1e-05 reads better as 0.00001; the shortest repr keeps it exact.
        text = format(Decimal(text), "f")
    return text


def _split_sign(text: str) -> tuple[str, str]:
    if text[:1] in _SIGNS:
        return _SIGNS[text[:1]], text[1:].strip()
    return "", text


def _in_threes(text: str, separator: str) -> bool:
    """`1.234.567` with separator `.`: a first group of 1-3 digits not starting with 0, then
    groups of three."""
    groups = text.split(separator)
    return (
        len(groups) > 1
        and 1 <= len(groups[0]) <= 3
        and not groups[0].startswith("0")
        and all(len(group) == 3 for group in groups[1:])
        and all(set(group) <= _DIGITS for group in groups)
    )


def _grouped_integer(text: str) -> int | None:
    """`1.000.000`, `1,000,000` and `1.000` as integers: in a column of whole numbers a
    separator followed by three digits groups thousands."""
    sign, body = _split_sign(text)
    for separator in _SEPARATORS:
        if _in_threes(body, separator):
            return int(sign + body.replace(separator, ""))
    return None


def _decimal_text(column: Column, text: str) -> Decimal:
    """`12.5`, `12,5`, `1.234,5`, `1,234.5`, `1.000.000`, `-3`: one decimal separator; with
    both separators the last is the decimal one and the other groups thousands in threes."""
    sign, body = _split_sign(text)
    if not body or not set(body) <= _DIGITS | _SEPARATORS or not set(body) & _DIGITS:
        raise _not_a_number(column, text)
    separators = [char for char in body if char in _SEPARATORS]
    if not separators:
        whole, fraction = body, ""
    else:
        decimal_mark = separators[-1]
        grouping = "," if decimal_mark == "." else "."
        count = body.count(decimal_mark)
        if count > 1 and grouping not in body:
            if _in_threes(body, decimal_mark):
                whole, fraction = body.replace(decimal_mark, ""), ""
            else:
                raise _two_decimal_marks(text, decimal_mark)
        elif count > 1:
            raise _two_decimal_marks(text, decimal_mark)
        else:
            whole, fraction = body.split(decimal_mark)
            if grouping in whole:
                if not _in_threes(whole, grouping):
                    raise CellProblem(
                        f"{text!r} mixes '.' and ',' but the first does not group thousands in "
                        "threes: write 1.234,5 or 1,234.5 (or simply 1234,5).",
                        f"{text!r} dùng cả '.' và ',' nhưng dấu đầu không phân cách hàng nghìn "
                        "theo nhóm ba chữ số: hãy viết 1.234,5 hoặc 1,234.5 (hoặc 1234,5).",
                    )
                whole = whole.replace(grouping, "")
            if not fraction:
                raise CellProblem(
                    f"{text!r} ends with a decimal separator: write the digits after it, or "
                    "leave it out.",
                    f"{text!r} kết thúc bằng dấu thập phân: hãy viết chữ số sau dấu, hoặc bỏ dấu.",
                )
    try:
        return Decimal(f"{sign}{whole or '0'}.{fraction or '0'}")
    except InvalidOperation:  # pragma: no cover - the checks above leave only digits
        raise _not_a_number(column, text) from None


def _two_decimal_marks(text: str, mark: str) -> CellProblem:
    name, name_vi = ("comma", "dấu phẩy") if mark == "," else ("point", "dấu chấm")
    return CellProblem(
        f"{text!r} has more than one decimal {name}: a number has one decimal separator "
        "(12,5 or 12.5); thousands may be grouped in threes (1.234,5).",
        f"{text!r} có nhiều hơn một {name_vi} thập phân: mỗi số chỉ có một dấu thập phân "
        "(12,5 hoặc 12.5); hàng nghìn có thể phân cách theo nhóm ba chữ số (1.234,5).",
    )


def _not_a_number(column: Column, text: str) -> CellProblem:
    if _NUMBER_THEN_TEXT.fullmatch(text):
        if column.kind is Kind.AREA:
            unit, unit_vi = " (the column is in hectares)", " (cột tính bằng ha)"
        else:
            unit, unit_vi = "", ""
        return CellProblem(
            f"{text!r} has a unit or other text with the number: type the number alone{unit}.",
            f"{text!r} có đơn vị hoặc chữ kèm theo số: chỉ nhập con số{unit_vi}.",
        )
    if _SPACED_NUMBER.fullmatch(text):
        return CellProblem(
            f"{text!r} has spaces inside the number: remove them (group thousands with "
            "dots, 1.234.567, or not at all).",
            f"{text!r} có khoảng trắng trong số: hãy xóa đi (phân cách hàng nghìn bằng dấu "
            "chấm, 1.234.567, hoặc không phân cách).",
        )
    return CellProblem(
        f"{text!r} is not a number; type digits with at most one decimal separator, e.g. 12,5.",
        f"{text!r} không phải là số; hãy nhập chữ số với tối đa một dấu thập phân, ví dụ 12,5.",
    )


# ---------------------------------------------------------------------------------- dates


def _date(raw: object) -> date:
    if isinstance(raw, datetime):
        if raw.time() != time():
            raise CellProblem(
                f"{shown(raw)!r} has a time of day: this column holds a date alone.",
                f"{shown(raw)!r} có cả giờ: cột này chỉ nhận ngày.",
            )
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, time | timedelta):
        raise CellProblem(
            f"{shown(raw)!r} is a time, not a date: type the date as YYYY-MM-DD or DD/MM/YYYY.",
            f"{shown(raw)!r} là giờ, không phải ngày: hãy nhập ngày dạng YYYY-MM-DD hoặc "
            "DD/MM/YYYY.",
        )
    if isinstance(raw, bool | int | float | Decimal):
        raise CellProblem(
            f"{shown(raw)!r} is a number where a date belongs: format the cell as a date, or "
            "type the date as YYYY-MM-DD or DD/MM/YYYY.",
            f"{shown(raw)!r} là số nhưng cột này cần ngày: hãy định dạng ô là ngày, hoặc nhập "
            "dạng YYYY-MM-DD hoặc DD/MM/YYYY.",
        )
    text = str(raw)
    iso = _ISO_DATE.fullmatch(text)
    if iso:
        return _day(text, int(iso[1]), int(iso[2]), int(iso[3]))
    dmy = _DMY_DATE.fullmatch(text)
    if dmy:
        return _day(text, int(dmy[3]), int(dmy[2]), int(dmy[1]))
    if _DMY_SHORT_YEAR.fullmatch(text):
        raise CellProblem(
            f"{text!r} has a two-digit year: write all four digits, e.g. 01/03/2024.",
            f"{text!r} có năm hai chữ số: hãy viết đủ bốn chữ số, ví dụ 01/03/2024.",
        )
    if _OTHER_DATE.fullmatch(text):
        raise CellProblem(
            f"{text!r} is not written as YYYY-MM-DD or DD/MM/YYYY (e.g. 2024-03-01 or 01/03/2024).",
            f"{text!r} không đúng dạng YYYY-MM-DD hoặc DD/MM/YYYY (ví dụ 2024-03-01 hoặc "
            "01/03/2024).",
        )
    raise CellProblem(
        f"{text!r} is not a date; type it as YYYY-MM-DD or DD/MM/YYYY, e.g. 01/03/2024.",
        f"{text!r} không phải là ngày; hãy nhập dạng YYYY-MM-DD hoặc DD/MM/YYYY, ví dụ 01/03/2024.",
    )


def _day(text: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise CellProblem(
            f"{text!r}: there is no month {month} (months run 1-12; dates are YYYY-MM-DD or "
            "DD/MM/YYYY, day before month).",
            f"{text!r}: không có tháng {month} (tháng từ 1 đến 12; ngày viết dạng YYYY-MM-DD "
            "hoặc DD/MM/YYYY, ngày trước tháng).",
        )
    if year < 1:
        raise CellProblem(f"{text!r}: there is no year 0.", f"{text!r}: không có năm 0.")
    try:
        return date(year, month, day)
    except ValueError:
        last = calendar.monthrange(year, month)[1]
        raise CellProblem(
            f"{text!r}: there is no such day; {_MONTHS_EN[month - 1]} {year} has {last} days.",
            f"{text!r}: không có ngày này; tháng {month}/{year} có {last} ngày.",
        ) from None
