"""House-sale and tenancy chains: the leaver's move-out and the newcomer's move-in, in either order.

Whichever is processed first, both go straight through and the accounts end up the same; only a real
conflict (liabilities that would overlap) goes to a person, with a reason naming both notifications.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from adapters.revenues_port import AccountView
from schemas.events import Status
from schemas.topics import STATUS
from tests.builders import OWNER, move_in, move_out, move_within
from tests.unit.processors.test_stages import Pipeline, encode

HOUSE = "100090000002"  # occupied by account 500000001 since 1 March 2021
ELSEWHERE = "100090000004"  # vacant
LEAVER, NEWCOMER = "CTX-7K3M-Q9PD", "CTX-Q9PD-7K3M"


def _state(account: AccountView) -> tuple[Any, ...]:
    return (account.uprn, account.liability_start, account.liability_end, account.liable_persons,
            [(c.period_start, c.period_end, c.charge_pence) for c in account.charges],
            [(i.due_date, i.amount_pence) for i in account.instalments])


def _run(mode: str, values: list[bytes]) -> Pipeline:
    pipeline = Pipeline(mode)
    for value in values:
        pipeline.submit(value)
    return pipeline


def _accounts(pipeline: Pipeline, *uprns: str) -> list[tuple[Any, ...]]:
    """The accounts that were liable for a day or more (an owner's account withdrawn before it began is not)."""
    return [_state(a) for uprn in uprns for a in pipeline.revenues.accounts_at(uprn)
            if a.liability_end is None or a.liability_end >= a.liability_start]


def _withdrawn(pipeline: Pipeline, uprn: str) -> list[tuple[Any, ...]]:
    return [(a.liable_persons, a.liability_start, a.liability_end, a.charges, a.instalments)
            for a in pipeline.revenues.accounts_at(uprn)
            if a.liability_end is not None and a.liability_end < a.liability_start]


@pytest.mark.parametrize("mode", ["staged", "fused"])
@pytest.mark.parametrize("newcomer_arrives", [date(2025, 10, 1), date(2025, 10, 2)], ids=["same-day", "next-day"])
def test_a_chain_goes_straight_through_in_either_order_with_the_same_result(mode: str, newcomer_arrives: date) -> None:
    leaving = encode(change=move_out(uprn=HOUSE, move_date=date(2025, 10, 1)), reference=LEAVER)
    arriving = encode(change=move_in(uprn=HOUSE, move_date=newcomer_arrives), reference=NEWCOMER)
    leaver_first = _run(mode, [leaving, arriving])
    newcomer_first = _run(mode, [arriving, leaving])
    for pipeline in (leaver_first, newcomer_first):
        assert [s.status for s in pipeline.finals()] == [Status.APPLIED, Status.APPLIED]
    assert _accounts(newcomer_first, HOUSE) == _accounts(leaver_first, HOUSE)
    # Told first, the leaver's move-out made the owner liable from 1 October; a newcomer arriving that day
    # withdraws it before it began, charging nothing. Arriving the day after, the owner pays for 1 October in
    # either order.
    withdrawn = [((OWNER,), date(2025, 10, 1), date(2025, 9, 30), (), ())]
    assert _withdrawn(leaver_first, HOUSE) == (withdrawn if newcomer_arrives == date(2025, 10, 1) else [])
    assert _withdrawn(newcomer_first, HOUSE) == []
    owners = [a for a in _accounts(leaver_first, HOUSE) if a[3] == (OWNER,)]
    assert [(a[1], a[2]) for a in owners] == ([] if newcomer_arrives == date(2025, 10, 1) else [
        (date(2025, 10, 1), date(2025, 10, 1))])
    leaver = newcomer_first.revenues.account("500000001")
    assert leaver is not None
    assert leaver.liability_end == date(2025, 9, 30)  # the leaver's own last day, whoever told us first
    assert "Final bill to 9 Harbour Street, Elsewhere, ZY8 1AA" in leaver.audit_notes[-1].note
    assert "completing the ending" in leaver.audit_notes[-1].note


@pytest.mark.parametrize("mode", ["staged", "fused"])
def test_a_move_within_into_a_house_being_left_goes_through_in_either_order(mode: str) -> None:
    leaving = encode(change=move_out(uprn=HOUSE, move_date=date(2025, 10, 1)), reference=LEAVER)
    pipeline = Pipeline(mode)
    pipeline.submit(encode(change=move_in(uprn=ELSEWHERE, move_date=date(2025, 9, 1)), reference="CTX-3MQ9-7KPD"))
    arriving = encode(change=move_within(from_uprn=ELSEWHERE, to_uprn=HOUSE, to_address={
        "line_1": "2 Acacia Avenue", "town": "Exampleton", "postcode": "ZY1 5AB"}, move_date=date(2025, 10, 1)),
        reference=NEWCOMER)
    pipeline.submit(arriving)
    pipeline.submit(leaving)
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED] * 3
    assert [(a.liability_start, a.liability_end) for a in pipeline.revenues.accounts_at(HOUSE)] == [
        (date(2025, 10, 1), None), (date(2021, 3, 1), date(2025, 9, 30))]


