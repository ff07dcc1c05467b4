"""The owner's liability for an empty home: each rule checked against a calculation written out in the test.

The expected amounts are worked here in ``Decimal`` pounds from the law (the band's ninths of Band D, days over the
days of the financial year, the discount or premium percent), not with ``processors.rules``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from processors.rules.assessment import assess
from processors.rules.council import CouncilRules, EmptyHomeRules
from processors.rules.empty_home_terms import EmptyHome, unoccupied_periods
from processors.rules.periods import LiabilityPeriod, lines_for
from processors.rules.review import NeedsReview
from schemas.events import AccountChange, ChargeLine, EndedAccount, LiabilityOpening, OpenAccount, PropertyFacts
from tests.builders import OWNER, RULES, facts, move_in, move_out, notification, open_account, validated

NINTHS = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11}
BAND_D = {2023: Decimal("2070.00"), 2024: Decimal("2171.00"), 2025: Decimal("2280.00"), 2026: Decimal("2394.00")}


def pence(start: date, end: date, band: str, percent_of_charge: int) -> int:
    """``percent_of_charge`` of the band's charge for ``start`` to ``end`` (one financial year), in pence."""
    year = start.year if start.month >= 4 else start.year - 1
    days_in_year = (date(year + 1, 4, 1) - date(year, 4, 1)).days
    annual = (BAND_D[year] * NINTHS[band] / 9).quantize(Decimal("0.01"), ROUND_HALF_UP)
    amount = annual * ((end - start).days + 1) / days_in_year * percent_of_charge / 100
    return int((amount * 100).quantize(Decimal("1"), ROUND_HALF_UP))


def assessed(change: dict[str, Any], *props: PropertyFacts, submitted: datetime,
             rules: CouncilRules = RULES) -> AccountChange:
    result = assess(validated(notification(change, submitted_at=submitted), *props), rules, submitted)
    assert isinstance(result, AccountChange), result
    return result


def as_open(opening: LiabilityOpening, ref: str = "000000009") -> OpenAccount:
    """The owner's account as the back office would hold it once opened."""
    return OpenAccount(account_ref=ref, liability_start=opening.liability_start, discount_code=opening.discount_code,
                       discount_percent=opening.discount_percent, liable_persons=opening.liable_persons,
                       charges=opening.charges, instalments=opening.instalments,
                       unoccupied_since=opening.unoccupied_since)


def lines_of(charges: Iterable[ChargeLine]) -> list[tuple[date, date, str | None, int, int]]:
    return [(c.period_start, c.period_end, c.discount_code, c.discount_percent, c.charge_pence) for c in charges]


def test_the_owner_is_liable_from_the_move_date_and_the_move_in_ends_it_across_a_year_boundary() -> None:
    tenant = open_account(start=date(2022, 5, 1))
    left = assessed(move_out(move_date=date(2025, 3, 1)), facts(band="B", open_account=tenant),
                    submitted=datetime(2025, 3, 3, 10, tzinfo=UTC))
    (owner,) = left.openings
    assert (owner.liability_start, owner.liable_persons, owner.unoccupied_since) == (
        date(2025, 3, 1), (OWNER,), date(2025, 3, 1))
    # 1 to 31 March 2025 at band B with no discount (the default: no empty-home discount).
    assert lines_of(owner.charges) == [(date(2025, 3, 1), date(2025, 3, 31), None, 0,
                                        pence(date(2025, 3, 1), date(2025, 3, 31), "B", 100))]
    assert sum(i.amount_pence for i in owner.instalments) == owner.charges[0].charge_pence
    # The next occupier moves in on 1 June 2025, told on 10 June: the owner's liability ends on 31 May, and each
    # year is billed on its own, 2025/26 from the empty-home schedule (no line of the account covers it).
    arrived = assessed(move_in(move_date=date(2025, 6, 1)),
                       facts(band="B", open_account=as_open(owner)), submitted=datetime(2025, 6, 10, 9, tzinfo=UTC))
    (ending,) = arrived.endings
    assert (ending.account_ref, ending.liability_end) == ("000000009", date(2025, 5, 31))
    assert "owner's liability for the empty dwelling ended" in ending.reason
    # 2024/25 stands as billed; 2025/26 is the owner's final bill, 1 April to 31 May.
    assert lines_of(ending.charges) == [
        (date(2025, 4, 1), date(2025, 5, 31), None, 0, pence(date(2025, 4, 1), date(2025, 5, 31), "B", 100))]
    assert [(b.financial_year, b.charge_pence, b.balance_pence) for b in ending.year_bills] == [
        (2025, pence(date(2025, 4, 1), date(2025, 5, 31), "B", 100),
         pence(date(2025, 4, 1), date(2025, 5, 31), "B", 100))]
    (opening,) = arrived.openings
    assert opening.liability_start == date(2025, 6, 1)


