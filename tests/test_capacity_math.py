"""The capacity arithmetic, without a database: leases in effect and peaks over periods."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.land.capacity import Lease, held_on, lease_end, peak_held, peak_held_ever

A = Lease(date(2020, 1, 1), date(2022, 1, 1), D("10"))
B = Lease(date(2021, 1, 1), None, D("5"))
C = Lease(date(2022, 1, 1), date(2023, 1, 1), D("7"))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 12, 31), D("0")),
        (date(2020, 1, 1), D("10")),  # start is inclusive
        (date(2021, 6, 1), D("15")),
        (date(2022, 1, 1), D("12")),  # end is exclusive: A gone, C begins
        (date(2023, 1, 1), D("5")),
    ],
)
def test_held_on(day, expected):
    assert held_on([A, B, C], day) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2019, 1, 1), date(2020, 1, 1), D("0")),  # ends the day A starts
        (date(2019, 1, 1), date(2020, 1, 2), D("10")),
        (date(2020, 6, 1), date(2020, 12, 31), D("10")),
        (date(2020, 6, 1), None, D("15")),  # peak inside the period, at B's start
        (date(2022, 1, 1), None, D("12")),
        (date(2023, 1, 1), None, D("5")),
    ],
)
def test_peak_held_over_period(start, end, expected):
    assert peak_held([A, B, C], start, end) == expected


def test_peak_held_ever():
    assert peak_held_ever([A, B, C]) == D("15")
    assert peak_held_ever([]) == D("0")


def test_lease_reusing_land_after_another_ends_does_not_stack():
    first = Lease(date(2015, 1, 1), date(2020, 1, 1), D("3"))
    second = Lease(date(2020, 1, 1), None, D("3"))
    assert peak_held_ever([first, second]) == D("3")


def test_zero_length_lease_holds_nothing():
    # A project terminated on its first day never held land.
    assert held_on([Lease(date(2020, 1, 1), date(2020, 1, 1), D("4"))], date(2020, 1, 1)) == 0


@pytest.mark.parametrize(
    ("expiry", "terminated", "expected"),
    [
        (None, None, None),
        (date(2030, 1, 1), None, date(2030, 1, 1)),
        (None, date(2024, 1, 1), date(2024, 1, 1)),
        (date(2030, 1, 1), date(2024, 1, 1), date(2024, 1, 1)),
        (date(2023, 1, 1), date(2024, 1, 1), date(2023, 1, 1)),
    ],
)
def test_lease_end_is_earliest_of_expiry_and_termination(expiry, terminated, expected):
    assert lease_end(expiry, terminated) == expected


# The sweep against the definition: on every day of the period, what the leases in effect hold.

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 3, 1))


@st.composite
def leases(draw: st.DrawFn) -> Lease:
    start = draw(DAYS)
    length = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=40)))
    area = D(draw(st.integers(min_value=1, max_value=50)))
    return Lease(start, None if length is None else start + timedelta(days=length), area)


@given(st.lists(leases(), max_size=12), DAYS, st.one_of(st.none(), DAYS))
def test_the_sweep_finds_the_peak_of_every_day(many, start, end):
    assume(end is None or end > start)  # a period holds at least its first day
    last = end or date(2020, 4, 15)
    days = [start + timedelta(days=n) for n in range((last - start).days)]
    expected = max((held_on(many, day) for day in days), default=D(0))
    assert peak_held(many, start, end) == expected


@given(st.lists(leases(), max_size=12))
def test_the_peak_ever_is_the_peak_of_every_day(many):
    days = [date(2020, 1, 1) + timedelta(days=n) for n in range(120)]
    assert peak_held_ever(many) == max((held_on(many, day) for day in days), default=D(0))


def test_an_empty_period_counts_the_leases_of_its_first_day():
    # A lease terminated on its first day has the period [start, start); it is checked as
    # that one day, against everything held on it, including leases starting that day.
    held = [Lease(date(2020, 1, 1), None, D("1")), Lease(date(2020, 1, 1), None, D("1"))]
    starting = Lease(date(2020, 1, 2), date(2020, 1, 3), D("4"))
    assert peak_held(held, date(2020, 1, 2), date(2020, 1, 2)) == D("2")
    assert peak_held([*held, starting], date(2020, 1, 2), date(2020, 1, 2)) == D("6")
    assert peak_held([*held, starting], date(2020, 1, 3), date(2020, 1, 1)) == D("2")
    assert peak_held(held, date.max, date.max) == D("2")
