"""Pure arithmetic of occupancy and achievement: exact decimals in, rounded rates out. No I/O.

Every rate the service returns is computed by `rate`, so the rounding rule (half-up to four
decimal places, None when the denominator is zero) lives in one place.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

RATE_PLACES = Decimal("0.0001")
ZERO = Decimal(0)


def round_rate(value: Decimal) -> Decimal:
    return value.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator rounded half-up to 4 places; None when there is no denominator."""
    if denominator == 0:
        return None
    return round_rate(Decimal(numerator) / Decimal(denominator))


def mean_rate(rates: Iterable[Decimal | None]) -> Decimal | None:
    """Plain mean of zone rates, zones without a rate left out; rounded like every rate.

    The mean is taken of the unrounded ratios' rounded values as published per zone, so a
    reader can reproduce it from the rows of a report.
    """
    present = [r for r in rates if r is not None]
    if not present:
        return None
    return round_rate(sum(present, ZERO) / len(present))


@dataclass(frozen=True, slots=True)
class Occupancy:
    """Leasable and leased land of one zone, or summed over several, on one date."""

    industrial_land_ha: Decimal
    leased_industrial_ha: Decimal
    service_land_ha: Decimal
    leased_service_ha: Decimal

    @property
    def available_ha(self) -> Decimal:
        return (
            self.industrial_land_ha
            + self.service_land_ha
            - self.leased_industrial_ha
            - self.leased_service_ha
        )

    @property
    def occupancy_rate(self) -> Decimal | None:
        """National-statistics basis: leased industrial / industrial land."""
        return rate(self.leased_industrial_ha, self.industrial_land_ha)

    @property
    def occupancy_rate_incl_service(self) -> Decimal | None:
        """Decree 35/2022 basis: industrial plus service land on both sides."""
        return rate(
            self.leased_industrial_ha + self.leased_service_ha,
            self.industrial_land_ha + self.service_land_ha,
        )

    def __add__(self, other: "Occupancy") -> "Occupancy":
        return Occupancy(
            self.industrial_land_ha + other.industrial_land_ha,
            self.leased_industrial_ha + other.leased_industrial_ha,
            self.service_land_ha + other.service_land_ha,
            self.leased_service_ha + other.leased_service_ha,
        )


EMPTY = Occupancy(ZERO, ZERO, ZERO, ZERO)


def total(parts: Iterable[Occupancy]) -> Occupancy:
    return sum(parts, EMPTY)


def achievement(actual: Decimal | None, target: Decimal | None) -> Decimal | None:
    """actual / target, rounded like a rate; None when either is missing or the target is 0."""
    if actual is None or target is None:
        return None
    return rate(actual, target)


# Whole square metres and rate units ------------------------------------------------------
#
# Areas are stored as whole square metres, so reports over thousands of zones add integers
# and round with integer arithmetic instead of building a Decimal per figure. The rule is the
# same as `rate` and `mean_rate` above (half-up to 4 places, None without a denominator);
# tests/test_occupancy_math.py holds the two to the same answers.

M2_PER_HA = 10_000
RATE_UNITS = 10_000  # a rate of 1 is 10,000 units: four decimal places


def rate_units(numerator: int, denominator: int) -> int | None:
    """numerator / denominator in 1/10,000ths, rounded half-up (both non-negative)."""
    if denominator == 0:
        return None
    return (2 * numerator * RATE_UNITS + denominator) // (2 * denominator)


def mean_units(rates: Iterable[int | None]) -> int | None:
    """The plain mean of rates in units, those without a rate left out, rounded half-up."""
    present = [r for r in rates if r is not None]
    if not present:
        return None
    return (2 * sum(present) + len(present)) // (2 * len(present))


def scaled_number(value: int | None, scale: int) -> int | float | None:
    """An exact decimal held as value / scale, as a JSON number: integral values as integers,
    others as the float that reads back as the same decimal (scale is a power of ten)."""
    if value is None:
        return None
    return value // scale if value % scale == 0 else value / scale