def test_the_empty_discount_ends_and_the_premium_starts_on_the_right_days() -> None:
    # Council settings: 50% off for the first 3 months empty; premium 100% after a year.
    rules = replace(RULES, empty_homes=EmptyHomeRules(discount_percent=50, discount_months=3))
    tenant = open_account(start=date(2020, 6, 1))
    left = assessed(move_out(move_date=date(2025, 1, 15)), facts(band="D", open_account=tenant),
                    submitted=datetime(2025, 1, 16, tzinfo=UTC), rules=rules)
    (owner,) = left.openings
    assert (owner.discount_code, owner.discount_percent) == ("EMPTY", 50)
    assert lines_of(owner.charges) == [
        (date(2025, 1, 15), date(2025, 3, 31), "EMPTY", 50, pence(date(2025, 1, 15), date(2025, 3, 31), "D", 50))]
    # Ended a year and more later (move-in 1 March 2026, told on 2 March): in 2025/26 the discount runs to
    # 14 April 2025 (three months from 15 January), the full charge from 15 April, and from 15 January 2026 (a
    # year empty) the premium as its own line beside the band's charge for the same days.
    arrived = assessed(move_in(move_date=date(2026, 3, 1)), facts(band="D", open_account=as_open(owner)),
                       submitted=datetime(2026, 3, 2, tzinfo=UTC), rules=rules)
    (ending,) = arrived.endings
    this_year = [line for line in lines_of(ending.charges) if line[0] >= date(2025, 4, 1)]
    assert this_year == [
        (date(2025, 4, 1), date(2025, 4, 14), "EMPTY", 50, pence(date(2025, 4, 1), date(2025, 4, 14), "D", 50)),
        (date(2025, 4, 15), date(2026, 1, 14), None, 0, pence(date(2025, 4, 15), date(2026, 1, 14), "D", 100)),
        (date(2026, 1, 15), date(2026, 2, 28), None, 0, pence(date(2026, 1, 15), date(2026, 2, 28), "D", 100)),
        (date(2026, 1, 15), date(2026, 2, 28), "LTEP", -100, pence(date(2026, 1, 15), date(2026, 2, 28), "D", 100)),
    ]
    assert ending.year_bills[-1].charge_pence == sum(line[4] for line in this_year)


def test_the_premium_lines_are_kept_when_the_owners_account_is_billed_again() -> None:
    # Empty since 10 January 2024: a year empty on 10 January 2025. The owner's account from 1 April 2025 (a
    # tenant of under six weeks came between) bills the premium all year; ending it re-derives the same lines.
    settings = RULES.empty_homes
    periods = unoccupied_periods(date(2025, 4, 1), date(2026, 3, 31), "C", EmptyHome(date(2024, 1, 10)), settings)
    assert [(p.first_day, p.last_day, p.discount.code, p.discount.percent) for p in periods] == [
        (date(2025, 4, 1), date(2026, 3, 31), "LTEP", -100)]
    held = OpenAccount(account_ref="000000010", liability_start=date(2025, 4, 1), discount_percent=0,
                       unoccupied_since=date(2024, 1, 10), liable_persons=(OWNER,),
                       charges=assessed_lines(periods))
    arrived = assessed(move_in(move_date=date(2025, 11, 1)), facts(band="C", open_account=held),
                       submitted=datetime(2025, 11, 3, tzinfo=UTC))
    assert lines_of(arrived.endings[0].charges) == [
        (date(2025, 4, 1), date(2025, 10, 31), None, 0, pence(date(2025, 4, 1), date(2025, 10, 31), "C", 100)),
        (date(2025, 4, 1), date(2025, 10, 31), "LTEP", -100, pence(date(2025, 4, 1), date(2025, 10, 31), "C", 100))]


