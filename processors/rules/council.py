"""The per-council figures the rules need (configuration, not code): Band D charges, payment day, windows,
and the council's choices under the instalment regulations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from processors.rules.instalments import SmallInstalmentPolicy
from schemas.financial_year import FinancialYear


class MissingBandDChargeError(LookupError):
    """The council has not configured a Band D charge for a financial year the change touches."""

    def __init__(self, year: FinancialYear) -> None:
        super().__init__(f"No Band D charge is configured for {year.label}; add it to the council's settings")
        self.year = year


@dataclass(frozen=True)
class EmptyHomeRules:
    """The council's decisions for dwellings no one lives in (the owner is liable, LGFA 1992 s.6(2)(f)).

    Defaults: no empty-home discount (most English councils have given none since 2013), and the premiums at
    the statutory maxima most councils adopted: long-term empty 100% after 1 year, 200% after 5, 300% after 10
    (s.11B as amended by the Levelling-up and Regeneration Act 2023), second homes 100% (s.11C).
    """

    discount_percent: int = 0  # s.11A / class C: the discount while the dwelling has been empty a short time
    discount_months: int = 0  # how long from the day it became empty the discount lasts
    # s.11B: (whole years empty, premium percent), the highest tier reached applies.
    long_term_premiums: tuple[tuple[int, int], ...] = ((1, 100), (5, 200), (10, 300))
    # s.11B(1) as amended: a premium after one year applies from 1 April 2024; before then, after two years.
    one_year_premium_from: date = date(2024, 4, 1)
    second_home_premium_percent: int = 100  # s.11C: furnished, no one's main residence
    second_home_premium_from: date = date(2025, 4, 1)


@dataclass(frozen=True)
class CouncilRules:
    """What differs between councils. Amounts in pence; ``band_d_pence`` maps a start year to the charge."""

    council_code: str
    band_d_pence: Mapping[int, int]
    payment_day: int = 1
    move_ahead_days: int = 14
    move_back_days: int = 90
    # SI 1992/613 Sch. 1: where a notice "may" avoid instalments under £5, does this council?
    fold_small_first_instalment: bool = True  # para 2(7): fold the second instalment into a small first
    five_pound_minimum_instalment: bool = True  # para 3: under £10 in one, else at most one per £5
    empty_homes: EmptyHomeRules = field(default_factory=EmptyHomeRules)
    refund_approval_threshold_pence: int = 50000  # a refund above this waits for an officer's approval

    @property
    def small_instalments(self) -> SmallInstalmentPolicy:
        return SmallInstalmentPolicy(self.fold_small_first_instalment, self.five_pound_minimum_instalment)

    def band_d_for(self, year: FinancialYear) -> int:
        try:
            return self.band_d_pence[year.start_year]
        except KeyError:
            raise MissingBandDChargeError(year) from None
