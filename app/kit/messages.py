"""Every message the service can give a client, in Vietnamese beside the English, and hints
for the mistakes people commonly make. Pure: no I/O, no framework.

The English stays the API's `message` and `detail` (scripts match on it); the Vietnamese is
found from it here, so one catalogue serves the API's errors and anything else that reports the
same schemas' and services' errors (the spreadsheet import's row errors). A catalogue key is an
English message template: `{name}` stands for a value the message carries (a zone code, a date,
a number as it was typed), which the Vietnamese repeats. A value that is itself a catalogued
message (a land use, the tail saying when a rule was broken) is translated too.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any

from app.kit.text import search_fold

# The message of a required cell left empty (the spreadsheet importers give it by this name).
REQUIRED = "is required"
# English message template -> Vietnamese template, with the same {placeholders}.
MESSAGES: Mapping[str, str] = {
    # Pydantic's own messages (the error types the service's schemas can produce).
    "Field required": "Thiếu trường bắt buộc",
    # A required cell left empty in an imported spreadsheet.
    REQUIRED: "Bắt buộc, không được để trống",
    "Input should be a valid dictionary or instance of {class_name}": "Phải là một đối tượng JSON",
    "Input should be a valid dictionary": "Phải là một đối tượng JSON",
    "Input should be a valid list": "Phải là một danh sách (mảng JSON)",
    "Input should be a valid string": "Phải là một chuỗi ký tự",
    "Input should be {expected}": "Phải là {expected}",
    "Input should be None": "Phải là null",
    "Input should be greater than {gt}": "Phải lớn hơn {gt}",
    "Input should be greater than or equal to {ge}": "Phải lớn hơn hoặc bằng {ge}",
    "Input should be less than {lt}": "Phải nhỏ hơn {lt}",
    "Input should be less than or equal to {le}": "Phải nhỏ hơn hoặc bằng {le}",
    "Input should be a multiple of {multiple_of}": "Phải là bội số của {multiple_of}",
    "Input should be a finite number": "Phải là một số hữu hạn",
    "String should have at least {min_length} character{plural}": "Phải có ít nhất {min_length} ký tự",
    "String should have at most {max_length} character{plural}": "Tối đa {max_length} ký tự",
    "String should match pattern '{pattern}'": "Không đúng định dạng (mẫu '{pattern}')",
    "Input should be a valid boolean": "Phải là true hoặc false",
    "Input should be a valid boolean, unable to interpret input": "Phải là true hoặc false",
    "Input should be a valid integer": "Phải là một số nguyên",
    "Input should be a valid integer, unable to parse string as an integer": (
        "Phải là một số nguyên (không đọc được chuỗi này thành số nguyên)"
    ),
    "Input should be a valid integer, got a number with a fractional part": (
        "Phải là một số nguyên, không có phần thập phân"
    ),
    "Unable to parse input string as an integer, exceeded maximum size": "Số nguyên quá lớn",
    "Input should be a valid number": "Phải là một số",
    "Input should be a valid number, unable to parse string as a number": (
        "Phải là một số (không đọc được chuỗi này thành số)"
    ),
    "Input should be a valid decimal": "Phải là một số thập phân",
    "Decimal input should be an integer, float, string or Decimal object": "Phải là một số",
    "Decimal input should have no more than {max_digits} digit{plural} in total": (
        "Tối đa {max_digits} chữ số"
    ),
    "Decimal input should have no more than {decimal_places} decimal place{plural}": (
        "Tối đa {decimal_places} chữ số sau dấu thập phân"
    ),
    "Decimal input should have no more than {whole_digits} digit{plural} before the decimal "
    "point": "Tối đa {whole_digits} chữ số ở phần nguyên",
    "Input should be a valid date": "Phải là một ngày",
    "Input should be a valid date in the format YYYY-MM-DD, {error}": (
        "Phải là một ngày hợp lệ dạng YYYY-MM-DD ({error})"
    ),
    "Input should be a valid date or datetime, {error}": "Phải là một ngày hợp lệ ({error})",
    "Datetimes provided to dates should have zero time - e.g. be exact dates": (
        "Chỉ ghi ngày, không ghi giờ"
    ),
    "Input should be a valid datetime": "Phải là một thời điểm",
    "Input should be a valid datetime, {error}": "Phải là một thời điểm hợp lệ ({error})",
    "Input should be a valid datetime or date, {error}": "Phải là một thời điểm hợp lệ ({error})",
    "{field_type} should have at least {min_length} item{plural} after validation, not "
    "{actual_length}": "Phải có ít nhất {min_length} phần tử (đang có {actual_length})",
    "{field_type} should have at most {max_length} item{plural} after validation, not "
    "{actual_length}": "Tối đa {max_length} phần tử (đang có {actual_length})",
    # What pydantic says inside a date error (its {error}).
    "input is too short": "quá ngắn",
    "input is too long": "quá dài",
    "invalid character in year": "ký tự không hợp lệ ở phần năm",
    "invalid character in month": "ký tự không hợp lệ ở phần tháng",
    "invalid character in day": "ký tự không hợp lệ ở phần ngày",
    "month value is outside expected range of 1-12": "tháng phải từ 1 đến 12",
    "day value is outside expected range": "tháng này không có ngày đó",
    "invalid date separator, expected `-`": "dấu phân cách phải là `-`",
    "unexpected extra characters at the end of the input": "thừa ký tự ở cuối",
    # The service's own field rules (app.kit.schema_types and the schemas).
    "unknown or read-only field": "Trường không tồn tại hoặc chỉ đọc",
    "must not contain control characters": "Không được chứa ký tự điều khiển",
    "must not contain control characters other than newline and tab": (
        "Không được chứa ký tự điều khiển (trừ xuống dòng và tab)"
    ),
    "must be valid Unicode text (no unpaired surrogates)": "Phải là văn bản Unicode hợp lệ",
    "must be a JSON number": "Phải là một số JSON (không đặt trong dấu ngoặc kép)",
    "must be a date as YYYY-MM-DD": "Phải là một ngày dạng YYYY-MM-DD (năm-tháng-ngày)",
    "must start with a letter and hold 2-40 letters A-Z, digits or hyphens": (
        "Phải bắt đầu bằng một chữ cái và gồm 2-40 chữ cái A-Z, chữ số hoặc dấu gạch ngang"
    ),
    "must be an ISO 3166-1 alpha-2 country code, e.g. VN, JP, KR": (
        "Phải là mã quốc gia ISO 3166-1 gồm 2 chữ cái, ví dụ VN, JP, KR"
    ),
    "must be a VSIC 2018 code of 1-5 digits": "Phải là mã ngành VSIC 2018 gồm 1-5 chữ số",
    "must be a snake_case key: a-z, digits and _, 2-64 characters": (
        "Phải là khóa dạng snake_case: a-z, chữ số và _, 2-64 ký tự"
    ),
    "must be an ISO 8601 time with a zone, e.g. 2024-06-14T00:00:00Z": (
        "Phải là thời điểm ISO 8601 có múi giờ, ví dụ 2024-06-14T00:00:00Z"
    ),
    "must be YYYY (annual, 14 December) or YYYY-H1 (half-year, 14 June)": (
        "Phải là YYYY (cả năm, mốc 14/12) hoặc YYYY-H1 (6 tháng đầu năm, mốc 14/6)"
    ),
    "year must be 1900 or later": "Năm phải từ 1900 trở đi",
    "integer too long": "Số nguyên quá dài",
    # Rules across fields and against stored data (InvalidValues in the services).
    "may not be null": "Không được để trống (null)",
    "zone {zone} does not exist": "Khu/cụm {zone} không tồn tại",
    "must not be after the project's termination date": "Không được sau ngày chấm dứt dự án",
    "must be after lease_start": "Phải sau lease_start (ngày bắt đầu thuê)",
    "must be after starts_on": "Phải sau starts_on (ngày bắt đầu)",
    "is required when registered_capital is given": (
        "Bắt buộc khi có registered_capital (vốn đăng ký)"
    ),
    "only goes with a registered_capital": "Chỉ ghi khi có registered_capital (vốn đăng ký)",
    "VND amounts are whole numbers": "Số tiền VND phải là số nguyên",
    "must not be before the lease start {day}": "Không được trước ngày bắt đầu thuê {day}",
    "dates a change of time-varying fields ({fields}); this change sets none of them": (
        "Chỉ dùng để ghi ngày hiệu lực cho thay đổi của các trường thay đổi theo thời gian "
        "({fields}); thay đổi này không có trường nào như vậy"
    ),
    "zone {zone} exists from {day} (its first revision); a change cannot take effect before that": (
        "Khu/cụm {zone} tồn tại từ {day} (lần ghi đầu tiên); thay đổi không thể có hiệu lực "
        "trước ngày đó"
    ),
    "industrial_land_ha + service_land_ha must not exceed total_area_ha ({total} ha){during}": (
        "industrial_land_ha + service_land_ha (đất công nghiệp + đất dịch vụ) không được vượt "
        "quá total_area_ha (tổng diện tích, {total} ha){during}"
    ),
    "must not exceed total_area_ha ({total} ha){during}": (
        "Không được vượt quá total_area_ha (tổng diện tích, {total} ha){during}"
    ),
    " (in effect from {start} until {end})": " (áp dụng từ {start} đến {end})",
    " (in effect from {start} on)": " (áp dụng từ {start} trở đi)",
    "the beginning": "đầu",
    "is required with {other}: latitude and longitude go together (both or neither)": (
        "Bắt buộc khi có {other}: vĩ độ và kinh độ đi cùng nhau (có cả hai hoặc không có cả hai)"
    ),
    "names a province twice": "Một tỉnh được nêu hai lần",
    "give as_of or period, not both": "Chỉ cho as_of hoặc period, không cho cả hai",
    "must not be after to": "Không được sau ngày to",
    "reaches back before 0001-01-01 from {as_of}; give fewer months or a later as_of": (
        "Lùi quá ngày 0001-01-01 tính từ {as_of}; hãy chọn ít tháng hơn hoặc as_of muộn hơn"
    ),
    "the range holds more than {count} points; use a longer interval": (
        "Khoảng thời gian có hơn {count} mốc; hãy chọn interval dài hơn"
    ),
    "is not a parameter of the {report} report": "Không phải tham số của báo cáo {report}",
    "is required for the occupancy/history report": "Bắt buộc với báo cáo occupancy/history",
    "is required for the plan report": "Bắt buộc với báo cáo plan",
    "plan {plan} does not exist": "Kế hoạch {plan} không tồn tại",
    "zone {zone} does not exist yet on {day} (see its history)": (
        "Khu/cụm {zone} chưa tồn tại vào ngày {day} (xem lịch sử của khu/cụm)"
    ),
    "must not exceed households_total ({total})": (
        "Không được vượt quá households_total (tổng số hộ, {total})"
    ),
    "must not exceed the zone's clearance_required_ha ({required} ha)": (
        "Không được vượt quá diện tích cần giải phóng mặt bằng của khu/cụm, "
        "clearance_required_ha ({required} ha)"
    ),
    "is cumulative and must not be below an earlier record's {value}": (
        "Là số lũy kế, không được nhỏ hơn {value} của bản ghi trước"
    ),
    "is cumulative and must not be above a later record's {value}": (
        "Là số lũy kế, không được lớn hơn {value} của bản ghi sau"
    ),
    "{indicator} is computed by the service; it takes no reported value": (
        "{indicator} do hệ thống tính; không nhận số liệu báo cáo"
    ),
    # Conflicts with stored state (409).
    "zone {zone} has {free} ha of {land_use} land free over the requested period, {requested} "
    "ha requested": (
        "Khu/cụm {zone} chỉ còn {free} ha đất {land_use} trống trong thời gian yêu cầu; "
        "yêu cầu {requested} ha"
    ),
    "leases in zone {zone} hold {held} ha of {land_use} land from {start}{until}, where the "
    "zone would have {land} ha": (
        "Các hợp đồng thuê trong khu/cụm {zone} chiếm {held} ha đất {land_use} từ {start}"
        "{until}, trong khi khu/cụm sẽ chỉ có {land} ha"
    ),
    " until {end}": " đến {end}",
    " on": " trở đi",
    "industrial": "công nghiệp",
    "service": "dịch vụ",
    "the clearance record of zone {zone} on {day} states {cleared} ha cleared; "
    "clearance_required_ha cannot be below that{during}": (
        "Bản ghi giải phóng mặt bằng của khu/cụm {zone} ngày {day} ghi đã giải phóng {cleared} "
        "ha; clearance_required_ha không thể nhỏ hơn số đó{during}"
    ),
    "zone {zone} has {projects} project(s) and {records} clearance record(s); a zone with "
    "history cannot be deleted (set its status to closed instead)": (
        "Khu/cụm {zone} có {projects} dự án và {records} bản ghi giải phóng mặt bằng; không thể "
        "xóa khu/cụm đã có lịch sử (hãy đặt trạng thái closed)"
    ),
    "zone code {code} is taken": "Mã khu/cụm {code} đã được dùng",
    "zone code {code} is taken by zone id {holder}": (
        "Mã khu/cụm {code} đã được dùng cho khu/cụm id {holder}"
    ),
    "project code {code} is taken": "Mã dự án {code} đã được dùng",
    "a project code in the file was taken by another request during the import; nothing was "
    "written, try again": (
        "một mã dự án trong tệp vừa bị một yêu cầu khác dùng trong lúc nhập; chưa ghi gì, "
        "hãy gửi lại"
    ),
    "project code {code} is taken by project {holder}": (
        "Mã dự án {code} đã được dùng cho dự án {holder}"
    ),
    "zone {zone} already has a clearance record for {day}": (
        "Khu/cụm {zone} đã có bản ghi giải phóng mặt bằng ngày {day}"
    ),
    "plan {plan} already has a target for {indicator}": (
        "Kế hoạch {plan} đã có chỉ tiêu {indicator}"
    ),
    "plan {plan} already has a value of {indicator} as of {day}": (
        "Kế hoạch {plan} đã có giá trị {indicator} tại ngày {day}"
    ),
    "plan code {code} is taken": "Mã kế hoạch {code} đã được dùng",
    "a key named {name} exists": "Đã có khóa tên {name}",
    "key {key} was revoked at {time}": "Khóa {key} đã bị thu hồi lúc {time}",
    "key {key} is the last admin key that works; create another admin key before revoking "
    "this one": (
        "Khóa {key} là khóa admin cuối cùng còn dùng được; hãy tạo khóa admin khác trước khi "
        "thu hồi khóa này"
    ),
    "project {project} was already terminated on {day}": "Dự án {project} đã chấm dứt ngày {day}",
    "this request ran so long that a retry with the same Idempotency-Key took over; its write "
    "was not kept (the retry's was)": (
        "Yêu cầu này chạy quá lâu nên lần thử lại với cùng Idempotency-Key đã thay thế; thay đổi "
        "của yêu cầu này không được giữ (thay đổi của lần thử lại được giữ)"
    ),
    "If-Match {sent} does not match the current version {current}; read the resource again "
    "and retry": (
        "If-Match {sent} không khớp với phiên bản hiện tại {current}; hãy đọc lại rồi thử lại"
    ),
    # Not found, and the other refusals at the door.
    "zone {zone} did not exist on {day}; it exists from {begins}": (
        "Khu/cụm {zone} chưa tồn tại vào ngày {day}; khu/cụm tồn tại từ {begins}"
    ),
    "no zone has the code {code}": "Không có khu/cụm nào mang mã {code}",
    "project {project} does not exist": "Dự án {project} không tồn tại",
    "target {target} does not exist": "Chỉ tiêu {target} không tồn tại",
    "filing {filing} does not exist": "Báo cáo đã nộp {filing} không tồn tại",
    "clearance record {record} does not exist": (
        "Bản ghi giải phóng mặt bằng {record} không tồn tại"
    ),
    "key {key} does not exist": "Khóa {key} không tồn tại",
    "problem type {slug} does not exist": "Loại lỗi {slug} không tồn tại",
    "no key is named {name}": "Không có khóa nào tên {name}",
    "no resource at this path": "Không có tài nguyên nào ở đường dẫn này",
    "{method} is not allowed on this path": "Không cho phép {method} ở đường dẫn này",
    "the body is not valid JSON": "Nội dung gửi lên không phải JSON hợp lệ",
    "this request needs an API key: Authorization: Bearer <key>": (
        "Yêu cầu này cần khóa API: Authorization: Bearer <key>"
    ),
    "this request needs the {role} role; the key has {has}": (
        "Yêu cầu này cần vai trò {role}; khóa này có vai trò {has}"
    ),
    "send one Authorization header, not several": "Chỉ gửi một header Authorization",
    "the Authorization header must be: Bearer <key>": "Header Authorization phải là: Bearer <key>",
    "the API key is invalid or revoked": "Khóa API không hợp lệ hoặc đã bị thu hồi",
    "Idempotency-Key must be 1-200 visible ASCII characters": (
        "Idempotency-Key phải gồm 1-200 ký tự ASCII nhìn thấy được"
    ),
    "request bodies are limited to {size} bytes": "Nội dung gửi lên tối đa {size} byte",
    "the server failed to handle the request": "Máy chủ không xử lý được yêu cầu",
    "the database does not answer": "Cơ sở dữ liệu không phản hồi",
}

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Placeholders that follow another directly match only what they can hold, so the split
# between the two is the one the message was made with.
_SHAPES = {"during": r"(?: \(in effect from .*?\))?", "until": r"(?: until \S+| on)"}


@dataclass(frozen=True, slots=True)
class _Template:
    english: str
    vietnamese: str
    pattern: re.Pattern[str]
    literal: int  # characters outside placeholders: the more, the more specific


@cache
def _templates() -> tuple[_Template, ...]:
    templates = []
    for english, vietnamese_text in MESSAGES.items():
        if not _PLACEHOLDER.search(english):
            continue
        parts, names, at = [], set(), 0
        for match in _PLACEHOLDER.finditer(english):
            parts.append(re.escape(english[at : match.start()]))
            name = match.group(1)
            shape = _SHAPES.get(name, ".*?")
            parts.append(f"(?P={name})" if name in names else f"(?P<{name}>{shape})")
            names.add(name)
            at = match.end()
        parts.append(re.escape(english[at:]))
        literal = len(_PLACEHOLDER.sub("", english))
        templates.append(
            _Template(english, vietnamese_text, re.compile("".join(parts), re.DOTALL), literal)
        )
    return tuple(sorted(templates, key=lambda t: -t.literal))


def translation(message: str) -> str | None:
    """The Vietnamese of a message, or None when the catalogue has no template for it."""
    exact = MESSAGES.get(message)
    if exact is not None:
        return exact
    for template in _templates():
        match = template.pattern.fullmatch(message)
        if match is None:
            continue
        values = {
            name: _value_in_vietnamese(name, value) for name, value in match.groupdict().items()
        }
        return template.vietnamese.format(**values)
    # "field: message", as a problem's detail names the field of its one error, or several
    # of them joined by "; ".
    one = _detail_part(message)
    if one is not None:
        return one
    if "; " in message:
        parts = [_detail_part(part) for part in message.split("; ")]
        if all(part is not None for part in parts):
            return "; ".join(part for part in parts if part is not None)
    return None


def vietnamese(message: str) -> str:
    """The Vietnamese of an English message the service gives (a validation message, a
    rule's message, a problem's detail); the English itself when the catalogue lacks it."""
    found = translation(message)
    return message if found is None else found


def _detail_part(part: str) -> str | None:
    field, sep, rest = part.partition(": ")
    if not sep or not field or " " in field:
        return None
    found = translation(rest)
    return None if found is None else f"{field}: {found}"


def _value_in_vietnamese(name: str, value: str) -> str:
    if name == "expected":  # pydantic's "'park' or 'cluster'"
        return value.replace(" or ", " hoặc ")
    if not value:
        return value
    return MESSAGES.get(value) or (translation(value) if _is_fragment(value) else None) or value


def _is_fragment(value: str) -> bool:
    # Only the tails the catalogue knows are translated inside a message, not free text.
    return value.startswith(" (in effect from") or value.startswith(" until ")


# Hints --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hint:
    """What to do about a common mistake, in English and Vietnamese."""

    en: str
    vi: str


_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_VI_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")
_EN_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
_ALPHA3 = {"VNM": "VN", "JPN": "JP", "KOR": "KR", "CHN": "CN", "USA": "US", "TWN": "TW"}
_COUNTRY_NAMES = {"viet nam": "VN", "vietnam": "VN", "nhat ban": "JP", "han quoc": "KR"}
_EXPECTED = re.compile(r"'([^']*)'")


def number_as_json(text: str) -> str | None:
    """The JSON number a person meant by a number written as text ("0,1", "1.234,5",
    "1,234.5", " 12 "), or None when it is no number."""
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if _VI_THOUSANDS.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif _EN_THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return text if number.is_finite() else None


def hint(message: str, value: Any) -> Hint | None:
    """A hint for the mistake behind an error (its English message and the value sent), or
    None when there is nothing to add to the message."""
    if message == "must be a JSON number" and isinstance(value, str):
        meant = number_as_json(value)
        if meant is None:
            return Hint(
                "send a JSON number without quotes, with a decimal point: e.g. 12.5",
                "gửi một số JSON không có dấu ngoặc kép, dùng dấu chấm thập phân: ví dụ 12.5",
            )
        if "." not in meant:
            return Hint(
                f'send {meant} as a JSON number, without quotes: {meant}, not "{value}"',
                f"gửi {meant} dưới dạng số JSON, không có dấu ngoặc kép: {meant}, "
                f'không phải "{value}"',
            )
        return Hint(
            f"send {meant} as a JSON number, with a decimal point and no quotes: {meant}, "
            f'not "{value}"',
            f"gửi {meant} dưới dạng số JSON, dùng dấu chấm thập phân và không có dấu ngoặc kép: "
            f'{meant}, không phải "{value}"',
        )
    if message in ("must be a date as YYYY-MM-DD", "Input should be a valid date"):
        day_first = _DAY_FIRST.fullmatch(value.strip()) if isinstance(value, str) else None
        if day_first is not None:
            day, month, year = day_first.groups()
            iso = f"{year}-{int(month):02d}-{int(day):02d}"
            return Hint(
                f"dates are written year-month-day: {iso}, not {value}",
                f"ngày được viết theo thứ tự năm-tháng-ngày: {iso}, không phải {value}",
            )
        return Hint(
            "dates are written year-month-day: e.g. 2024-06-14 for 14 June 2024",
            "ngày được viết theo thứ tự năm-tháng-ngày: ví dụ 2024-06-14 cho ngày 14/06/2024",
        )
    if message.startswith("must be an ISO 3166-1 alpha-2 country code"):
        return _country_hint(value)
    if message.startswith("Input should be '"):
        return _choice_hint(message, value)
    places = re.fullmatch(
        r"Decimal input should have no more than ([0-9]+) decimal places?", message
    )
    if places is not None:
        return _places_hint(int(places.group(1)), value)
    if message.startswith("must be YYYY (annual"):
        return Hint(
            "period=2024-H1 is the half-year cut-off (14 June 2024), period=2024 the annual one "
            "(14 December 2024); for any other day use as_of=YYYY-MM-DD",
            "period=2024-H1 là mốc 6 tháng (14/06/2024), period=2024 là mốc cả năm "
            "(14/12/2024); với ngày khác dùng as_of=YYYY-MM-DD",
        )
    if message == "Input should be a valid integer, got a number with a fractional part":
        return Hint("send a whole number, e.g. 12", "gửi một số nguyên, ví dụ 12")
    return None


def _country_hint(value: Any) -> Hint:
    text = value.strip() if isinstance(value, str) else ""
    code = _ALPHA3.get(text.upper()) or _COUNTRY_NAMES.get(_plain(text))
    if code is not None:
        return Hint(
            f"use the two-letter ISO 3166-1 code: {code}, not {text}",
            f"dùng mã ISO 3166-1 gồm 2 chữ cái: {code}, không phải {text}",
        )
    return Hint(
        "use the two-letter ISO 3166-1 code, in any case: VN (Viet Nam), JP (Japan), "
        "KR (South Korea), CN (China), TW (Taiwan), US (United States), SG (Singapore)",
        "dùng mã ISO 3166-1 gồm 2 chữ cái, viết hoa hay thường đều được: VN (Việt Nam), "
        "JP (Nhật Bản), KR (Hàn Quốc), CN (Trung Quốc), TW (Đài Loan), US (Hoa Kỳ), "
        "SG (Singapore)",
    )


def _choice_hint(message: str, value: Any) -> Hint:
    allowed = _EXPECTED.findall(message)
    listed = ", ".join(allowed)
    near = None
    if isinstance(value, str) and value.strip():
        typed = _plain(value).replace(" ", "_")
        near = next(
            (a for a in allowed if typed and (a.startswith(typed) or typed.startswith(a))), None
        )
    if near is not None:
        return Hint(
            f"did you mean {near}? One of: {listed} (any case)",
            f"có phải ý bạn là {near}? Một trong: {listed} (viết hoa hay thường đều được)",
        )
    return Hint(
        f"one of: {listed} (any case)",
        f"một trong: {listed} (viết hoa hay thường đều được)",
    )


def _places_hint(places: int, value: Any) -> Hint:
    unit = "1 m²" if places == 4 else f"{places} decimal places"
    unit_vi = "1 m²" if places == 4 else f"{places} chữ số thập phân"
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        step = Decimal(1).scaleb(-places)
        rounded = number(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))
        return Hint(
            f"at most {places} decimal places ({unit}): send {rounded}, not {value}",
            f"tối đa {places} chữ số thập phân ({unit_vi}): gửi {rounded}, không phải {value}",
        )
    return Hint(
        f"at most {places} decimal places ({unit})",
        f"tối đa {places} chữ số thập phân ({unit_vi})",
    )


def _plain(text: str) -> str:
    return search_fold(text).strip()


# Numbers in messages ------------------------------------------------------------------------


def number(value: Decimal | int) -> str:
    """A figure as a message writes it: as stored, without the trailing zeros of its column's
    scale and without an exponent (2.5, not 2.5000 or 2.5E+1); 1234.5, no separators, so that
    it reads as the JSON number the client sent."""
    if isinstance(value, int):
        return str(value)
    normal = value.normalize()
    return format(normal, "f") if normal != 0 else "0"