def assessed_lines(periods: Iterable[LiabilityPeriod]) -> tuple[ChargeLine, ...]:
    return lines_for(periods, RULES)


@pytest.mark.parametrize(("tenant_from", "premium"), [
    (date(2025, 3, 1), True),  # 1 March to 11 April: 42 days, not more than six weeks: the clock carries on
    (date(2025, 2, 28), False),  # 43 days: the dwelling counts as empty only from the move date
], ids=["six-weeks", "six-weeks-and-a-day"])
def test_an_occupation_of_not_more_than_six_weeks_does_not_restart_the_clock(tenant_from: date, premium: bool) -> None:
    before = EndedAccount(account_ref="000000003", liability_start=date(2024, 1, 10),
                          liability_end=tenant_from - (date(2025, 3, 2) - date(2025, 3, 1)), discount_percent=0,
                          unoccupied_since=date(2024, 1, 10))
    tenant = open_account(ref="000000004", start=tenant_from)
    props = facts(band="A", open_account=tenant).model_copy(update={"last_ended_account": before})
    left = assessed(move_out(move_date=date(2025, 4, 12)), props, submitted=datetime(2025, 4, 14, tzinfo=UTC))
    (owner,) = left.openings
    if premium:  # empty since 10 January 2024, a year on 10 January 2025: the premium from the first day
        assert owner.unoccupied_since == date(2024, 1, 10)
        assert lines_of(owner.charges) == [
            (date(2025, 4, 12), date(2026, 3, 31), None, 0, pence(date(2025, 4, 12), date(2026, 3, 31), "A", 100)),
            (date(2025, 4, 12), date(2026, 3, 31), "LTEP", -100,
             pence(date(2025, 4, 12), date(2026, 3, 31), "A", 100))]
    else:
        assert owner.unoccupied_since == date(2025, 4, 12)
        assert lines_of(owner.charges) == [
            (date(2025, 4, 12), date(2026, 3, 31), None, 0, pence(date(2025, 4, 12), date(2026, 3, 31), "A", 100))]


def test_before_april_2024_the_premium_came_after_two_years_and_after_one_only_from_then() -> None:
    settings = RULES.empty_homes
    two_years = unoccupied_periods(date(2023, 4, 1), date(2024, 3, 31), "D", EmptyHome(date(2021, 6, 1)), settings)
    assert [(p.first_day, p.discount.percent) for p in two_years] == [(date(2023, 4, 1), 0), (date(2023, 6, 1), -100)]
    one_year = unoccupied_periods(date(2023, 4, 1), date(2024, 6, 30), "D", EmptyHome(date(2023, 1, 1)), settings)
    assert [(p.first_day, p.last_day, p.discount.percent) for p in one_year] == [
        (date(2023, 4, 1), date(2024, 3, 31), 0), (date(2024, 4, 1), date(2024, 6, 30), -100)]
    tiers = unoccupied_periods(date(2025, 4, 1), date(2026, 3, 31), "D", EmptyHome(date(2015, 9, 1)), settings)
    assert [(p.first_day, p.last_day, p.discount.percent) for p in tiers] == [
        (date(2025, 4, 1), date(2025, 8, 31), -200), (date(2025, 9, 1), date(2026, 3, 31), -300)]


def test_a_newcomer_on_the_move_date_withdraws_the_owners_liability_before_it_began() -> None:
    tenant = open_account(start=date(2021, 3, 1))
    left = assessed(move_out(move_date=date(2025, 10, 1)), facts(band="B", open_account=tenant),
                    submitted=datetime(2025, 9, 20, tzinfo=UTC))
    (owner,) = left.openings
    arrived = assessed(move_in(move_date=date(2025, 10, 1)), facts(band="B", open_account=as_open(owner)),
                       submitted=datetime(2025, 10, 2, tzinfo=UTC))
    (ending,) = arrived.endings
    assert (ending.liability_end, ending.charges, ending.instalments) == (date(2025, 9, 30), (), ())
    assert [b.balance_pence for b in ending.year_bills] == [0]