@pytest.mark.parametrize("mode", ["staged", "fused"])
def test_a_leaver_who_stayed_after_the_newcomer_arrived_goes_to_a_person_naming_both(mode: str) -> None:
    arriving = encode(change=move_in(uprn=HOUSE, move_date=date(2025, 10, 1)), reference=NEWCOMER)
    leaving = encode(change=move_out(uprn=HOUSE, move_date=date(2025, 10, 5)), reference=LEAVER)
    pipeline = _run(mode, [arriving, leaving])
    applied, review = pipeline.finals()
    assert applied.status is Status.APPLIED
    assert (review.status, review.reasons[0].code) == (Status.REVIEW, "liability_overlaps_next_occupier")
    assert LEAVER in review.reasons[0].message
    assert NEWCOMER in review.reasons[0].message
    leaver = pipeline.revenues.account("500000001")
    assert leaver is not None
    assert leaver.liability_end == date(2025, 9, 30)  # nothing of the conflicting notification applied


@pytest.mark.parametrize("mode", ["staged", "fused"])
def test_a_newcomer_who_arrived_before_the_leaver_left_goes_to_a_person_naming_both(mode: str) -> None:
    leaving = encode(change=move_out(uprn=HOUSE, move_date=date(2025, 10, 5)), reference=LEAVER)
    arriving = encode(change=move_in(uprn=HOUSE, move_date=date(2025, 10, 1)), reference=NEWCOMER)
    pipeline = _run(mode, [leaving, arriving])
    applied, review = pipeline.finals()
    assert applied.status is Status.APPLIED
    assert (review.status, review.reasons[0].code) == (Status.REVIEW, "liability_overlaps_previous_occupier")
    assert LEAVER in review.reasons[0].message
    assert NEWCOMER in review.reasons[0].message
    # The owner's account (from the leaver's move-out) stays open; the leaver's ended on 4 October.
    assert [(a.liable_persons, a.liability_end) for a in pipeline.revenues.accounts_at(HOUSE)] == [
        ((OWNER,), None), (("Alex Jones",), date(2025, 10, 4))]


@pytest.mark.parametrize("mode", ["staged", "fused"])
def test_a_second_move_out_with_another_date_goes_to_a_person(mode: str) -> None:
    first = encode(change=move_out(uprn=HOUSE, move_date=date(2025, 10, 5)), reference=NEWCOMER)
    second = encode(change=move_out(uprn=HOUSE, move_date=date(2025, 10, 1)), reference=LEAVER)
    pipeline = _run(mode, [first, second])
    assert [(s.status, s.reasons[0].code if s.reasons else None) for s in pipeline.finals()] == [
        (Status.APPLIED, None), (Status.REVIEW, "liability_already_ended")]


class _AnotherWorkerFirst:
    """The in-memory back office, where another worker's change lands just before our first write."""

    def __init__(self, revenues: Any, competing: Any) -> None:
        self._revenues = revenues
        self._competing = competing

    def __getattr__(self, name: str) -> Any:
        return getattr(self._revenues, name)

    def apply_account_changes(self, changes: Any, applied_at: Any) -> Any:
        if self._competing is not None:
            competing, self._competing = self._competing, None
            self._revenues.apply_account_changes([competing], applied_at)
        return self._revenues.apply_account_changes(changes, applied_at)


def test_the_fused_shape_checks_again_when_another_worker_changed_the_account_meanwhile() -> None:
    from dataclasses import replace

    from processors.pipeline.context import SourceRecord
    from processors.pipeline.fused import BatchOptions, process_batch
    from processors.rules.assessment import assess
    from tests.builders import RULES, notification, validated

    pipeline = Pipeline("fused")
    newcomer = notification(move_in(uprn=HOUSE, move_date=date(2025, 10, 1),
                                    address={"line_1": "2 Acacia Avenue", "town": "Exampleton",
                                             "postcode": "ZY1 5AB"}), reference=NEWCOMER)
    facts = pipeline.revenues.property_facts_many([HOUSE])[HOUSE]
    competing = assess(validated(newcomer, facts), RULES, newcomer.submitted_at)
    ctx = replace(pipeline.ctx, revenues=_AnotherWorkerFirst(pipeline.revenues, competing))
    leaving = encode(change=move_out(uprn=HOUSE, move_date=date(2025, 10, 1)), reference=LEAVER)
    outputs = process_batch(ctx, [SourceRecord("submitted", b"k", leaving)], BatchOptions(publish_assessed=True))
    pipeline.published[STATUS.name] = [o for o in outputs if o.topic == STATUS.name]
    (status,) = [s for s in pipeline.statuses() if s.status.is_final]
    assert status.status is Status.APPLIED
    leaver = pipeline.revenues.account("500000001")
    assert leaver is not None
    assert leaver.liability_end == date(2025, 9, 30)
    assert "completing the ending" in leaver.audit_notes[-1].note
