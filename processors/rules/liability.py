"""Who is liable where after a move: liabilities that end (with final bills) and accounts that open.

The kinds of move (processors/rules/kinds/move_in.py, move_out.py, move_within.py) put these together."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from processors.rules.charges import charge_lines
from processors.rules.council import CouncilRules
from processors.rules.discounts import Discount, discount_for
from processors.rules.instalments import PaymentPlanTerms, Scheme, instalment_plan
from processors.rules.ledger import rebilled
from processors.rules.periods import ended_at
from processors.rules.review import Review
from processors.rules.unoccupied import owner_schedule
from schemas.events import (
    EndedAccount,
    Instalment,
    LiabilityEnding,
    LiabilityOpening,
    OpenAccount,
    PropertyFacts,
)
from schemas.financial_year import FinancialYear, day_before, financial_year_of
from schemas.notification import Address, Resident

UK = ZoneInfo("Europe/London")


# A move-out giving a last day within this many days of a newcomer's start, at a property whose previous account
# ended the day before that start, is read as the previous occupier's (late) notification: see
# _late_word_from_the_leaver.
CHAIN_CONFLICT_DAYS = 28


def notice_date_for(submitted_at: datetime) -> date:
    """The demand notice is dated the day the resident told us, in UK time (stable when replayed)."""
    return submitted_at.astimezone(UK).date()


def _mover_ending(
    facts: PropertyFacts, move_date: date, notice: date, rules: CouncilRules, account_reference: str | None,
    forwarding: Address | None, reference: str,
) -> LiabilityEnding:
    """End the mover's liability at the address being left, the day before the move date.

    In a chain (a house sale, a new tenancy) the next occupant's notification may have been processed first and
    ended the mover's liability already, the day before the newcomer's start (DESIGN.md §4). Then this
    notification completes that ending instead of needing a person: it adds the final bill and the forwarding
    address, and, when the mover left earlier than the newcomer arrived, brings the end back to the mover's own
    last day. Only a real conflict (the mover says they stayed on after the newcomer's liability began, or the
    account was ended by something else on another date) goes to review, naming both notifications.
    """
    account = facts.open_account
    last_day = day_before(move_date)
    ended = facts.last_ended_account
    if ended is not None and (account is None or account.liability_start > last_day
                              or _late_word_from_the_leaver(account, ended, last_day, account_reference)):
        return _completed_ending(facts, ended, last_day, notice, rules, account_reference, forwarding, reference)
    if account is None:
        raise Review("no_open_account", "There is no open council-tax account at the address being left", "uprn")
    if account.unoccupied_since is not None:
        raise Review("no_open_account", f"The property is recorded as empty: account {account.account_ref} is the "
                     f"owner's, empty since {account.unoccupied_since.isoformat()}", "uprn")
    _check_account_reference(account.account_ref, account_reference)
    return _ending(facts, move_date, notice, rules, "moved out (resident's notification)", forwarding=forwarding)


def _late_word_from_the_leaver(
    account: OpenAccount, ended: EndedAccount, last_day: date, account_reference: str | None
) -> bool:
    """Whether a move-out more likely comes from the occupier whose liability a newcomer's move-in just ended.

    The account open now followed straight on from the ended one, and began only days before the move-out
    date given: the newcomer leaving again so soon is far less likely than the leaver giving a later date.
    An account reference, when given, settles it.
    """
    if account_reference:
        return account_reference.upper() == ended.account_ref.upper()
    follows_on = account.liability_start == ended.liability_end + timedelta(days=1)
    return follows_on and (last_day - account.liability_start).days < CHAIN_CONFLICT_DAYS


def _completed_ending(
    facts: PropertyFacts, ended: EndedAccount, last_day: date, notice: date, rules: CouncilRules,
    account_reference: str | None, forwarding: Address | None, reference: str,
) -> LiabilityEnding:
    _check_account_reference(ended.account_ref, account_reference)
    by = f"notification {ended.ended_by_reference}" if ended.ended_by_reference else "an earlier change"
    newcomer = facts.open_account
    # The owner's liability for the empty home (processors/rules/unoccupied.py) is no newcomer: it followed this
    # very leaver, and a second word from them with another date is for a person.
    follows_newcomer = (newcomer is not None and newcomer.unoccupied_since is None
                        and newcomer.liability_start == ended.liability_end + timedelta(days=1))
    if last_day > ended.liability_end:
        raise Review(
            "liability_overlaps_next_occupier",
            f"This notification ({reference}) says the liability of account {ended.account_ref} ran to "
            f"{last_day.isoformat()}, but {by} ended it on {ended.liability_end.isoformat()}"
            + (f" when the next occupier's liability began on {newcomer.liability_start.isoformat()}"
               if newcomer is not None and follows_newcomer else ""),
            "move_date",
        )
    if last_day < ended.liability_end and not follows_newcomer:
        raise Review(
            "liability_already_ended",
            f"Account {ended.account_ref} was ended on {ended.liability_end.isoformat()} by {by}; this notification "
            f"({reference}) gives {last_day.isoformat()}",
            "move_date",
        )
    # Its own fields as they are: a dump would rebuild and revalidate the year's ledger it holds.
    account = OpenAccount(**{name: getattr(ended, name) for name in type(ended).model_fields
                             if name not in {"liability_end", "ended_by_reference"}})
    completing = facts.model_copy(update={"open_account": account})
    reason = ("moved out (resident's notification), completing the ending made when the next occupier moved in"
              if follows_newcomer else "moved out (resident's notification), completing an earlier ending")
    return _ending(completing, last_day + timedelta(days=1), notice, rules, reason,
                   forwarding=forwarding, expected_end=ended.liability_end)


def _check_account_reference(account_ref: str, given: str | None) -> None:
    if given and given.upper() != account_ref.upper():
        raise Review(
            "account_reference_mismatch",
            "The account reference given does not match the open account at the address being left",
            "account_reference",
        )


def _previous_occupier_ending(
    facts: PropertyFacts, move_in_date: date, notice: date, rules: CouncilRules, reference: str
) -> tuple[LiabilityEnding, ...]:
    owner = facts.open_account
    # An owner's liability for the empty home beginning after this move-in: the leaver's ending is what overlaps.
    owner_after = owner is not None and owner.unoccupied_since is not None and owner.liability_start > move_in_date
    if facts.open_account is None or owner_after:
        ended = facts.last_ended_account
        if ended is not None and ended.liability_end >= move_in_date:
            by = f"notification {ended.ended_by_reference}" if ended.ended_by_reference else "an earlier change"
            raise Review(
                "liability_overlaps_previous_occupier",
                f"This notification ({reference}) starts liability on {move_in_date.isoformat()}, but {by} ended "
                f"account {ended.account_ref}'s liability on {ended.liability_end.isoformat()}, on or after that day",
                "move_date",
            )
        return ()
    reason = ("new occupier moved in; the owner's liability for the empty dwelling ended"
              if facts.open_account.unoccupied_since is not None
              else "new occupier moved in; previous occupier's liability ended")
    return (_ending(facts, move_in_date, notice, rules, reason),)


def withdrawn_before_start(account: OpenAccount, move_date: date) -> bool:
    """Whether a move-in on ``move_date`` withdraws an owner's liability for the empty dwelling before it ran.

    The leaver's notification came first and made the owner liable from the day after their last day; the
    newcomer moving in that very day means the dwelling was never empty (its account ends the day before it
    began, and charges nothing).
    """
    return account.unoccupied_since is not None and account.liability_start == move_date


def recorded_arrangement(account: OpenAccount, rules: CouncilRules) -> PaymentPlanTerms:
    """The scheme and payment day an account pays by, for its final bill.

    The account keeps the scheme the resident asked for (para 2(3A)) and its payment day (the council's
    unless the resident arranged another).
    """
    return PaymentPlanTerms(Scheme.TWELVE if account.twelve_instalments else Scheme.TEN,
                              account.payment_day or rules.payment_day)


def _ending(
    facts: PropertyFacts, move_date: date, notice: date, rules: CouncilRules, reason: str, *,
    forwarding: Address | None = None, expected_end: date | None = None,
) -> LiabilityEnding:
    assert facts.open_account is not None
    ending = final_bill_ending(facts, move_date, notice, rules, reason,
                               recorded_arrangement(facts.open_account, rules))
    return ending.model_copy(update={"expected_liability_end": expected_end, "forwarding_address": forwarding})


def final_bill_ending(
    facts: PropertyFacts,
    move_date: date,
    notice: date,
    rules: CouncilRules,
    reason: str,
    arrangement: PaymentPlanTerms,
) -> LiabilityEnding:
    """End the open account at ``facts`` the day before ``move_date`` and bill each year the change touches.

    ``balance_pence`` is the latest year's (the notice's year, or the next one for a move notified ahead
    across 1 April); every year's bill is in ``year_bills`` and every year's instalments (each on the
    account's ``arrangement``) in ``instalments``. A negative balance is a credit and has no instalments.
    The years run from the last day's year to the later of the notice's year and the last year the account
    holds (``processors/rules/ledger.py``).
    """
    account = facts.open_account
    assert account is not None
    last_day = day_before(move_date)
    if last_day < account.liability_start and not withdrawn_before_start(account, move_date):
        raise Review(
            "move_before_liability_start",
            f"The move date is on or before the day account {account.account_ref}'s liability began "
            f"({account.liability_start.isoformat()})",
            "move_date",
        )
    # The final bill is the sum over the periods in force up to the last day (their discount history), each
    # year billed on its own revised demand or credit (SI 1992/613 Sch. 1 para 9, reg. 24, reg. 31).
    first = financial_year_of(last_day)
    demands = rebilled(account, facts.band, first, lambda periods: ended_at(periods, last_day), notice,
                       arrangement, rules, owner_schedule(facts, account, rules))
    return LiabilityEnding(
        account_ref=account.account_ref,
        uprn=facts.uprn,
        expected_liability_start=account.liability_start,
        liability_end=last_day,
        reason=reason,
        charges=demands.charges,
        balance_pence=demands.latest.balance_pence,
        instalments=demands.instalments,
        year_bills=demands.year_bills,
    )


def _opening(
    facts: PropertyFacts,
    move_date: date,
    residents: tuple[Resident, ...],
    twelve: bool,
    notice: date,
    rules: CouncilRules,
) -> LiabilityOpening:
    account = facts.open_account
    if account is not None and account.liability_start >= move_date and not withdrawn_before_start(account, move_date):
        raise Review(
            "later_account_exists",
            f"Account {account.account_ref} at this property already starts on "
            f"{account.liability_start.isoformat()}, on or after the move date",
            "move_date",
        )
    discount: Discount = discount_for(residents)
    last_year = max(financial_year_of(move_date), financial_year_of(notice))
    lines = charge_lines(move_date, last_year.end, facts.band, discount, rules)
    # A new account's scheme is what the resident asked for (para 2(3A)); its day is the council's.
    arrangement = PaymentPlanTerms(Scheme.TWELVE if twelve else Scheme.TEN, rules.payment_day)
    instalments: list[Instalment] = []
    for line in lines:  # each year's demand stands alone (reg. 18(1)), each with its own plan
        instalments.extend(
            instalment_plan(line.charge_pence, FinancialYear(line.financial_year), notice,
                            arrangement.payment_day, scheme=arrangement.scheme, policy=rules.small_instalments)
        )
    return LiabilityOpening(
        uprn=facts.uprn,
        liability_start=move_date,
        liable_persons=tuple(r.full_name for r in residents),
        discount_code=discount.code,
        discount_percent=discount.percent,
        charges=lines,
        instalments=tuple(instalments),
        twelve_instalments=twelve,
    )
