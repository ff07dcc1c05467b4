"""Re-running applied notifications from hand-made revenues records, with the real rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from ctax.replay.diff import Difference
from ctax.replay.recorded import Recorded
from ctax.replay.rerun import Period, rerun
from processors.rules.assessment import assess
from schemas.events import AccountChange, ChargeLine, EndedAccount, OpenAccount, Payment
from schemas.notification import ChangeNotification
from tests.builders import RULES, address, facts, move_in, move_out, notification, validated
from tests.unit.replay.fixtures import (
    APPLIED_AT,
    UPRN,
    account,
    applied,
    payment,
    register,
    written_charges,
    written_instalments,
)

OTHER_UPRN = "100090000005"
PERIOD = Period(date(2026, 4, 1), date(2026, 5, 31))
TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
NOTICE = datetime(2026, 4, 10, 9, 30, tzinfo=UTC)


def _assessed(n: ChangeNotification, *property_facts: object) -> AccountChange:
    outcome = assess(validated(n, *property_facts), RULES, NOW)  # type: ignore[arg-type]
    assert isinstance(outcome, AccountChange)
    return outcome


def _move_in_history(*, date_bug: bool) -> tuple[ChangeNotification, Recorded]:
    """A move-in on 10 April 2026 (12 instalments) that ended A1's liability and opened A2."""
    n = notification(move_in(UPRN, date(2026, 4, 10), twelve_instalments=True), submitted_at=NOTICE)
    right = _assessed(n, facts(UPRN, open_account=OpenAccount(
        account_ref="A1", liability_start=date(2020, 6, 1), discount_percent=0)))
    opening, (ending,) = right.openings[0], right.endings
    plan = list(opening.instalments)
    if date_bug:  # as an old version wrote it: the last of 12 instalments on 1 April of the next year
        plan[-1] = plan[-1].model_copy(update={"due_date": date(2027, 4, 1)})
    nid = n.notification_id
    recorded = Recorded(
        applied=[applied(nid, "A1", "A2")],
        properties={UPRN: register()},
        accounts=[account("A1", date(2020, 6, 1), end=date(2026, 4, 9)),
                  account("A2", date(2026, 4, 10), opened_by=nid, twelve=True)],
        charges=[*written_charges("A1", ending.charges, nid), *written_charges("A2", opening.charges, nid)],
        instalments=[*written_instalments("A1", ending.instalments, nid), *written_instalments("A2", plan, nid)],
    )
    return n, recorded


def test_only_the_account_written_under_the_old_rules_is_listed() -> None:
    n, recorded = _move_in_history(date_bug=True)
    result = rerun(recorded.applied, {n.notification_id: n}, recorded, RULES, PERIOD, TODAY, NOW)
    assert result.replayed == 1
    assert not result.not_replayed
    (listed,) = result.accounts
    assert listed.account_ref == "A2"
    assert listed.needs_rebill
    assert not listed.closed
    (moved,) = listed.diff.instalments
    assert moved.difference is Difference.MOVED
    assert moved.was_due == date(2027, 4, 1)
    assert moved.now_due is not None
    assert moved.now_due <= date(2027, 3, 31)
    assert not listed.diff.charges


def test_rows_already_right_list_nothing() -> None:
    n, recorded = _move_in_history(date_bug=False)
    result = rerun(recorded.applied, {n.notification_id: n}, recorded, RULES, PERIOD, TODAY, NOW)
    assert result.accounts == ()
    assert result.replayed == 1


def test_a_notification_missing_from_the_topic_is_reported_not_guessed() -> None:
    n, recorded = _move_in_history(date_bug=True)
    result = rerun(recorded.applied, {}, recorded, RULES, PERIOD, TODAY, NOW)
    assert result.replayed == 0
    assert result.accounts == ()
    assert [(s.notification_id, s.why) for s in result.not_replayed] == [(n.notification_id,
                                                                          "not on the submitted topic")]


def test_a_discount_claim_is_replayed_with_the_discount_the_account_had_before_it() -> None:
    """The account row now carries the discount the claim added; the replay takes the one in force before."""
    seed_line = ChargeLine(financial_year=2026, period_start=date(2026, 4, 1), period_end=date(2027, 3, 31),
                           days=365, band="B", annual_charge_pence=186200, discount_percent=0, charge_pence=186200)
    paid = Payment(financial_year=2026, paid_on=date(2026, 4, 1), amount_pence=15000)
    before = OpenAccount(account_ref="A3", liability_start=date(2020, 6, 1), discount_percent=0,
                         charges=(seed_line,), payments=(paid,))
    claim = notification({"kind": "single_person_discount", "uprn": OTHER_UPRN, "address": address("5 Acacia Avenue"),
                          "action": "claim", "effective_date": date(2026, 5, 1), "reason": "only_adult"},
                         submitted_at=NOTICE)
    (amendment,) = _assessed(claim, facts(OTHER_UPRN, open_account=before)).amendments
    nid = claim.notification_id
    recorded = Recorded(
        applied=[applied(nid, "A3")],
        properties={OTHER_UPRN: register(OTHER_UPRN)},
        accounts=[account("A3", date(2020, 6, 1), uprn=OTHER_UPRN, code="SPD", percent=25)],
        charges=[*written_charges("A3", [seed_line], None, superseded=True),
                 *written_charges("A3", amendment.charges, nid)],
        instalments=written_instalments("A3", amendment.instalments, nid),
        payments=[payment("A3", paid.paid_on, paid.amount_pence)],
    )
    result = rerun(recorded.applied, {nid: claim}, recorded, RULES, PERIOD, TODAY, NOW)
    assert result.not_replayed == ()
    assert result.accounts == ()


