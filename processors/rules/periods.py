"""Liability periods: the days an account is liable, each run with the band and the discount or exemption in force.

An account's charge lines are derived from its periods (one line per period per financial year), so a change
re-derives the years it touches from the periods: the days before the change keep the discount they had, the
days from it take the new one, and a final bill is the sum over the periods actually in force up to the last
day (LGFA 1992 s.2: liability is determined day by day; s.11: the discount in force on each day).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from processors.rules.charges import charge_lines, is_premium_line
from processors.rules.council import CouncilRules
from processors.rules.discounts import Discount, discount_from_account
from schemas.events import ChargeLine

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class LiabilityPeriod:
    """Days ``first_day`` to ``last_day`` (inclusive) of liability at one band with one discount or exemption."""

    first_day: date
    last_day: date
    band: str
    discount: Discount

    def same_terms(self, other: LiabilityPeriod) -> bool:
        return (self.band, self.discount.code, self.discount.percent) == (
            other.band, other.discount.code, other.discount.percent)


# The periods for days no charge line covers, from the first such day to the last.
UncoveredDays = Callable[[date, date], Sequence["LiabilityPeriod"]]


def held_periods(
    lines: Iterable[ChargeLine], first_day: date, last_day: date, band: str, current: Discount,
    uncovered: UncoveredDays | None = None,
) -> tuple[LiabilityPeriod, ...]:
    """The periods from ``first_day`` to ``last_day`` as the account's charge lines record them.

    Days no line covers (a year not billed yet, an account seeded without lines) are at the property's ``band``
    with the account's ``current`` discount, or as ``uncovered`` says (an empty dwelling's schedule). A premium's
    own line marks the period of the band's line for the same days as at that premium.
    """
    relevant = [line for line in lines if line.period_end >= first_day and line.period_start <= last_day]
    premiums = {(line.period_start, line.period_end): line for line in relevant if is_premium_line(line)}
    held = sorted((line for line in relevant if not is_premium_line(line)), key=lambda line: line.period_start)

    def gap(start: date, end: date) -> Sequence[LiabilityPeriod]:
        return uncovered(start, end) if uncovered else (LiabilityPeriod(start, end, band, current),)

    periods: list[LiabilityPeriod] = []
    day = first_day
    for line in held:
        start = max(line.period_start, first_day)
        if start < day:  # overlapping lines (never written by us): the earlier one stands
            start = day
        if start > day:
            periods.extend(gap(day, start - ONE_DAY))
        end = min(line.period_end, last_day)
        if end >= start:
            marked = premiums.get((line.period_start, line.period_end), line)
            periods.append(LiabilityPeriod(start, end, line.band,
                                           discount_from_account(marked.discount_code, marked.discount_percent)))
            day = end + ONE_DAY
    if day <= last_day:
        periods.extend(gap(day, last_day))
    return merged(periods)


def merged(periods: Sequence[LiabilityPeriod]) -> tuple[LiabilityPeriod, ...]:
    """Join runs of consecutive days on the same terms: one period per run, as a demand notice shows them."""
    out: list[LiabilityPeriod] = []
    for period in periods:
        if out and out[-1].last_day + ONE_DAY == period.first_day and out[-1].same_terms(period):
            out[-1] = replace(out[-1], last_day=period.last_day)
        else:
            out.append(period)
    return tuple(out)


def changed_from(
    periods: Sequence[LiabilityPeriod], day: date, band: str, discount: Discount
) -> tuple[LiabilityPeriod, ...]:
    """The periods with ``discount`` (at ``band``) in force from ``day`` to the last day they cover.

    A change decides the discount from its date on, whatever earlier notifications said for the days after it.
    """
    if not periods:
        return ()
    last = periods[-1].last_day
    kept = ended_at(periods, day - ONE_DAY)
    return merged((*kept, LiabilityPeriod(day, last, band, discount))) if day <= last else tuple(kept)


def ended_at(periods: Sequence[LiabilityPeriod], last_day: date) -> tuple[LiabilityPeriod, ...]:
    """The periods up to and including ``last_day``."""
    return tuple(replace(p, last_day=min(p.last_day, last_day)) for p in periods if p.first_day <= last_day)


def lines_for(periods: Iterable[LiabilityPeriod], rules: CouncilRules) -> tuple[ChargeLine, ...]:
    """The charge lines of the periods: one per period per financial year, apportioned day by day."""
    return tuple(line for p in periods for line in charge_lines(p.first_day, p.last_day, p.band, p.discount, rules))
