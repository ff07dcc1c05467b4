"""The terms each day of an empty home's liability carries: the council's empty-home discount or a premium.

- Unfurnished (an empty home): the council's discount (s.11A; class C) for the months it chose from the day the
  dwelling became empty; the long-term empty premium (s.11B) once it has been empty a year (two years before
  1 April 2024), at the highest tier of years reached.
- Substantially furnished and no one's main residence (a second home): the second homes premium (s.11C) from the
  day the council's determination took effect (not before 1 April 2025), with no empty-home discount.
- A statutory exception (the Council Tax (Prescribed Classes of Dwellings) (England) Regulations as amended in
  2024, classes E to M) takes the premium off while it lasts: classes F, G, H and L for 12 months from the day
  they began, the others while the register records them.

A premium is a discount below nothing (``-100`` is a 100% premium): its own charge line beside the band's
charge for the same days (``processors/rules/charges.py``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from processors.rules.charges import ChargeInputError
from processors.rules.council import EmptyHomeRules
from processors.rules.discounts import NO_DISCOUNT, Discount
from processors.rules.periods import LiabilityPeriod, merged

ONE_DAY = timedelta(days=1)
# s.11B(1) before the Levelling-up and Regeneration Act 2023: a premium only after two years empty.
TWO_YEARS = 2
EXCEPTION_MONTHS = 12

EMPTY_DISCOUNT_CODE = "EMPTY"
LONG_TERM_EMPTY_PREMIUM_CODE = "LTEP"
SECOND_HOME_PREMIUM_CODE = "SHP"


class Premium(Enum):
    LONG_TERM_EMPTY = "long-term empty (s.11B)"
    SECOND_HOME = "second home (s.11C)"


@dataclass(frozen=True)
class PremiumException:
    """One class of the statutory exceptions: which premiums it takes off, and for how long."""

    code: str
    description: str
    premiums: frozenset[Premium]
    months: int | None  # None: while the register records it


_BOTH = frozenset(Premium)
EXCEPTIONS = {e.code: e for e in (
    PremiumException("E", "an annex forming part of the main dwelling", frozenset({Premium.SECOND_HOME}), None),
    PremiumException("F", "actively marketed for sale", _BOTH, EXCEPTION_MONTHS),
    PremiumException("G", "actively marketed for let", _BOTH, EXCEPTION_MONTHS),
    PremiumException("H", "probate: within 12 months of the grant", _BOTH, EXCEPTION_MONTHS),
    PremiumException("I", "job-related dwelling", frozenset({Premium.SECOND_HOME}), None),
    PremiumException("J", "a pitch or mooring", frozenset({Premium.SECOND_HOME}), None),
    PremiumException("K", "a seasonal home whose planning permission bars year-round use",
                     frozenset({Premium.SECOND_HOME}), None),
    PremiumException("L", "empty for major repairs or structural alteration", frozenset({Premium.LONG_TERM_EMPTY}),
                     EXCEPTION_MONTHS),
    PremiumException("M", "armed forces accommodation", _BOTH, None),
)}


class UnknownPremiumExceptionError(ChargeInputError):
    """The register records an exception class the rules do not know: a person must look."""

    def __init__(self, code: str) -> None:
        super().__init__("premium_exception_unknown", "premium_exception",
                         f"Premium exception class {code!r} is not one of E to M: check the property's register entry")


@dataclass(frozen=True)
class EmptyHome:
    """What decides an empty home's terms: since when it is empty, whether furnished, any exception."""

    since: date
    furnished: bool = False
    exception: str | None = None
    exception_from: date | None = None

    def exception_class(self) -> PremiumException | None:
        if self.exception is None:
            return None
        try:
            return EXCEPTIONS[self.exception]
        except KeyError:
            raise UnknownPremiumExceptionError(self.exception) from None

    def excepted(self, day: date, premium: Premium) -> bool:
        found = self.exception_class()
        if found is None or premium not in found.premiums:
            return False
        began = self.exception_from or self.since
        return began <= day and (found.months is None or day < add_months(began, found.months))


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later, or that month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def empty_discount(settings: EmptyHomeRules) -> Discount:
    return Discount(EMPTY_DISCOUNT_CODE, settings.discount_percent,
                    f"empty-home discount: {settings.discount_percent}% (s.11A)")


def premium(code: str, percent: int, which: Premium) -> Discount:
    return Discount(code, -percent, f"{which.value} premium: {percent}%")


def _tier_starts(home: EmptyHome, settings: EmptyHomeRules) -> list[tuple[date, int]]:
    """When each long-term empty tier begins, with its percent."""
    tiers = []
    for years, percent in sorted(settings.long_term_premiums):
        starts = add_years(home.since, years)
        if years < TWO_YEARS and starts < settings.one_year_premium_from:
            # Before the 2023 Act's change the premium came after two years empty; after one year only from then.
            starts = min(add_years(home.since, TWO_YEARS), settings.one_year_premium_from)
        tiers.append((starts, percent))
    return tiers


def terms_on(day: date, home: EmptyHome, settings: EmptyHomeRules) -> Discount:
    """The discount or premium of one day of the owner's liability."""
    if home.furnished:
        if (settings.second_home_premium_percent and day >= settings.second_home_premium_from
                and not home.excepted(day, Premium.SECOND_HOME)):
            return premium(SECOND_HOME_PREMIUM_CODE, settings.second_home_premium_percent, Premium.SECOND_HOME)
        return NO_DISCOUNT
    reached = [percent for starts, percent in _tier_starts(home, settings) if starts <= day]
    if reached and reached[-1] and not home.excepted(day, Premium.LONG_TERM_EMPTY):
        return premium(LONG_TERM_EMPTY_PREMIUM_CODE, reached[-1], Premium.LONG_TERM_EMPTY)
    if settings.discount_percent and day < add_months(home.since, settings.discount_months):
        return empty_discount(settings)
    return NO_DISCOUNT


def _turning_days(home: EmptyHome, settings: EmptyHomeRules) -> set[date]:
    """Every day the terms can change on."""
    days = {home.since, add_months(home.since, settings.discount_months), settings.second_home_premium_from}
    days |= {starts for starts, _ in _tier_starts(home, settings)}
    found = home.exception_class()
    if found is not None:
        began = home.exception_from or home.since
        days.add(began)
        if found.months is not None:
            days.add(add_months(began, found.months))
    return days


def unoccupied_periods(
    first_day: date, last_day: date, band: str, home: EmptyHome, settings: EmptyHomeRules
) -> tuple[LiabilityPeriod, ...]:
    """The owner's periods from ``first_day`` to ``last_day``, each with the day's terms."""
    starts = sorted({first_day} | {day for day in _turning_days(home, settings) if first_day < day <= last_day})
    ends = [day - ONE_DAY for day in starts[1:]] + [last_day]
    return merged([LiabilityPeriod(start, end, band, terms_on(start, home, settings))
                   for start, end in zip(starts, ends, strict=True)])