def test_an_owner_the_register_does_not_know_goes_to_a_person_with_that_reason() -> None:
    tenant = open_account(start=date(2021, 3, 1))
    n = notification(move_out(move_date=date(2025, 10, 1)), submitted_at=datetime(2025, 10, 2, tzinfo=UTC))
    result = assess(validated(n, facts(open_account=tenant, owner_name=None)), RULES, datetime(2025, 10, 2, tzinfo=UTC))
    assert isinstance(result, NeedsReview)
    (reason,) = result.reasons
    assert (reason.code, reason.field) == ("owner_unknown", "landlord_name")
    assert "2025-10-01" in reason.message


def test_a_move_out_from_a_home_already_empty_goes_to_a_person() -> None:
    owner = OpenAccount(account_ref="000000009", liability_start=date(2025, 6, 1), discount_percent=0,
                        unoccupied_since=date(2025, 6, 1), liable_persons=(OWNER,))
    n = notification(move_out(move_date=date(2025, 10, 1)), submitted_at=datetime(2025, 10, 2, tzinfo=UTC))
    result = assess(validated(n, facts(open_account=owner)), RULES, datetime(2025, 10, 2, tzinfo=UTC))
    assert isinstance(result, NeedsReview)
    assert result.reasons[0].code == "no_open_account"


def test_a_furnished_home_no_one_lives_in_pays_the_second_homes_premium_from_1_april_2025() -> None:
    tenant = open_account(start=date(2021, 3, 1))
    furnished = facts(band="E", open_account=tenant).model_copy(update={"furnished": True})
    left = assessed(move_out(move_date=date(2025, 2, 1)), furnished, submitted=datetime(2025, 2, 3, tzinfo=UTC))
    (owner,) = left.openings
    # Before 1 April 2025 no second homes premium could be charged (s.11C); no empty-home discount either.
    assert lines_of(owner.charges) == [
        (date(2025, 2, 1), date(2025, 3, 31), None, 0, pence(date(2025, 2, 1), date(2025, 3, 31), "E", 100))]
    arrived = assessed(move_in(move_date=date(2025, 8, 1)),
                       furnished.model_copy(update={"open_account": as_open(owner)}),
                       submitted=datetime(2025, 8, 4, tzinfo=UTC))
    assert lines_of(arrived.endings[0].charges) == [
        (date(2025, 4, 1), date(2025, 7, 31), None, 0, pence(date(2025, 4, 1), date(2025, 7, 31), "E", 100)),
        (date(2025, 4, 1), date(2025, 7, 31), "SHP", -100, pence(date(2025, 4, 1), date(2025, 7, 31), "E", 100))]


@pytest.mark.parametrize(("exception", "excepted_to"), [
    ("F", date(2026, 5, 19)),  # actively marketed for sale: 12 months from 20 May 2025
    ("H", date(2026, 5, 19)),  # probate: 12 months from the grant on 20 May 2025
    ("M", date(2027, 3, 31)),  # armed forces accommodation: while the register records it
], ids=["marketed-for-sale", "probate", "armed-forces"])
def test_an_exception_takes_the_premium_off_while_it_lasts(exception: str, excepted_to: date) -> None:
    home = EmptyHome(date(2023, 6, 1), exception=exception, exception_from=date(2025, 5, 20))
    periods = unoccupied_periods(date(2025, 4, 1), date(2027, 3, 31), "B", home, RULES.empty_homes)
    expected = [(date(2025, 4, 1), date(2025, 5, 19), -100), (date(2025, 5, 20), excepted_to, 0)]
    if excepted_to < date(2027, 3, 31):
        expected.append((excepted_to + (date(2025, 1, 2) - date(2025, 1, 1)), date(2027, 3, 31), -100))
    assert [(p.first_day, p.last_day, p.discount.percent) for p in periods] == expected
    lines = lines_of(assessed_lines(periods))
    # 2025/26: the premium's own line for 1 April to 19 May only, at 100% of the band's charge for those days.
    assert [line for line in lines if line[2] == "LTEP" and line[0].year == 2025] == [
        (date(2025, 4, 1), date(2025, 5, 19), "LTEP", -100, pence(date(2025, 4, 1), date(2025, 5, 19), "B", 100))]


