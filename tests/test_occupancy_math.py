"""The arithmetic module, without a database: rounding, rates, sums."""

from datetime import date
from decimal import Decimal
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.land.clearance import is_stalled, last_progress, stalled_before
from app.land.rates import (
    EMPTY,
    M2_PER_HA,
    RATE_UNITS,
    Occupancy,
    mean_rate,
    mean_units,
    rate,
    rate_units,
    round_rate,
    scaled_number,
    total,
)
from app.models.enums import ClearanceStatus


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (D("1"), D("3"), D("0.3333")),
        (D("2"), D("3"), D("0.6667")),
        (D("0.00005"), D("1"), D("0.0001")),  # half-up, not banker's rounding
        (D("0.00015"), D("1"), D("0.0002")),
        (D("0.00025"), D("1"), D("0.0003")),  # banker's rounding would give 0.0002
        (D("0.000049"), D("1"), D("0.0000")),
        (D("4677"), D("10000"), D("0.4677")),
        (D("0"), D("5"), D("0.0000")),
        (D("5"), D("5"), D("1.0000")),
        (D("6"), D("5"), D("1.2000")),  # over-full is reported, not clipped
        (D("1"), D("0"), None),
        (D("0"), D("0"), None),
    ],
)
def test_rate_rounds_half_up_to_four_places(numerator, denominator, expected):
    assert rate(numerator, denominator) == expected


def test_round_rate_is_exact_on_decimal_halves():
    # 0.12345 is not representable in binary floating point; in Decimal it is exactly a half.
    assert round_rate(D("0.12345")) == D("0.1235")
    assert round_rate(D("0.12344999")) == D("0.1234")


def test_point_one_plus_point_two_fills_point_three_exactly():
    figures = Occupancy(D("0.3"), D("0.1") + D("0.2"), D("0"), D("0"))
    assert figures.available_ha == D("0")
    assert figures.occupancy_rate == D("1.0000")


def test_occupancy_rates_on_both_legal_bases():
    figures = Occupancy(
        industrial_land_ha=D("80"),
        leased_industrial_ha=D("40"),
        service_land_ha=D("20"),
        leased_service_ha=D("5"),
    )
    assert figures.occupancy_rate == D("0.5000")  # national statistics: industrial only
    assert figures.occupancy_rate_incl_service == D("0.4500")  # Decree 35/2022: 45 / 100
    assert figures.available_ha == D("55")


def test_zone_without_industrial_land_has_no_rate():
    figures = Occupancy(D("0"), D("0"), D("10"), D("4"))
    assert figures.occupancy_rate is None
    assert figures.occupancy_rate_incl_service == D("0.4000")


def test_total_is_area_weighted_not_mean():
    small_full = Occupancy(D("10"), D("10"), D("0"), D("0"))
    large_empty = Occupancy(D("90"), D("0"), D("0"), D("0"))
    summed = total([small_full, large_empty])
    assert summed.occupancy_rate == D("0.1000")
    assert mean_rate([small_full.occupancy_rate, large_empty.occupancy_rate]) == D("0.5000")


def test_total_of_nothing_is_empty():
    assert total([]) == EMPTY
    assert total([]).occupancy_rate is None


@pytest.mark.parametrize(
    ("rates", "expected"),
    [
        ([D("0.5"), D("0.25")], D("0.3750")),
        ([D("0.5"), None, D("0.25")], D("0.3750")),  # zones without a rate are left out
        ([D("0.3333"), D("0.3333"), D("0.3334")], D("0.3333")),
        ([None, None], None),
        ([], None),
    ],
)
def test_mean_rate(rates, expected):
    assert mean_rate(rates) == expected


# Whole square metres and rate units: the integer form reports use must agree with the
# decimal form everywhere.


AREAS_M2 = st.integers(min_value=0, max_value=10**10)


def _as_rate(units: int | None) -> Decimal | None:
    return None if units is None else Decimal(units).scaleb(-4)


@given(AREAS_M2, AREAS_M2)
def test_rate_units_agree_with_the_decimal_rate(numerator, denominator):
    as_ha = rate(Decimal(numerator).scaleb(-4), Decimal(denominator).scaleb(-4))
    assert _as_rate(rate_units(numerator, denominator)) == as_ha


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=3 * RATE_UNITS))))
def test_mean_units_agree_with_the_decimal_mean(units):
    assert _as_rate(mean_units(units)) == mean_rate(_as_rate(u) for u in units)


@pytest.mark.parametrize(
    ("numerator", "denominator", "units"),
    [(1, 3, 3333), (5, 100_000, 1), (15, 100_000, 2), (25, 100_000, 3), (0, 7, 0), (1, 0, None)],
)
def test_rate_units_round_half_up(numerator, denominator, units):
    assert rate_units(numerator, denominator) == units


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_scaled_numbers_read_back_as_the_same_decimal(value):
    number = scaled_number(value, M2_PER_HA)
    assert Decimal(str(number)) == Decimal(value).scaleb(-4)
    assert isinstance(number, int) == (value % M2_PER_HA == 0)


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([], None),
        ([(date(2024, 1, 1), Decimal(0))], None),
        ([(date(2024, 1, 1), Decimal(2))], date(2024, 1, 1)),
        ([(date(2024, 1, 1), Decimal(2)), (date(2024, 3, 1), Decimal(2))], date(2024, 1, 1)),
        ([(date(2024, 1, 1), Decimal(2)), (date(2024, 3, 1), Decimal("2.0001"))], date(2024, 3, 1)),
    ],
)
def test_last_progress_is_the_latest_record_that_raised_the_cleared_area(history, expected):
    assert last_progress(history) == expected


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(min_value=1, max_value=10**6),
)
def test_stalled_means_progress_older_than_the_window(day, progressed_on, stall_days):
    """More than stall_days between the last progress and the report date, whichever way the
    date arithmetic is written (reports compare against stalled_before)."""
    older = (day - progressed_on).days > stall_days
    assert is_stalled(ClearanceStatus.IN_PROGRESS, progressed_on, day, stall_days) == older
    assert (progressed_on < stalled_before(day, stall_days)) == older


def test_a_window_past_the_calendars_start_stalls_nothing():
    day = date(2024, 6, 30)
    assert stalled_before(day, 10**12) == date.min
    assert not is_stalled(ClearanceStatus.IN_PROGRESS, date(1, 1, 1), day, 10**12)
    assert is_stalled(ClearanceStatus.IN_PROGRESS, date(2023, 12, 31), day, 181)  # 182 days on
