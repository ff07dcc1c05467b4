"""The assess stage's rules on whole notifications: who is liable where, from when, for how much."""

from datetime import UTC, date, datetime

from processors.rules.liability import assess, notice_date_for
from processors.rules.review import NeedsReview
from schemas.events import AccountChange
from tests.builders import RULES, facts, move_in, move_out, move_within, notification, open_account, validated

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
    assert change.openings == ()
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
    (opening,) = change.openings
    assert (opening.uprn, opening.liability_start) == ("100090000005", date(2025, 10, 1))


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
