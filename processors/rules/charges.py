"""Band charges and daily apportionment of a liability period over the financial year."""

from __future__ import annotations

from datetime import date

from processors.rules.council import CouncilRules
from processors.rules.discounts import Discount
from processors.rules.money import divide_half_up
from schemas.events import ChargeLine
from schemas.financial_year import financial_years_between

# Each band's charge as ninths of Band D (Local Government Finance Act 1992, s.5).
BAND_NINTHS: dict[str, int] = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11, "F": 13, "G": 15, "H": 18}


class ChargeInputError(ValueError):
    """A figure a charge is worked from is impossible (usually a register or account value): a person must look.

    ``code`` is the review reason code the assess stage gives, ``field`` the figure at fault.
    """

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


class UnknownBandError(ChargeInputError):
    def __init__(self, band: str) -> None:
        super().__init__("band_unknown", "band",
                         f"Valuation band {band!r} is not one of A to H: check the property's band in the register")


def annual_band_charge(band_d_pence: int, band: str) -> int:
    """Return the year's charge for a band, to the penny, from the Band D charge."""
    if band not in BAND_NINTHS:
        raise UnknownBandError(band)
    return divide_half_up(band_d_pence * BAND_NINTHS[band], 9)


def apportioned_charge(annual_pence: int, days: int, days_in_year: int, discount_percent: int) -> int:
    """Return the charge for ``days`` of liability: annual x days / days in year, less the discount.

    Refuses (``ChargeInputError``) figures that would give a negative or inflated charge: a negative annual
    charge, days outside 0..days in the year, or a discount outside 0-100% (LGFA 1992 s.11: a discount
    reduces the amount, at most to nil under an exemption).
    """
    if annual_pence < 0:
        raise ChargeInputError("annual_charge_invalid", "annual_charge",
                               f"The annual charge cannot be negative (got {annual_pence} pence)")
    if days_in_year <= 0 or not 0 <= days <= days_in_year:
        raise ChargeInputError("liability_days_invalid", "days",
                               f"{days} days of liability in a year of {days_in_year} days is impossible")
    if not 0 <= discount_percent <= 100:
        raise ChargeInputError("discount_out_of_range", "discount_percent",
                               f"A discount of {discount_percent}% is outside 0-100%: check the account's discount")
    return divide_half_up(annual_pence * days * (100 - discount_percent), days_in_year * 100)


def premium_charge(annual_pence: int, days: int, days_in_year: int, premium_percent: int) -> int:
    """Return a premium for ``days`` (LGFA 1992 s.11B, s.11C): annual x days / days in year x the premium percent."""
    if premium_percent < 0:
        raise ChargeInputError("premium_out_of_range", "premium_percent",
                               f"A premium of {premium_percent}% is impossible: check the council's settings")
    return divide_half_up(annual_pence * days * premium_percent, days_in_year * 100)


def is_premium_line(line: ChargeLine) -> bool:
    """A premium's own line: its ``discount_percent`` is the premium, negated (a -100% discount)."""
    return line.discount_percent < 0


def charge_lines(
    first_day: date, last_day: date, band: str, discount: Discount, rules: CouncilRules
) -> tuple[ChargeLine, ...]:
    """Return one charge line per financial year for a liability from ``first_day`` to ``last_day``.

    A premium (a discount below 0%: ``processors/rules/unoccupied.py``) is its own line beside the band's charge
    for the same days, so a demand notice shows it apart.
    """
    lines = []
    for year in financial_years_between(first_day, last_day):
        start = max(first_day, year.start)
        end = min(last_day, year.end)
        days = (end - start).days + 1
        annual = annual_band_charge(rules.band_d_for(year), band)
        period = {"financial_year": year.start_year, "period_start": start, "period_end": end, "days": days,
                  "band": band, "annual_charge_pence": annual}
        if discount.percent < 0:
            lines.append(ChargeLine(**period, discount_code=None, discount_percent=0,
                                    charge_pence=apportioned_charge(annual, days, year.days, 0)))
            lines.append(ChargeLine(**period, discount_code=discount.code, discount_percent=discount.percent,
                                    charge_pence=premium_charge(annual, days, year.days, -discount.percent)))
        else:
            lines.append(ChargeLine(**period, discount_code=discount.code, discount_percent=discount.percent,
                                    charge_pence=apportioned_charge(annual, days, year.days, discount.percent)))
    return tuple(lines)
