"""The diff between the rows a notification wrote and what the current rules give (hand-made rows)."""

from __future__ import annotations

from datetime import date

from ctax.replay.diff import Difference, account_diff, charge_differences, instalment_differences
from tests.unit.replay.fixtures import charge, instalment, written_charges, written_instalments

TODAY = date(2026, 6, 15)
NID = "n-1"


def _plan(first: int, rest: int, count: int = 10) -> list:  # type: ignore[type-arg]
    return [instalment(n, date(2026 + (3 + n) // 12, (3 + n) % 12 + 1, 1), first if n == 1 else rest)
            for n in range(1, count + 1)]


def test_rows_as_the_rules_give_them_show_no_difference() -> None:
    plan = _plan(5500, 5500)
    lines = [charge(date(2026, 4, 1), date(2027, 3, 31), 55000)]
    diff = account_diff("A1", written_charges("A1", lines, NID), lines, written_instalments("A1", plan, NID), plan,
                        TODAY)
    assert not diff.changed
    assert diff.charge_difference_pence == 0
    assert diff.instalment_difference_pence == 0


def test_an_instalment_due_after_the_year_ends_is_moved() -> None:
    now = [instalment(1, date(2027, 2, 1), 1000), instalment(2, date(2027, 3, 1), 1000)]
    was = [instalment(1, date(2027, 3, 1), 1000), instalment(2, date(2027, 4, 1), 1000)]
    found = instalment_differences(written_instalments("A1", was, NID), now, TODAY)
    assert [(d.sequence, d.difference, d.was_due, d.now_due) for d in found] == [
        (1, Difference.MOVED, date(2027, 3, 1), date(2027, 2, 1)),
        (2, Difference.MOVED, date(2027, 4, 1), date(2027, 3, 1)),
    ]
    assert all(d.correctable and d.money_pence == 0 for d in found)


def test_one_pound_and_nine_of_six_becomes_the_regulation_plan() -> None:
    """£55.00 over 10: the old rounding gave £1 + 9 x £6; para 2(6)/(7) give another plan."""
    was = _plan(100, 600)
    now = _plan(1100, 550)[:9]  # any plan of nine: the diff does not judge the rules, it compares
    diff = account_diff("A1", [], [], written_instalments("A1", was, NID), now, TODAY)
    kinds = {d.sequence: d.difference for d in diff.instalments}
    assert kinds[1] is Difference.CHANGED
    assert kinds[10] is Difference.REMOVED
    assert diff.instalments_was_pence == 5500
    assert diff.instalment_difference_pence == sum(i.amount_pence for i in now) - 5500


def test_an_instalment_only_the_new_rules_have_is_added() -> None:
    was = [instalment(1, date(2026, 7, 1), 2000)]
    now = [instalment(1, date(2026, 7, 1), 1000), instalment(2, date(2026, 8, 1), 1000)]
    found = instalment_differences(written_instalments("A1", was, NID), now, TODAY)
    assert [(d.sequence, d.difference, d.money_pence) for d in found] == [
        (1, Difference.CHANGED, -1000), (2, Difference.ADDED, 1000)]
    assert all(d.correctable for d in found)


def test_a_moved_and_changed_instalment_says_both() -> None:
    was = [instalment(1, date(2027, 4, 1), 2000)]
    now = [instalment(1, date(2027, 3, 1), 1500)]
    (found,) = instalment_differences(written_instalments("A1", was, NID), now, TODAY)
    assert found.difference is Difference.MOVED_AND_CHANGED


def test_history_cannot_be_corrected() -> None:
    """Rows since superseded, and instalments already due, stay listed but are not correctable."""
    was_due = written_instalments("A1", [instalment(1, date(2026, 5, 1), 100)], NID)
    superseded = written_instalments("A1", [instalment(2, date(2027, 4, 1), 100)], NID, superseded=True)
    now = [instalment(1, date(2026, 5, 1), 150), instalment(2, date(2027, 3, 1), 100),
           instalment(3, date(2027, 3, 1), 100)]
    found = instalment_differences([*was_due, *superseded], now, TODAY)
    assert [(d.sequence, d.correctable) for d in found] == [(1, False), (2, False), (3, False)]
    diff = account_diff("A1", [], [], [*was_due, *superseded], now, TODAY)
    assert diff.changed
    assert not diff.correctable
    assert diff.first_instalment_year() is None


def test_charge_lines_changed_added_and_removed_with_the_money() -> None:
    was = written_charges("A1", [charge(date(2026, 4, 1), date(2027, 3, 31), 186200)], NID)
    now = [charge(date(2026, 4, 1), date(2026, 9, 30), 93100),
           charge(date(2026, 10, 1), date(2027, 3, 31), 69825, percent=25, code="SPD")]
    found = charge_differences(was, now)
    assert [(d.period_start, d.difference, d.money_pence) for d in found] == [
        (date(2026, 4, 1), Difference.CHANGED, 93100 - 186200),
        (date(2026, 10, 1), Difference.ADDED, 69825),
    ]
    diff = account_diff("A1", was, now, [], [], TODAY)
    assert diff.charge_difference_pence == 93100 + 69825 - 186200
    assert diff.first_charge_day() == date(2026, 4, 1)
    removed = charge_differences(written_charges("A1", now, NID), now[:1])
    assert [(d.difference, d.money_pence) for d in removed] == [(Difference.REMOVED, -69825)]


def test_a_discount_alone_is_a_charge_difference() -> None:
    line = charge(date(2026, 4, 1), date(2027, 3, 31), 139650, percent=25, code="SPD")
    was = written_charges("A1", [line.model_copy(update={"discount_code": "OTHER"})], NID)
    (found,) = charge_differences(was, [line])
    assert found.difference is Difference.CHANGED
    assert found.money_pence == 0
