"""The forecast's arithmetic, without a database: pace, the date a target is reached, the
projection at a plan's end, the 12-month range, and land that changes."""

from datetime import date
from decimal import Decimal as D

import pytest

from app.land.capacity import Land
from app.land.forecast import (
    days_after,
    months_before,
    pace,
    projected_rate,
    reach_date,
    summed_land,
    twelve_month_range,
    window_points,
)

ALWAYS_100 = [Land(None, None, D(100))]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 6, 24), 24, date(2022, 6, 24)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),  # leap February: clamped to its 29th
        (date(2023, 3, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2024, 1, 15), 1, date(2023, 12, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_window_points_run_from_the_window_start_to_the_date():
    points = window_points(date(2024, 6, 24), 24)
    assert (points[0], points[12], points[-1], len(points)) == (
        date(2022, 6, 24),
        date(2023, 6, 24),
        date(2024, 6, 24),
        25,
    )


@pytest.mark.parametrize(
    ("start_ha", "end_ha", "start", "end", "expected"),
    [
        # 36.525 ha over exactly one 365.25-day year on average: two years of 730 days + 1.
        (D(0), D("73.05"), date(2022, 1, 1), date(2024, 1, 1), D("73.05") * D("365.25") / 730),
        (D(10), D(10), date(2022, 1, 1), date(2024, 1, 1), D(0)),  # zero pace
        (
            D(30),
            D(20),
            date(2023, 1, 1),
            date(2024, 1, 1),
            D(-10) * D("365.25") / 365,
        ),  # net terminations
        (D(0), D(1), date(2024, 1, 1), date(2024, 1, 1), None),  # no time
    ],
)
def test_pace(start_ha, end_ha, start, end, expected):
    assert pace(start_ha, end_ha, start, end) == expected


def test_reach_date_at_a_constant_pace():
    # 50 of 100 ha leased, 80 % wanted: 30 ha more at 36.525 ha/year = 300 days (0.8214 y).
    assert reach_date(D(50), date(2024, 1, 1), D("36.525"), D("0.8"), ALWAYS_100) == date(
        2024, 10, 27
    )


@pytest.mark.parametrize("speed", [D(0), D(-5), None])
def test_no_date_without_a_positive_pace(speed):
    assert reach_date(D(50), date(2024, 1, 1), speed, D("0.8"), ALWAYS_100) is None


def test_beyond_the_horizon_there_is_no_date():
    assert reach_date(D(0), date(2024, 1, 1), D("0.0001"), D("0.8"), ALWAYS_100) is None


def test_land_recorded_for_later_dates_moves_the_denominator():
    """The park grows to 200 ha from 2025: 80 % then means 160 ha, not 80."""
    land = [Land(None, date(2025, 1, 1), D(100)), Land(date(2025, 1, 1), None, D(200))]
    # At 36.525 ha/year from 50 ha: 80 ha (80 % of 100) would come 300 days on, 2024-10-27,
    # inside the 100 ha span; so the first day is then.
    assert reach_date(D(50), date(2024, 1, 1), D("36.525"), D("0.8"), land) == date(2024, 10, 27)
    # Slower: 80 ha not reached before 2025; 160 ha of 200 at 10 ha/year takes 11 years.
    slow = reach_date(D(50), date(2024, 1, 1), D(10), D("0.8"), land)
    assert slow == date(2035, 1, 1)
    # Land that shrinks brings the date forward: 80 % of 60 ha is 48 ha, held already.
    shrink = [Land(None, date(2025, 1, 1), D(100)), Land(date(2025, 1, 1), None, D(60))]
    assert reach_date(D(50), date(2024, 1, 1), D(1), D("0.8"), shrink) == date(2025, 1, 1)


def test_projected_rate_is_held_within_nothing_and_everything():
    # 50 ha + 10 ha/year for 365.25 days... over 2 years (731 days incl. a leap day).
    assert projected_rate(D(50), date(2024, 1, 1), D(10), date(2026, 1, 1), D(100)) == D("0.7001")
    assert projected_rate(D(90), date(2024, 1, 1), D(50), date(2026, 1, 1), D(100)) == D(1)
    assert projected_rate(D(10), date(2024, 1, 1), D(-50), date(2026, 1, 1), D(100)) == D(0)
    assert projected_rate(D(10), date(2024, 1, 1), None, date(2026, 1, 1), D(100)) is None
    assert projected_rate(D(10), date(2024, 1, 1), D(1), date(2026, 1, 1), D(0)) is None


def test_twelve_month_range_takes_the_slowest_and_fastest_spans():
    points = window_points(date(2024, 6, 30), 24)
    # 1 ha a month for the first year, 3 ha a month for the second.
    leased = [D(k) if k <= 12 else D(12 + 3 * (k - 12)) for k in range(25)]
    spread = twelve_month_range(points, leased, date.min)
    days_first = (points[12] - points[0]).days
    days_last = (points[24] - points[12]).days
    assert spread.low == D(12) * D("365.25") / days_first
    assert spread.high == D(36) * D("365.25") / days_last


def test_a_zone_established_inside_the_window_is_measured_from_its_first_day():
    points = window_points(date(2024, 6, 30), 24)
    leased = [D(0)] * 13 + [D(k) for k in range(1, 13)]
    spread = twelve_month_range(points, leased, since=points[6])
    # Only spans that start on or after month 6: months 6..12 as starts.
    assert spread.low is not None and spread.low < spread.high
    assert twelve_month_range(points, leased, since=points[13]).low is None


def test_summed_land_adds_zones_piece_by_piece():
    a = [Land(None, date(2025, 1, 1), D(100)), Land(date(2025, 1, 1), None, D(120))]
    b = [Land(date(2024, 1, 1), None, D(50))]  # exists from 2024
    total = summed_land([a, b])
    assert [(p.start, p.end, p.area_ha) for p in total] == [
        (None, date(2024, 1, 1), D(100)),
        (date(2024, 1, 1), date(2025, 1, 1), D(150)),
        (date(2025, 1, 1), None, D(170)),
    ]
    assert summed_land([ALWAYS_100, ALWAYS_100]) == [Land(None, None, D(200))]


def test_summed_land_from_the_first_date_there_is():
    a = [Land(date.min, None, D(100))]
    b = [Land(date(2024, 1, 1), None, D(50))]
    assert summed_land([a, b]) == [
        Land(date.min, date(2024, 1, 1), D(100)),
        Land(date(2024, 1, 1), None, D(150)),
    ]


def test_reach_date_near_the_last_date_there_is():
    # 80 ha more at 365.25 ha/year: 80 days on. The horizon (100 years on) is cut at 9999-12-31.
    assert reach_date(D(0), date(9999, 1, 1), D("365.25"), D("0.8"), ALWAYS_100) == date(
        9999, 3, 22
    )
    assert reach_date(D(0), date(9999, 1, 1), D(1), D("0.8"), ALWAYS_100) is None


@pytest.mark.parametrize(
    ("day", "days", "expected"),
    [
        (date(2024, 2, 28), 2, date(2024, 3, 1)),
        (date(9999, 12, 30), 1, date.max),
        (date(9999, 12, 30), 3650, date.max),
        (date.max, 1, date.max),
    ],
)
def test_days_after_stops_at_the_last_date_there_is(day, days, expected):
    assert days_after(day, days) == expected
