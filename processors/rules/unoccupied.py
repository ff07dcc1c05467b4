"""The owner's liability for a dwelling no one lives in, with the council's empty-home discount and premiums.

When the last occupier leaves and no one moves in, the owner is liable (LGFA 1992 s.6(2)(f)) from the day after
the occupier's last day until the day before the next occupier's move-in. While the dwelling is empty:

each day carries the council's empty-home discount or a premium (``processors/rules/empty_home_terms.py``),
counted from the day the dwelling became empty. In counting how long it has been empty, a period of occupation of
not more than six weeks is disregarded (s.11B(8)): the clock carries on from the empty spell before it
(``unoccupied_since_after``).

The same schedule gives the days a later change re-bills that the account's lines do not cover (the next
occupier's move-in in a year not billed yet: ``owner_schedule``).
"""

from __future__ import annotations

from datetime import date, timedelta

from processors.rules.council import CouncilRules
from processors.rules.discounts import NO_DISCOUNT
from processors.rules.empty_home_terms import EmptyHome, unoccupied_periods
from processors.rules.instalments import Scheme, instalment_plan
from processors.rules.periods import LiabilityPeriod, UncoveredDays, lines_for
from processors.rules.review import Review
from schemas.events import EndedAccount, Instalment, LiabilityEnding, LiabilityOpening, OpenAccount, PropertyFacts
from schemas.financial_year import FinancialYear, financial_year_of

ONE_DAY = timedelta(days=1)
# s.11B(8): a period of occupation of not more than six weeks does not restart the clock.
SHORT_OCCUPATION_DAYS = 42


def empty_home(facts: PropertyFacts, since: date) -> EmptyHome:
    """The register's facts that decide the owner's terms, for a dwelling empty since ``since``."""
    return EmptyHome(since, facts.furnished, facts.premium_exception, facts.premium_exception_from)


def owner_schedule(facts: PropertyFacts, account: OpenAccount, rules: CouncilRules) -> UncoveredDays | None:
    """For an owner's account for the empty home, its terms on days its charge lines do not cover; else None."""
    since = account.unoccupied_since
    if since is None:
        return None
    home = empty_home(facts, since)

    def uncovered(first_day: date, last_day: date) -> tuple[LiabilityPeriod, ...]:
        return unoccupied_periods(first_day, last_day, facts.band, home, rules.empty_homes)
    return uncovered


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
    facts: PropertyFacts, ending: LiabilityEnding, notice: date, rules: CouncilRules, named: str | None = None,
    *, named_first: bool = False,
) -> tuple[LiabilityOpening, ...]:
    """The owner's liability from the day after a move-out's last day, when no one is liable from then.

    Nothing when the next occupier's (or the owner's) liability already begins that day; when it begins later (the
    next occupier told us first), the owner's account for the days between, opened and ended at once. Review when
    the register does not know the owner and the notification names no landlord or agent (``named``: the
    resident's answer, a landlord's own row, or an officer's correction). An officer's naming (``named_first``)
    corrects the register's.
    """
    first_day = ending.liability_end + ONE_DAY
    following = facts.open_account
    last_day = None
    if following is not None and following.account_ref != ending.account_ref:
        if following.liability_start <= first_day:
            return ()
        last_day = following.liability_start - ONE_DAY
    registered, told = (facts.owner_name or "").strip(), (named or "").strip()
    owner = (told or registered) if named_first else (registered or told)
    if not owner:
        raise Review("owner_unknown",
                     f"No one lives at the property from {first_day.isoformat()} and the register does not name its "
                     "owner, who is liable while it is empty: name the owner (or their letting agent) to open "
                     "their account", "landlord_name")
    leaver = facts.open_account if last_day is None else None
    since = unoccupied_since_after(leaver, facts.last_ended_account, first_day)
    return (owner_opening(facts, owner, first_day, since, notice, rules, last_day),)


def owner_opening(
    facts: PropertyFacts, owner: str, first_day: date, since: date, notice: date, rules: CouncilRules,
    last_day: date | None = None,
) -> LiabilityOpening:
    """Open the owner's account from ``first_day`` (to ``last_day``, when it is already over), each year billed
    on its own demand (reg. 18(1))."""
    last_year = max(financial_year_of(first_day), financial_year_of(notice))
    periods = unoccupied_periods(first_day, last_day or last_year.end, facts.band, empty_home(facts, since),
                                 rules.empty_homes)
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
