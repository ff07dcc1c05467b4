"""Band charges and daily apportionment of a liability period over the financial year."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from processors.rules.council import CouncilRules
from processors.rules.discounts import Discount
from processors.rules.money import round_half_up
from schemas.events import ChargeLine
from schemas.financial_year import financial_years_between

# Each band's charge as ninths of Band D (Local Government Finance Act 1992, s.5).
BAND_NINTHS: dict[str, int] = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11, "F": 13, "G": 15, "H": 18}


class UnknownBandError(ValueError):
    def __init__(self, band: str) -> None:
        super().__init__(f"Valuation band {band!r} is not one of A to H")


def annual_band_charge(band_d_pence: int, band: str) -> int:
    """Return the year's charge for a band, to the penny, from the Band D charge."""
    if band not in BAND_NINTHS:
        raise UnknownBandError(band)
    return round_half_up(Fraction(band_d_pence * BAND_NINTHS[band], 9))


def apportioned_charge(annual_pence: int, days: int, days_in_year: int, discount_percent: int) -> int:
    """Return the charge for ``days`` of liability: annual x days / days in year, less the discount."""
    exact = Fraction(annual_pence * days, days_in_year) * Fraction(100 - discount_percent, 100)
    return round_half_up(exact)


def charge_lines(
    first_day: date, last_day: date, band: str, discount: Discount, rules: CouncilRules
) -> tuple[ChargeLine, ...]:
    """Return one charge line per financial year for a liability from ``first_day`` to ``last_day``."""
    lines = []
    for year in financial_years_between(first_day, last_day):
        start = max(first_day, year.start)
        end = min(last_day, year.end)
        days = (end - start).days + 1
        annual = annual_band_charge(rules.band_d_for(year), band)
        lines.append(
            ChargeLine(
                financial_year=year.start_year,
                period_start=start,
                period_end=end,
                days=days,
                band=band,
                annual_charge_pence=annual,
                discount_code=discount.code,
                discount_percent=discount.percent,
                charge_pence=apportioned_charge(annual, days, year.days, discount.percent),
            )
        )
    return tuple(lines)