def test_an_exception_for_second_homes_only_leaves_the_long_term_empty_premium() -> None:
    job_related = EmptyHome(date(2023, 6, 1), exception="I", exception_from=date(2023, 6, 1))
    periods = unoccupied_periods(date(2025, 4, 1), date(2026, 3, 31), "B", job_related, RULES.empty_homes)
    assert [(p.discount.code, p.discount.percent) for p in periods] == [("LTEP", -100)]
    furnished = replace(job_related, furnished=True)
    periods = unoccupied_periods(date(2025, 4, 1), date(2026, 3, 31), "B", furnished, RULES.empty_homes)
    assert [(p.discount.code, p.discount.percent) for p in periods] == [(None, 0)]


def test_an_exception_class_the_rules_do_not_know_goes_to_a_person() -> None:
    tenant = open_account(start=date(2021, 3, 1))
    odd = facts(open_account=tenant).model_copy(update={"premium_exception": "Z"})
    n = notification(move_out(move_date=date(2025, 10, 1)), submitted_at=datetime(2025, 10, 2, tzinfo=UTC))
    result = assess(validated(n, odd), RULES, datetime(2025, 10, 2, tzinfo=UTC))
    assert isinstance(result, NeedsReview)
    assert (result.reasons[0].code, result.reasons[0].field) == ("premium_exception_unknown", "premium_exception")


def test_the_landlord_the_move_out_names_is_liable_when_the_register_does_not_know_the_owner() -> None:
    tenant = open_account(start=date(2021, 3, 1))
    unknown = facts(open_account=tenant, owner_name=None)
    told = move_out(move_date=date(2025, 10, 1), landlord_name="Quayside Homes Ltd")
    (owner,) = assessed(told, unknown, submitted=datetime(2025, 10, 2, tzinfo=UTC)).openings
    assert owner.liable_persons == ("Quayside Homes Ltd",)
    # The register's owner stands against a resident's answer ...
    (owner,) = assessed(told, facts(open_account=tenant), submitted=datetime(2025, 10, 2, tzinfo=UTC)).openings
    assert owner.liable_persons == (OWNER,)


def test_an_officer_naming_the_owner_opens_their_account_and_corrects_the_register() -> None:
    tenant = open_account(start=date(2021, 3, 1))
    submitted = datetime(2025, 10, 2, tzinfo=UTC)
    corrected = notification(move_out(move_date=date(2025, 10, 1), landlord_name="Quayside Homes Ltd"),
                             submitted_at=submitted, channel="officer_correction")
    for props in (facts(open_account=tenant, owner_name=None), facts(open_account=tenant)):
        result = assess(validated(corrected, props), RULES, submitted)
        assert isinstance(result, AccountChange), result
        assert result.openings[0].liable_persons == ("Quayside Homes Ltd",)


def test_an_officers_rebill_of_the_owners_account_bills_a_new_year_from_the_empty_home_schedule() -> None:
    # Empty since 10 January 2024; the owner's account holds 2024/25 only. Rebilled from 1 April 2025 in June, the
    # new year is a year and more empty: the band's charge and the premium's own line, all year.
    held = OpenAccount(account_ref="000000011", liability_start=date(2024, 1, 10), discount_percent=0,
                       unoccupied_since=date(2024, 1, 10), liable_persons=(OWNER,),
                       charges=assessed_lines(unoccupied_periods(date(2024, 4, 1), date(2025, 3, 31), "B",
                                                                 EmptyHome(date(2024, 1, 10)), RULES.empty_homes)))
    rebill = {"kind": "rebill", "uprn": "100090000004", "address": {"line_1": "4 Acacia Avenue", "town": "Exampleton",
              "postcode": "ZY1 5AB"}, "from_date": date(2025, 4, 1), "reason": "annual billing"}
    n = notification(rebill, submitted_at=datetime(2025, 6, 2, tzinfo=UTC), channel="officer_correction")
    result = assess(validated(n, facts(band="B", open_account=held)), RULES, datetime(2025, 6, 2, tzinfo=UTC))
    assert isinstance(result, AccountChange), result
    (amendment,) = result.amendments
    assert [line for line in lines_of(amendment.charges) if line[0] >= date(2025, 4, 1)] == [
        (date(2025, 4, 1), date(2026, 3, 31), None, 0, pence(date(2025, 4, 1), date(2026, 3, 31), "B", 100)),
        (date(2025, 4, 1), date(2026, 3, 31), "LTEP", -100, pence(date(2025, 4, 1), date(2026, 3, 31), "B", 100))]
