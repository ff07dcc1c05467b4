"""The assess stage's rules on whole notifications: who is liable where, from when, for how much."""

from datetime import UTC, date, datetime

from processors.rules.assessment import assess
from processors.rules.instalments import PaymentPlanTerms, Scheme
from processors.rules.liability import final_bill_ending, notice_date_for
from processors.rules.review import NeedsReview
from schemas.events import AccountChange, Payment
from tests.builders import OWNER, RULES, facts, move_in, move_out, move_within, notification, open_account, validated

NOW = datetime(2025, 10, 10, 12, tzinfo=UTC)


def assessed(n, *props) -> AccountChange:  # type: ignore[no-untyped-def]
    result = assess(validated(n, *props), RULES, NOW)
    assert isinstance(result, AccountChange), result
    return result


def test_move_in_to_an_empty_property_opens_one_account_from_the_move_date() -> None:
    change = assessed(notification(move_in(move_date=date(2025, 10, 1))), facts(band="B"))
    assert change.endings == ()
    (opening,) = change.openings
    assert opening.liability_start == date(2025, 10, 1)
    assert opening.liable_persons == ("Sam Taylor",)
    assert (opening.discount_code, opening.discount_percent) == ("SPD", 25)
    (line,) = opening.charges
    assert (line.period_start, line.period_end, line.days, line.charge_pence) == (
        date(2025, 10, 1), date(2026, 3, 31), 182, 66318)
    # Notice 10 October: 4 instalments of £663.18 -> £165.18 then 3 x £166
    assert [i.amount_pence for i in opening.instalments] == [16518, 16600, 16600, 16600]
    assert sum(i.amount_pence for i in opening.instalments) == line.charge_pence


def test_move_in_ends_the_previous_occupiers_liability_the_day_before() -> None:
    previous = open_account(start=date(2020, 6, 1), paid=120000)
    change = assessed(notification(move_in(move_date=date(2025, 10, 1))), facts(band="B", open_account=previous))
    (ending,) = change.endings
    assert ending.account_ref == previous.account_ref
    assert ending.liability_end == date(2025, 9, 30)
    # 1 April to 30 September 2025 is 183 days: £1,773.33 x 183 / 365 = £889.0942 -> £889.09
    (line,) = ending.charges
    assert (line.days, line.charge_pence) == (183, 88909)
    assert ending.balance_pence == 88909 - 120000
    assert ending.instalments == ()  # a credit: nothing to collect


def test_move_out_ends_liability_the_day_before_the_move_and_bills_the_balance() -> None:
    account = open_account(start=date(2024, 1, 15), paid=53200)
    change = assessed(notification(move_out(move_date=date(2025, 10, 1))), facts(band="D", open_account=account))
    (owner,) = change.openings  # no one moves in: the owner is liable (processors/rules/unoccupied.py)
    assert (owner.liability_start, owner.liable_persons) == (date(2025, 10, 1), (OWNER,))
    (ending,) = change.endings
    assert ending.liability_end == date(2025, 9, 30)
    # Band D £2,280 x 183 / 365 = £1,143.1233 -> £1,143.12; less £532 paid = £611.12
    assert ending.charges[0].charge_pence == 114312
    assert ending.balance_pence == 61112
    assert [i.amount_pence for i in ending.instalments] == [15212, 15300, 15300, 15300]


def test_move_out_keeps_the_accounts_discount() -> None:
    account = open_account(discount_code="SPD", discount_percent=25)
    change = assessed(notification(move_out()), facts(band="D", open_account=account))
    assert change.endings[0].charges[0].discount_percent == 25


def test_move_out_on_1_april_leaves_nothing_to_pay_this_year() -> None:
    account = open_account(start=date(2019, 5, 1))
    n = notification(move_out(move_date=date(2025, 4, 1)), submitted_at=datetime(2025, 4, 3, tzinfo=UTC))
    (ending,) = assessed(n, facts(band="C", open_account=account)).endings
    assert ending.liability_end == date(2025, 3, 31)
    assert [(line.financial_year, line.days) for line in ending.charges] == [(2024, 365)]
    assert ending.balance_pence == 0


