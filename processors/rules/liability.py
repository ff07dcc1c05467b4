"""Work out who is liable where after a move, and the revised charges and instalments: the assess stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from processors.rules.charges import ChargeInputError, charge_lines
from processors.rules.council import CouncilRules, MissingBandDChargeError
from processors.rules.discounts import Discount, discount_for, discount_from_account
from processors.rules.final_bills import EndedLiability, final_bills
from processors.rules.financial_year import FinancialYear, day_before, financial_year_of
from processors.rules.instalments import PaymentArrangement, Scheme, instalment_plan
from schemas.events import (
    AccountChange,
    Instalment,
    LiabilityEnding,
    LiabilityOpening,
    OpenAccount,
    PropertyFacts,
    Reason,
    StageTimings,
    ValidatedNotification,
)
from schemas.notification import MoveIn, MoveOut, MoveWithin, Resident

UK = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class NeedsReview:
    """The rules cannot settle this change by themselves; ``reasons`` say what a person must decide."""

    reasons: tuple[Reason, ...]


class _Review(Exception):  # noqa: N818 - internal control flow, always turned into NeedsReview
    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.reason = Reason(code=code, field=field, message=message)


def notice_date_for(submitted_at: datetime) -> date:
    """The demand notice is dated the day the resident told us, in UK time (stable when replayed)."""
    return submitted_at.astimezone(UK).date()


def assess(validated: ValidatedNotification, rules: CouncilRules, assessed_at: datetime) -> AccountChange | NeedsReview:
    """Return the account changes a validated move notification causes, or why a person must decide."""
    notification = validated.notification
    change = notification.change
    notice = notice_date_for(notification.submitted_at)
    endings: tuple[LiabilityEnding, ...]
    openings: tuple[LiabilityOpening, ...]
    try:
        if isinstance(change, MoveIn):
            endings = _previous_occupier_ending(validated.facts_for(change.uprn), change.move_in_date, notice, rules)
            openings = (_opening(validated.facts_for(change.uprn), change.move_in_date, change.residents,
                                 change.twelve_instalments, notice, rules),)
        elif isinstance(change, MoveOut):
            endings = (_mover_ending(validated.facts_for(change.uprn), change.move_out_date, notice, rules,
                                     change.account_reference),)
            openings = ()
        else:
            assert isinstance(change, MoveWithin)
            endings = (
                _mover_ending(validated.facts_for(change.from_uprn), change.move_date, notice, rules, None),
                *_previous_occupier_ending(validated.facts_for(change.to_uprn), change.move_date, notice, rules),
            )
            openings = (_opening(validated.facts_for(change.to_uprn), change.move_date, change.residents,
                                 change.twelve_instalments, notice, rules),)
    except _Review as review:
        return NeedsReview((review.reason,))
    except MissingBandDChargeError as missing:
        return NeedsReview((Reason(code="band_d_charge_missing", message=str(missing)),))
    except ChargeInputError as impossible:  # an unknown band, a discount outside 0-100%: a register value
        return NeedsReview((Reason(code=impossible.code, field=impossible.field, message=str(impossible)),))
    return AccountChange(
        notification_id=notification.notification_id,
        reference=notification.reference,
        council_code=notification.council_code,
        kind=notification.kind,
        notice_date=notice,
        change_fingerprint=notification.change_fingerprint,
        endings=endings,
        openings=openings,
        timings=StageTimings(**{**validated.timings.model_dump(), "assessed_at": assessed_at}),
    )


def _mover_ending(
    facts: PropertyFacts, move_date: date, notice: date, rules: CouncilRules, account_reference: str | None
) -> LiabilityEnding:
    account = facts.open_account
    if account is None:
        raise _Review("no_open_account", "There is no open council-tax account at the address being left", "uprn")
    if account_reference and account_reference.upper() != account.account_ref.upper():
        raise _Review(
            "account_reference_mismatch",
            "The account reference given does not match the open account at the address being left",
            "account_reference",
        )
    return _ending(facts, move_date, notice, rules, "moved out (resident's notification)")


def _previous_occupier_ending(
    facts: PropertyFacts, move_in_date: date, notice: date, rules: CouncilRules
) -> tuple[LiabilityEnding, ...]:
    if facts.open_account is None:
        return ()
    return (_ending(facts, move_in_date, notice, rules, "new occupier moved in; previous occupier's liability ended"),)


def recorded_arrangement(account: OpenAccount, rules: CouncilRules) -> PaymentArrangement:
    """The scheme and payment day an account pays by, for its final bill.

    ``OpenAccount`` does not record them yet (a schema change), so every account is taken to pay 10
    instalments on the council's payment day; once it does, read them here and nowhere else.
    """
    del account  # becomes PaymentArrangement(Scheme(account.instalment_scheme), account.payment_day)
    return PaymentArrangement(Scheme.TEN, rules.payment_day)


def recorded_payments(account: OpenAccount, notice: date) -> dict[int, int]:
    """What the account says was paid towards each financial year: today only the notice's year."""
    return {financial_year_of(notice).start_year: account.paid_this_year_pence}


def _ending(facts: PropertyFacts, move_date: date, notice: date, rules: CouncilRules, reason: str) -> LiabilityEnding:
    assert facts.open_account is not None
    return final_bill_ending(facts, move_date, notice, rules, reason, recorded_arrangement(facts.open_account, rules))


def final_bill_ending(
    facts: PropertyFacts,
    move_date: date,
    notice: date,
    rules: CouncilRules,
    reason: str,
    arrangement: PaymentArrangement,
) -> LiabilityEnding:
    """End the open account at ``facts`` the day before ``move_date`` and bill each year the change touches.

    The event carries one balance: the latest year's (the notice's year, or the next one for a move
    notified ahead across 1 April), with that year's plan on the account's ``arrangement``. A negative
    balance is a credit and has no instalments. Earlier years' revised charges are in ``charges``; their
    own balances (``final_bills``) need a schema field to travel.
    """
    account = facts.open_account
    assert account is not None
    last_day = day_before(move_date)
    if last_day < account.liability_start:
        raise _Review(
            "move_before_liability_start",
            f"The move date is on or before the day account {account.account_ref}'s liability began "
            f"({account.liability_start.isoformat()})",
            "move_date",
        )
    discount = discount_from_account(account.discount_code, account.discount_percent)
    bills = final_bills(
        EndedLiability(liability_start=account.liability_start, last_day=last_day, band=facts.band,
                       discount=discount, arrangement=arrangement,
                       paid_by_year=recorded_payments(account, notice)),
        notice, rules)
    latest = bills[-1]
    return LiabilityEnding(
        account_ref=account.account_ref,
        uprn=facts.uprn,
        expected_liability_start=account.liability_start,
        liability_end=last_day,
        reason=reason,
        charges=tuple(line for bill in bills for line in bill.charges),
        balance_pence=latest.balance_pence,
        instalments=latest.instalments,
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
    if account is not None and account.liability_start >= move_date:
        raise _Review(
            "later_account_exists",
            f"Account {account.account_ref} at this property already starts on "
            f"{account.liability_start.isoformat()}, on or after the move date",
            "move_date",
        )
    discount: Discount = discount_for(residents)
    last_year = max(financial_year_of(move_date), financial_year_of(notice))
    lines = charge_lines(move_date, last_year.end, facts.band, discount, rules)
    # A new account's scheme is what the resident asked for (para 2(3A)); its day is the council's.
    arrangement = PaymentArrangement(Scheme.TWELVE if twelve else Scheme.TEN, rules.payment_day)
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
    )
