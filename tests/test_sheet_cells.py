"""One cell read as staff type it (app/sheets/cells.py), without files: every habit the
importer accepts and every mistake it explains, in English and Vietnamese."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.sheets.cells import CellProblem, parse_cell, shown
from app.sheets.layout import Column, Entity, Kind, column

LEASED = column(Entity.PROJECTS, "leased_ha")  # AREA, 4 places
CAPITAL = column(Entity.PROJECTS, "registered_capital")  # DECIMAL, 2 places
EMPLOYEES = column(Entity.PROJECTS, "employees")  # INTEGER
LATITUDE = column(Entity.ZONES, "latitude")  # COORDINATE
START = column(Entity.PROJECTS, "lease_start")  # DATE
STATUS = column(Entity.PROJECTS, "status")  # CHOICE
LAND_USE = column(Entity.PROJECTS, "land_use")  # CHOICE
ZONE_CODE = column(Entity.PROJECTS, "zone_code")  # CODE
COUNTRY = column(Entity.PROJECTS, "investor_country")  # CODE with choices
NAME = column(Entity.PROJECTS, "name")  # TEXT
SECTOR = column(Entity.PROJECTS, "sector")  # TEXT
NOTE = column(Entity.CLEARANCE, "note")  # NOTE


def problem(col: Column, raw: object) -> CellProblem:
    with pytest.raises(CellProblem) as caught:
        parse_cell(col, raw)
    assert caught.value.message and caught.value.message_vi
    assert caught.value.message != caught.value.message_vi
    return caught.value


# ------------------------------------------------------------------------------- empties


@pytest.mark.parametrize("col", [LEASED, EMPLOYEES, START, STATUS, ZONE_CODE, NAME, NOTE])
@pytest.mark.parametrize("raw", [None, "", "   ", "\t\n", "\u00a0"])
def test_empty_and_whitespace_cells_are_null(col, raw):
    assert parse_cell(col, raw) is None


# ------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.5", D("12.5")),
        ("12,5", D("12.5")),
        ("  12,5 ", D("12.5")),
        ("12", D("12")),
        ("0,0001", D("0.0001")),
        (",5", D("0.5")),
        ("1.234,5", D("1234.5")),  # both separators: the last is the decimal one
        ("1,234.5", D("1234.5")),
        ("1.234.567,25", D("1234567.25")),
        ("1,234,567.25", D("1234567.25")),
        ("1.000.000", D("1000000")),  # one separator, repeated: grouping
        ("1,000,000", D("1000000")),
        ("1.000", D("1.000")),  # one separator once: decimal (the contract's rule)
        ("-3,5", D("-3.5")),
        ("+3,5", D("3.5")),
        ("\u22123,5", D("-3.5")),  # the minus sign word processors type
        ("12,50000", D("12.50000")),  # trailing zeros are not extra places
        (12, D("12")),
        (12.0, D("12")),
        (52.3, D("52.3")),  # a float cell becomes the decimal staff typed
        (0.1, D("0.1")),  # not 0.1000000000000000055511151231257827
        (1e-4, D("0.0001")),
        (D("2.5"), D("2.5")),
    ],
)
def test_areas_read_as_typed(raw, expected):
    value = parse_cell(LEASED, raw)
    assert isinstance(value, D)
    assert value == expected


def test_a_float_cell_is_never_read_through_its_binary_expansion():
    assert str(parse_cell(LEASED, 52.3)) == "52.3"
    assert str(parse_cell(LATITUDE, 21.123456789)) == "21.123456789"


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("0,1,5", "more than one decimal comma"),
        ("1.2.3", "more than one decimal point"),
        ("1.234.5", "more than one decimal point"),
        ("1.23,5", "does not group thousands in threes"),
        ("1,2345.6", "does not group thousands in threes"),
        ("1.234,5,6", "more than one decimal comma"),
        ("12 ha", "unit"),
        ("12ha", "unit"),
        ("2,5 ha", "hectares"),
        ("12%", "unit"),
        ("abc", "not a number"),
        ("12-5", "not a number"),
        ("--3", "not a number"),
        ("-", "not a number"),
        ("1e5", "unit"),
        ("1 234,5", "spaces inside the number"),
        ("12.", "ends with a decimal separator"),
        ("１２", "not a number"),  # full-width digits are not ASCII digits
    ],
)
def test_numbers_that_are_not_numbers_say_why(raw, hint):
    found = problem(LEASED, raw)
    assert hint in found.message
    assert repr(raw) in found.message and repr(raw) in found.message_vi


@pytest.mark.parametrize(
    ("raw", "places"),
    [("0,12345", 4), ("1.234,56789", 4), (0.12345, 4), (0.1 + 0.2, 4)],
)
def test_areas_keep_four_places_and_more_is_an_error_not_a_rounding(raw, places):
    found = problem(LEASED, raw)
    assert f"more than {places} decimal places" in found.message
    assert "ROUND" in found.message and "ROUND" in found.message_vi


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.234.567,89", D("1234567.89")), ("1,5", D("1.5")), (120000000000, D("120000000000"))],
)
def test_money_keeps_two_places(raw, expected):
    assert parse_cell(CAPITAL, raw) == expected


@pytest.mark.parametrize("raw", ["12,345", "0.001", 12.345])
def test_money_with_three_places_is_an_error(raw):
    assert "more than 2 decimal places" in problem(CAPITAL, raw).message


def test_coordinates_keep_every_place():
    assert parse_cell(LATITUDE, "21,1234567") == D("21.1234567")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("350", 350),
        ("1.000.000", 1_000_000),
        ("1,000,000", 1_000_000),
        ("1.000", 1000),  # in a column of whole numbers, three digits after a dot group
        ("1,500", 1500),
        ("12,0", 12),
        ("-4", -4),
        (350, 350),
        (12.0, 12),  # a numeric cell 12.0 is 12
        (1e15, 10**15),
    ],
)
def test_integers(raw, expected):
    value = parse_cell(EMPLOYEES, raw)
    assert type(value) is int
    assert value == expected


@pytest.mark.parametrize("raw", ["12,5", "12.5", 12.5, "1.000,5", "0,001"])
def test_an_integer_column_refuses_fractions(raw):
    assert "not a whole number" in problem(EMPLOYEES, raw).message


@pytest.mark.parametrize("raw", ["1.00.000", "1 000", "350 người", "abc"])
def test_an_integer_column_explains_other_text(raw):
    found = problem(EMPLOYEES, raw)
    assert repr(raw) in found.message


@pytest.mark.parametrize(
    "raw", [datetime(2024, 5, 12), date(2024, 5, 12), time(12, 30), timedelta(hours=3)]
)
def test_a_date_cell_where_a_number_belongs(raw):
    found = problem(LEASED, raw)
    assert "date cell where a number belongs" in found.message
    assert "Number" in found.message


@pytest.mark.parametrize("raw", [True, float("nan"), float("inf")])
def test_booleans_and_non_finite_floats_are_not_numbers(raw):
    assert "not a number" in problem(LEASED, raw).message


@given(
    st.decimals(min_value=D("-99999999"), max_value=D("99999999"), places=4, allow_nan=False),
    st.sampled_from(["vi", "en", "plain_comma", "plain_point"]),
)
def test_any_area_written_with_either_habit_reads_back_exactly(value, habit):
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    grouped = f"{int(whole):,}"
    text = {
        "vi": grouped.replace(",", ".") + ("," + fraction if fraction else ""),
        "en": grouped + ("." + fraction if fraction else ""),
        "plain_comma": whole + ("," + fraction if fraction else ""),
        "plain_point": whole + ("." + fraction if fraction else ""),
    }[habit]
    if habit in ("vi", "en") and not fraction and "," in grouped and grouped.count(",") == 1:
        # `1.234` alone is a decimal by the one-separator rule; grouped thousands need a
        # fraction or a second group to be read as grouping.
        text = text + (",0" if habit == "vi" else ".0")
    assert parse_cell(LEASED, sign + text) == value


# --------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-01", date(2024, 3, 1)),
        ("2024-3-1", date(2024, 3, 1)),
        ("01/03/2024", date(2024, 3, 1)),  # day first
        ("1/3/2024", date(2024, 3, 1)),
        (" 29/02/2024 ", date(2024, 2, 29)),
        (datetime(2024, 3, 1), date(2024, 3, 1)),  # a date cell
        (date(2024, 3, 1), date(2024, 3, 1)),
    ],
)
def test_dates(raw, expected):
    assert parse_cell(START, raw) == expected


@pytest.mark.parametrize(
    ("raw", "hint", "hint_vi"),
    [
        ("31/02/2024", "February 2024 has 29 days", "tháng 2/2024 có 29 ngày"),
        ("29/02/2023", "February 2023 has 28 days", "tháng 2/2023 có 28 ngày"),
        ("31/04/2024", "April 2024 has 30 days", "tháng 4/2024 có 30 ngày"),
        ("2024-13-01", "no month 13", "không có tháng 13"),
        ("12/31/2024", "no month 31", "không có tháng 31"),  # month first: US habit
        ("0000-01-01", "no year 0", "không có năm 0"),
        ("1/3/24", "two-digit year", "năm hai chữ số"),
        ("01.03.2024", "not written as YYYY-MM-DD or DD/MM/YYYY", "không đúng dạng"),
        ("2024/03/01", "not written as YYYY-MM-DD or DD/MM/YYYY", "không đúng dạng"),
        ("1 tháng 3", "not a date", "không phải là ngày"),
        ("abc", "not a date", "không phải là ngày"),
        (45352, "number where a date belongs", "là số nhưng cột này cần ngày"),
        (45352.0, "number where a date belongs", "là số nhưng cột này cần ngày"),
        (datetime(2024, 3, 1, 8, 30), "time of day", "có cả giờ"),
        (time(8, 30), "a time, not a date", "là giờ"),
    ],
)
def test_dates_that_are_not_dates_say_why(raw, hint, hint_vi):
    found = problem(START, raw)
    assert hint in found.message
    assert hint_vi in found.message_vi


# ------------------------------------------------------------------------------- choices


@pytest.mark.parametrize(
    ("col", "raw", "expected"),
    [
        (STATUS, "registered", "registered"),
        (STATUS, "Operating", "operating"),
        (STATUS, " OPERATING ", "operating"),
        (STATUS, "under_construction", "under_construction"),
        (STATUS, "Under construction", "under_construction"),
        (STATUS, "under-construction", "under_construction"),
        (LAND_USE, "Industrial", "industrial"),
        (column(Entity.PROJECTS, "capital_currency"), "vnd", "VND"),
    ],
)
def test_choices_give_back_the_canonical_value(col, raw, expected):
    assert parse_cell(col, raw) == expected


def test_a_choice_not_in_the_list_lists_the_allowed_values():
    found = problem(STATUS, "đang hoạt động")
    for allowed in STATUS.choices:
        assert allowed in found.message and allowed in found.message_vi
    assert "'đang hoạt động'" in found.message


# --------------------------------------------------------------------------- codes, text


@pytest.mark.parametrize(
    ("col", "raw", "expected"),
    [
        (ZONE_CODE, "ccn-dong-tam", "CCN-DONG-TAM"),
        (ZONE_CODE, "  Kcn-A ", "KCN-A"),
        (COUNTRY, "vn", "VN"),
        (COUNTRY, "Kr", "KR"),
        (COUNTRY, "JP", "JP"),
        (NAME, "  Nhà máy may  ", "Nhà máy may"),
        (NAME, "Công ty\u00a0TNHH", "Công ty\u00a0TNHH"),
        (NOTE, "  đợt 1\nđợt 2\n", "đợt 1\nđợt 2"),  # newlines inside a note stay
        (NAME, "a\x07b", "a\x07b"),  # control characters are the API's to refuse
        (SECTOR, 1410, "1410"),  # a code typed as a number reads as typed
        (SECTOR, 1410.0, "1410"),
        (column(Entity.PROJECTS, "project_code"), 2315834567, "2315834567"),
        (NAME, datetime(2024, 3, 1), "2024-03-01"),
        (NAME, True, "TRUE"),
    ],
)
def test_codes_and_text(col, raw, expected):
    assert parse_cell(col, raw) == expected


@pytest.mark.parametrize("raw", ["Việt Nam", "VNM", "XX", "V N"])
def test_a_country_that_is_not_an_iso_code_says_what_is(raw):
    found = problem(COUNTRY, raw)
    assert "ISO 3166-1" in found.message
    assert "ISO 3166-1" in found.message_vi
    assert len(found.message) < 300  # explains the rule; does not list 249 codes


# --------------------------------------------------------------------------------- shown


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("12,5 ha", "12,5 ha"),
        (52.3, "52.3"),
        (12.0, "12"),
        (1e-05, "0.00001"),
        (120000000000, "120000000000"),
        (datetime(2024, 3, 1), "2024-03-01"),
        (datetime(2024, 3, 1, 8, 30), "2024-03-01 08:30:00"),
        (False, "FALSE"),
        ("x" * 200, "x" * 79 + "…"),
    ],
)
def test_values_are_shown_as_staff_see_them(raw, expected):
    assert shown(raw) == expected


def test_every_kind_is_read():
    """A new Kind in layout.py needs its reading here: every kind gives a value."""
    samples = {
        Kind.TEXT: "a",
        Kind.NOTE: "a",
        Kind.CODE: "a",
        Kind.AREA: "1",
        Kind.DECIMAL: "1",
        Kind.INTEGER: "1",
        Kind.COORDINATE: "1",
        Kind.DATE: "2024-01-01",
        Kind.CHOICE: "x",
    }
    assert set(samples) == set(Kind)
    for kind, sample in samples.items():
        col = Column("c", kind, "c", "c", "", "", choices=("x",) if kind is Kind.CHOICE else ())
        assert parse_cell(col, sample) is not None