def test_a_closed_account_is_listed_but_not_rebilled() -> None:
    n, recorded = _move_in_history(date_bug=False)
    nid = n.notification_id
    wrong = [i.__class__(**{**vars(i), "amount_pence": i.amount_pence + 100}) if i.account_ref == "A1" else i
             for i in recorded.instalments]
    bad = Recorded(applied=recorded.applied, properties=recorded.properties, accounts=recorded.accounts,
                   charges=recorded.charges, instalments=wrong)
    result = rerun(bad.applied, {nid: n}, bad, RULES, PERIOD, TODAY, NOW)
    assert [(a.account_ref, a.closed, a.needs_rebill) for a in result.accounts] == [("A1", True, False)]


@pytest.mark.parametrize("days_earlier", [0, 3])
def test_a_move_out_told_after_the_newcomer_moved_in_is_replayed_as_completing_that_ending(days_earlier: int) -> None:
    """A chain: the newcomer's move-in ended A1 and opened A2; the leaver's move-out came after and completed
    A1's ending (bringing its end back when the leaver left earlier). Replayed, the move-out sees A1 as ended by
    the move-in and A2 as open, as the pipeline did."""
    moving = date(2026, 5, 1)
    left = moving - timedelta(days=days_earlier)
    incoming = notification(move_in(UPRN, moving), submitted_at=datetime(2026, 5, 1, 9, 0, tzinfo=UTC),
                            reference="CTX-0000-000A")
    leaving = notification(move_out(UPRN, left), submitted_at=datetime(2026, 5, 3, 9, 0, tzinfo=UTC),
                           reference="CTX-0000-000B")
    a1 = OpenAccount(account_ref="A1", liability_start=date(2020, 6, 1), discount_percent=0)
    first = _assessed(incoming, facts(UPRN, open_account=a1))
    a2 = OpenAccount(account_ref="A2", liability_start=moving, discount_percent=0,
                     charges=first.openings[0].charges, instalments=first.openings[0].instalments)
    ended = EndedAccount(account_ref="A1", liability_start=date(2020, 6, 1), liability_end=date(2026, 4, 30),
                         discount_percent=0, ended_by_reference="CTX-0000-000A",
                         charges=first.endings[0].charges, instalments=first.endings[0].instalments)
    second = _assessed(leaving, facts(UPRN, open_account=a2).model_copy(update={"last_ended_account": ended}))
    (completion,) = second.endings
    assert completion.account_ref == "A1"
    m, n = incoming.notification_id, leaving.notification_id
    # Left days before the newcomer came: the owner was liable for the days between (an account opened ended).
    owner = second.openings
    assert [(o.liability_start, o.liability_end) for o in owner] == (
        [(left, moving - timedelta(days=1))] if days_earlier else [])
    owners = [replace(account("A3", left, end=moving - timedelta(days=1), opened_by=n), unoccupied_since=left)
              for _ in owner]
    recorded = Recorded(
        applied=[applied(m, "A1", "A2", reference="CTX-0000-000A"),
                 applied(n, "A1", *(a.account_ref for a in owners), reference="CTX-0000-000B",
                         at=APPLIED_AT + timedelta(days=2))],
        properties={UPRN: register()},
        accounts=[account("A1", date(2020, 6, 1), end=left - timedelta(days=1)),
                  account("A2", moving, opened_by=m), *owners],
        charges=[*written_charges("A1", first.endings[0].charges, m),
                 *written_charges("A2", first.openings[0].charges, m),
                 *written_charges("A1", completion.charges, n),
                 *(row for o in owner for row in written_charges("A3", o.charges, n))],
        instalments=[*written_instalments("A1", first.endings[0].instalments, m),
                     *written_instalments("A2", first.openings[0].instalments, m),
                     *written_instalments("A1", completion.instalments, n),
                     *(row for o in owner for row in written_instalments("A3", o.instalments, n))],
    )
    result = rerun(recorded.applied, {m: incoming, n: leaving}, recorded, RULES, PERIOD, TODAY, NOW)
    assert result.not_replayed == ()
    assert result.accounts == ()


def test_a_change_of_name_replays_without_reading_names_back() -> None:
    rename = notification({"kind": "change_of_name", "uprn": UPRN, "address": address(), "previous_name": "Alex Jones",
                           "new_name": "Alex Smith", "reason": "marriage", "effective_date": date(2026, 5, 1)},
                          submitted_at=NOTICE)
    nid = rename.notification_id
    recorded = Recorded(applied=[applied(nid, "A1")], properties={UPRN: register()},
                        accounts=[account("A1", date(2020, 6, 1))])
    result = rerun(recorded.applied, {nid: rename}, recorded, RULES, PERIOD, TODAY, NOW)
    assert result.not_replayed == ()
    assert result.replayed == 1