def test_move_within_ends_the_old_account_and_opens_one_at_the_new_address() -> None:
    old = open_account(ref="500000007", start=date(2022, 2, 1))
    n = notification(move_within(from_uprn="100090000004", to_uprn="100090000005", move_date=date(2025, 10, 1)))
    change = assessed(n, facts(uprn="100090000004", band="B", open_account=old),
                      facts(uprn="100090000005", band="E"))
    assert [e.account_ref for e in change.endings] == ["500000007"]
    assert change.endings[0].liability_end == date(2025, 9, 30)
    opening, owner = change.openings
    assert (opening.uprn, opening.liability_start) == ("100090000005", date(2025, 10, 1))
    assert (owner.uprn, owner.liability_start, owner.liable_persons) == ("100090000004", date(2025, 10, 1), (OWNER,))


def test_move_out_with_no_open_account_needs_a_person() -> None:
    result = assess(validated(notification(move_out()), facts()), RULES, NOW)
    assert isinstance(result, NeedsReview)
    assert result.reasons[0].code == "no_open_account"


def test_move_out_before_the_account_began_needs_a_person() -> None:
    account = open_account(start=date(2025, 10, 1))
    result = assess(validated(notification(move_out(move_date=date(2025, 10, 1))), facts(open_account=account)),
                    RULES, NOW)
    assert isinstance(result, NeedsReview)
    assert result.reasons[0].code == "move_before_liability_start"


def test_missing_band_d_figure_needs_a_person_not_a_guess() -> None:
    n = notification(move_in(move_date=date(2029, 4, 10)), submitted_at=datetime(2029, 4, 1, tzinfo=UTC))
    result = assess(validated(n, facts()), RULES, NOW)
    assert isinstance(result, NeedsReview)
    assert result.reasons[0].code == "band_d_charge_missing"
    assert "2029/30" in result.reasons[0].message


def test_notice_date_is_the_uk_day_the_resident_told_us() -> None:
    assert notice_date_for(datetime(2025, 6, 30, 23, 30, tzinfo=UTC)) == date(2025, 7, 1)  # BST
    assert notice_date_for(datetime(2025, 12, 31, 23, 30, tzinfo=UTC)) == date(2025, 12, 31)  # GMT


def test_unknown_band_needs_a_person_not_an_exception() -> None:
    result = assess(validated(notification(move_in()), facts(band="I")), RULES, NOW)
    assert isinstance(result, NeedsReview)
    assert (result.reasons[0].code, result.reasons[0].field) == ("band_unknown", "band")


def test_a_discount_over_100_percent_on_the_account_needs_a_person() -> None:
    account = open_account(discount_code="XX", discount_percent=150)
    result = assess(validated(notification(move_out()), facts(band="D", open_account=account)), RULES, NOW)
    assert isinstance(result, NeedsReview)
    assert result.reasons[0].code == "discount_out_of_range"


def test_a_final_bill_is_planned_on_the_accounts_own_scheme_and_payment_day() -> None:
    account = open_account(start=date(2024, 1, 15), paid=53200)
    ending = final_bill_ending(facts(band="D", open_account=account), date(2025, 10, 1), date(2025, 10, 10), RULES,
                               "moved out", PaymentPlanTerms(Scheme.TWELVE, 15))
    # £611.12 due; 12-instalment scheme, notice 10 October: 5 whole months left (para 2(3A)(a)(ii)), 15th of
    # November to March; £611.12 / 5 = £122.224 -> 4 x £122 and £123.12 first (para 2(6))
    assert ending.balance_pence == 61112
    assert [(i.due_date, i.amount_pence) for i in ending.instalments] == [
        (date(2025, 11, 15), 12312), (date(2025, 12, 15), 12200), (date(2026, 1, 15), 12200),
        (date(2026, 2, 15), 12200), (date(2026, 3, 15), 12200)]


