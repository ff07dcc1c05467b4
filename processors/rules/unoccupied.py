"""The owner's liability for a dwelling no one lives in, with the council's empty-home discount and premiums.

When the last occupier leaves and no one moves in, the owner is liable (LGFA 1992 s.6(2)(f)) from the day after
the occupier's last day until the day before the next occupier's move-in. While the dwelling is empty:

- the council's empty-home discount (s.11A; class C of the Prescribed Classes of Dwellings Regulations) applies
  for the months it chose, counted from the day the dwelling became empty;
- the long-term empty premium (s.11B) applies once it has been empty a year (two years before 1 April 2024), at
  the highest tier of years reached;
- in counting how long it has been empty, a period of occupation of not more than six weeks is disregarded
  (s.11B(8)): the clock carries on from the empty spell before it (``unoccupied_since_after``).

Each day's terms come from ``unoccupied_periods``, so a later change (the next occupier's move-in, a year not
billed yet) re-derives the same days the same way (``processors/rules/ledger.py``). A premium is its own charge
line beside the band's charge (``processors/rules/charges.py``).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from processors.rules.council import CouncilRules, EmptyHomeRules
from processors.rules.discounts import NO_DISCOUNT, Discount
from processors.rules.instalments import Scheme, instalment_plan
from processors.rules.periods import LiabilityPeriod, lines_for, merged
from processors.rules.review import Review
from schemas.events import EndedAccount, Instalment, LiabilityEnding, LiabilityOpening, OpenAccount, PropertyFacts
from schemas.financial_year import FinancialYear, financial_year_of

ONE_DAY = timedelta(days=1)
# s.11B(8): a period of occupation of not more than six weeks does not restart the clock.
SHORT_OCCUPATION_DAYS = 42
# s.11B(1) before the Levelling-up and Regeneration Act 2023: a premium only after two years empty.
TWO_YEARS = 2

EMPTY_DISCOUNT_CODE = "EMPTY"
LONG_TERM_EMPTY_PREMIUM_CODE = "LTEP"


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later, or that month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def empty_discount(settings: EmptyHomeRules) -> Discount:
    return Discount(EMPTY_DISCOUNT_CODE, settings.discount_percent,
                    f"empty-home discount: {settings.discount_percent}% (unoccupied, s.11A)")


def long_term_premium(percent: int) -> Discount:
    # A premium is a discount below nothing: its line charges the band's charge times the percent on top.
    return Discount(LONG_TERM_EMPTY_PREMIUM_CODE, -percent, f"long-term empty premium: {percent}% (s.11B)")


def _changes(since: date, settings: EmptyHomeRules) -> list[tuple[date, Discount]]:
    """The days the terms change on, from the day the dwelling became empty, each with the terms from then."""
    changes = [(since, NO_DISCOUNT)]
    if settings.discount_percent and settings.discount_months:
        changes = [(since, empty_discount(settings)), (add_months(since, settings.discount_months), NO_DISCOUNT)]
    for years, percent in sorted(settings.long_term_premiums):
        starts = add_years(since, years)
        if years < TWO_YEARS and starts < settings.one_year_premium_from:
            # Before the 2023 Act's change the premium came after two years empty; after one year only from then.
            starts = min(add_years(since, TWO_YEARS), settings.one_year_premium_from)
        changes.append((starts, long_term_premium(percent)))
    changes.sort(key=lambda change: change[0])
    return changes


def unoccupied_periods(
    first_day: date, last_day: date, band: str, since: date, settings: EmptyHomeRules
) -> tuple[LiabilityPeriod, ...]:
    """The owner's periods from ``first_day`` to ``last_day`` for a dwelling empty since ``since``."""
    changes = _changes(since, settings)
    periods: list[LiabilityPeriod] = []
    for index, (starts, discount) in enumerate(changes):
        ends = changes[index + 1][0] - ONE_DAY if index + 1 < len(changes) else last_day
        start, end = max(starts, first_day), min(ends, last_day)
        if start <= end:
            periods.append(LiabilityPeriod(start, end, band, discount))
    return merged(periods)


def unoccupied_since_after(leaver: OpenAccount | None, before: EndedAccount | None, first_day: date) -> date:
    """The day the dwelling counts as empty since, when it is empty from ``first_day``.

    ``first_day`` itself, unless the occupation just ended lasted not more than six weeks and followed straight
    on from an owner's liability for the dwelling empty: then the earlier spell's clock carries on (s.11B(8)).
    """
    if leaver is None or before is None or before.unoccupied_since is None:
        return first_day
    occupied_days = (first_day - leaver.liability_start).days
    if before.liability_end + ONE_DAY == leaver.liability_start and occupied_days <= SHORT_OCCUPATION_DAYS:
        return before.unoccupied_since
    return first_day


def owner_liability_after(
    facts: PropertyFacts, ending: LiabilityEnding, notice: date, rules: CouncilRules
) -> tuple[LiabilityOpening, ...]:
    """The owner's liability from the day after a move-out's last day, when no one is liable from then.

    Nothing when the next occupier's (or the owner's) liability already begins that day; when it begins later (the
    next occupier told us first), the owner's account for the days between, opened and ended at once. Review when
    the register does not know the owner.
    """
    first_day = ending.liability_end + ONE_DAY
    following = facts.open_account
    last_day = None
    if following is not None and following.account_ref != ending.account_ref:
        if following.liability_start <= first_day:
            return ()
        last_day = following.liability_start - ONE_DAY
    if facts.owner_name is None or not facts.owner_name.strip():
        raise Review("owner_unknown",
                     f"No one lives at the property from {first_day.isoformat()} and the register does not name its "
                     "owner, who is liable while it is empty: name the owner to open their account", "owner_name")
    leaver = facts.open_account if last_day is None else None
    since = unoccupied_since_after(leaver, facts.last_ended_account, first_day)
    return (owner_opening(facts, facts.owner_name.strip(), first_day, since, notice, rules, last_day),)


def owner_opening(
    facts: PropertyFacts, owner: str, first_day: date, since: date, notice: date, rules: CouncilRules,
    last_day: date | None = None,
) -> LiabilityOpening:
    """Open the owner's account from ``first_day`` (to ``last_day``, when it is already over), each year billed
    on its own demand (reg. 18(1))."""
    last_year = max(financial_year_of(first_day), financial_year_of(notice))
    periods = unoccupied_periods(first_day, last_day or last_year.end, facts.band, since, rules.empty_homes)
    lines = lines_for(periods, rules)
    instalments: list[Instalment] = []
    for year in range(financial_year_of(first_day).start_year, last_year.start_year + 1):
        charge = sum(line.charge_pence for line in lines if line.financial_year == year)
        instalments.extend(instalment_plan(charge, FinancialYear(year), notice, rules.payment_day,
                                           scheme=Scheme.TEN, policy=rules.small_instalments))
    # The account's own discount is the one it opens with; a premium is never an account's discount.
    opening_terms = periods[0].discount if periods and periods[0].discount.percent > 0 else NO_DISCOUNT
    return LiabilityOpening(
        uprn=facts.uprn, liability_start=first_day, liable_persons=(owner,),
        discount_code=opening_terms.code, discount_percent=opening_terms.percent,
        charges=lines, instalments=tuple(instalments), unoccupied_since=since, liability_end=last_day,
    )