def test_a_backdated_move_out_bills_the_earlier_year_and_the_current_year_separately() -> None:
    # Moved out 1 March 2025, told us 10 May 2025 (2025/26), having paid £400 towards 2025/26.
    account = open_account(start=date(2020, 6, 1), paid=40000)
    n = notification(move_out(move_date=date(2025, 3, 1)), submitted_at=datetime(2025, 5, 10, 9, tzinfo=UTC))
    (ending,) = assessed(n, facts(band="D", open_account=account)).endings
    assert ending.liability_end == date(2025, 2, 28)
    # 2024/25 revised: £2,171 x 334 / 365 = £1,986.6137 -> £1,986.61; 2025/26: nothing, all £400 is a credit
    assert [(line.financial_year, line.days, line.charge_pence) for line in ending.charges] == [(2024, 334, 198661)]
    assert (ending.balance_pence, ending.instalments) == (-40000, ())
    # The event carries each year's bill: the revenues system records both demands.
    assert [(b.financial_year, b.charge_pence, b.paid_pence, b.balance_pence) for b in ending.year_bills] == [
        (2024, 198661, 217100, -18439), (2025, 0, 40000, -40000)]

    # 2024/25's own demand: the account records nothing of that year, so it is taken as paid as first billed
    # (the full £2,171): a credit of £184.39, with no instalments
    assert ending.year_bills[0].paid_is_assumed
    assert not ending.year_bills[1].paid_is_assumed


def test_an_earlier_years_balance_due_gets_its_own_demand() -> None:
    # When the account records that only £1,000 was paid towards 2024/25, that year's revised charge leaves
    # £986.61 due: a notice after the year has ended demands it in one amount 14 days on.
    account = open_account(start=date(2020, 6, 1)).model_copy(update={"payments": (
        Payment(financial_year=2024, paid_on=date(2024, 6, 1), amount_pence=100000),
        Payment(financial_year=2025, paid_on=date(2025, 4, 1), amount_pence=40000))})
    ending = final_bill_ending(facts(band="D", open_account=account), date(2025, 3, 1), date(2025, 5, 10), RULES,
                               "moved out", PaymentPlanTerms(Scheme.TEN, 1))
    earlier = ending.year_bills[0]
    assert (earlier.balance_pence, earlier.paid_is_assumed) == (98661, False)
    assert [(i.financial_year, i.due_date, i.amount_pence) for i in ending.instalments] == [
        (2024, date(2025, 5, 24), 98661)]


def test_a_move_out_notified_ahead_across_1_april_bills_the_new_year_not_a_credit_of_this_years_payments() -> None:
    account = open_account(start=date(2020, 6, 1), paid=200000)
    n = notification(move_out(move_date=date(2026, 4, 5)), submitted_at=datetime(2026, 3, 25, 9, tzinfo=UTC))
    (ending,) = assessed(n, facts(band="D", open_account=account)).endings
    # 1-4 April 2026: £2,394 x 4 / 365 = £26.2356 -> £26.24, nothing paid yet towards 2026/27. Ten instalments
    # (para 2(3)(a)) would be under £5: para 2(6) -£0.76 + 9 x £3, para 2(7) £2.24 + 8 x £3, para 3(1)(b):
    # 5 x £5 <= £26.24 -> £6.24 + 4 x £5, May to September.
    assert [(line.financial_year, line.days) for line in ending.charges] == [(2026, 4)]
    assert ending.balance_pence == 2624
    assert [(i.due_date, i.amount_pence) for i in ending.instalments] == [
        (date(2026, 5, 1), 624), (date(2026, 6, 1), 500), (date(2026, 7, 1), 500), (date(2026, 8, 1), 500),
        (date(2026, 9, 1), 500)]


def test_a_move_in_on_31_march_is_billed_within_the_year_when_the_notice_period_allows() -> None:
    n = notification(move_in(move_date=date(2026, 3, 31)), submitted_at=datetime(2026, 3, 10, 9, tzinfo=UTC))
    (opening,) = assessed(n, facts(band="B")).openings
    # One day of 2025/26; para 2(1): one amount; 14 days after 10 March is 24 March and no 1st of the month is
    # left in the year, so it falls due on 31 March (not 1 April, after the year)
    assert [(i.financial_year, i.due_date) for i in opening.instalments] == [(2025, date(2026, 3, 31))]
