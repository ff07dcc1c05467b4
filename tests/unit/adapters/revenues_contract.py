"""The contract every revenues-system adapter must honour, run against each adapter by its own test module."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from adapters.audit_notes import money
from adapters.revenues_port import (
    AppliedChange,
    ChargeRow,
    ExistingAccount,
    InstalmentRow,
    PaymentRow,
    RefundDecision,
    RefusedChangeError,
    RevenuesUnavailableError,
    StaleAccountError,
)
from processors.rules.assessment import assess
from processors.rules.charges import charge_lines
from processors.rules.discounts import NO_DISCOUNT
from processors.rules.instalments import instalment_plan
from schemas.bank_details import BankDetailsSealer
from schemas.events import AccountChange
from schemas.financial_year import FinancialYear
from schemas.notification import BankAccountDetails
from tests.builders import (
    BANK_KEY,
    OWNER,
    RULES,
    address,
    existing_account,
    move_in,
    move_out,
    move_within,
    notification,
    refund_decision,
    register_property,
    validated,
)
from tests.unit.rules.ledger_reading import Liability, year_charge_pence

APPLIED_AT = datetime(2025, 10, 10, 12, 0, tzinfo=UTC)
# A bank account the published modulus test cases give as valid (sort code 08-99-99).
REFUND_TO = BankAccountDetails(account_holder="Alex Jones", sort_code="089999", account_number="66374958")

# What each test shows an adapter can do, for `ctax conformance`'s report (every test is in one capability).
CAPABILITIES: dict[str, tuple[str, ...]] = {
    "read the register": (
        "test_unknown_uprn_has_no_facts", "test_properties_at_a_postcode_come_in_address_order",
        "test_facts_show_band_postcode_and_any_open_account", "test_batch_reads_leave_out_what_is_unknown"),
    "open an account": (
        "test_move_in_opens_an_account_with_charges_instalments_and_a_note",
        "test_account_references_follow_the_councils_format", "test_a_batch_numbers_new_accounts_in_order"),
    "end a liability": (
        "test_move_out_closes_the_account_and_replaces_future_instalments",
        "test_move_within_ends_one_liability_and_starts_another"),
    "discounts": ("test_discounts_are_held_on_the_account_and_its_charges",),
    "instalments": ("test_instalments_are_held_as_assessed",),
    "audit notes": ("test_every_account_touched_carries_a_note_naming_the_notification",),
    "idempotency after a crash": (
        "test_applying_the_same_notification_twice_changes_nothing_the_second_time",
        "test_a_retry_after_an_answer_lost_after_commit_makes_the_change_once",
        "test_a_change_made_whole_or_never_begun_is_not_begun"),
    "refusal reasons": (
        "test_a_change_the_system_cannot_hold_is_refused_with_its_reason",
        "test_move_within_is_all_or_nothing_when_an_account_changed_meanwhile",
        "test_a_batch_applies_in_order_and_a_stale_change_writes_nothing"),
    "outages": ("test_while_unavailable_nothing_is_made_and_a_retry_later_is_asked_for",),
    "chains (an ending completed or brought back)": (
        "test_facts_show_the_account_that_ended_last_and_the_notification_that_ended_it",
        "test_an_ending_already_made_can_be_completed_and_brought_back_but_only_as_assessed"),
    "amendments (discounts, people, names from a date)": (
        "test_facts_show_what_an_open_account_holds",
        "test_an_amendment_changes_the_discount_people_and_charges_from_a_date"),
    "payment arrangements kept": ("test_the_account_keeps_its_payment_arrangement",),
    "owners and empty dwellings (s.6(2)(f))": (
        "test_the_register_names_each_propertys_owner",
        "test_an_owner_named_for_the_owners_account_is_the_registers_owner_from_then",
        "test_the_register_holds_the_empty_home_facts_the_premiums_need",
        "test_premium_lines_and_the_owners_account_round_trip",
        "test_an_owners_account_for_days_already_over_opens_ended"),
    "periods, payments and revised demands": (
        "test_payments_are_read_back_with_their_dates",
        "test_a_revised_demand_folds_the_arrears_and_never_asks_twice",
        "test_a_final_bill_is_the_sum_over_the_periods_in_force",
        "test_the_account_shows_the_instalments_revised_demands_superseded"),
    "a change recognised by what it did (its marker lost)": (
        "test_a_resend_is_recognised_by_what_the_change_did_when_its_marker_is_lost",
        "test_a_resent_move_out_is_recognised_by_the_ending_when_its_marker_is_lost",
        "test_a_redelivered_notification_writes_its_lost_marker_again"),
    "credit transfers (a final bill's credit to the mover's new account)": (
        "test_a_move_within_carries_the_final_bills_credit_to_the_new_account",
        "test_a_credit_transfer_is_made_once_after_an_answer_lost_after_commit"),
    "refund instructions (a final bill's credit to the mover's bank account)": (
        "test_a_move_out_refunds_the_final_bills_credit_to_the_bank_account_given",
        "test_a_refund_above_the_councils_threshold_is_held_for_approval_not_posted",
        "test_a_refund_is_instructed_once_after_an_answer_lost_after_commit"),
    "refund decisions (a held refund released or kept, once by its id)": (
        "test_an_officer_releases_a_held_refund_once_by_its_id",
        "test_a_refund_not_released_leaves_the_credit_on_the_account",
        "test_a_decision_on_a_refund_not_held_or_decided_otherwise_is_refused",
        "test_a_refund_is_released_once_after_an_answer_lost_after_commit"),
}
VACANT, OCCUPIED, OTHER_VACANT = "100090000001", "100090000002", "100090000003"


def seed(revenues: Any) -> None:
    revenues.create_schema()
    revenues.load_register(
        [register_property(VACANT, band="B"), register_property(OCCUPIED, band="D", line_1="2 Acacia Avenue"),
         register_property(OTHER_VACANT, band="E", line_1="3 Acacia Avenue", owner_name=None)],
        [existing_account("500000001", OCCUPIED, start=date(2021, 3, 1), paid=91200)],
    )


# An account with a year's money: billed for 2025/26 in 10 instalments, paid April to August, September missed.
LEDGERED = "500000009"
LEDGER_BILLED = charge_lines(date(2025, 4, 1), date(2026, 3, 31), "D", NO_DISCOUNT, RULES)
LEDGER_PLAN = instalment_plan(sum(c.charge_pence for c in LEDGER_BILLED), FinancialYear(2025), date(2025, 3, 1),
                              RULES.payment_day)
LEDGER_PAID = tuple(PaymentRow(2025, i.due_date, i.amount_pence) for i in LEDGER_PLAN if i.due_date < date(2025, 9, 1))


def seed_ledgered(revenues: Any) -> None:
    revenues.create_schema()
    revenues.load_register(
        [register_property(OCCUPIED, band="D", line_1="2 Acacia Avenue")],
        [ExistingAccount(account_ref=LEDGERED, uprn=OCCUPIED, liability_start=date(2019, 5, 1),
                         liable_persons=("Alex Jones",), discount_code=None, discount_percent=0,
                         charges=tuple(ChargeRow(**c.model_dump()) for c in LEDGER_BILLED),
                         instalments=tuple(InstalmentRow(**i.model_dump()) for i in LEDGER_PLAN),
                         payments=LEDGER_PAID)],
    )


def facts_of(revenues: Any, uprn: str) -> Any:  # PropertyFacts, or None if not in the register
    return revenues.property_facts_many([uprn]).get(uprn)


def applied_of(revenues: Any, notification_id: str) -> Any:  # AppliedChange, or None if never applied
    return revenues.applied_many([notification_id]).get(notification_id)


def apply_one(revenues: Any, change: AccountChange) -> AppliedChange:
    """Apply one change as a batch of one; a stale change raises, as a caller would see it."""
    (result,) = revenues.apply_account_changes([change], APPLIED_AT)
    if isinstance(result, StaleAccountError | RefusedChangeError):
        raise result
    assert isinstance(result, AppliedChange)
    return result


def change_for(revenues: Any, change: dict[str, Any]) -> AccountChange:
    n = notification(change)
    facts = [facts_of(revenues, uprn) for uprn in n.change.uprns]
    result = assess(validated(n, *facts), RULES, APPLIED_AT)
    assert isinstance(result, AccountChange), result
    return result


class RevenuesContract:
    """Subclass with a ``revenues`` fixture returning an empty adapter of the kind under test.

    ``new_account_refs``: the references the system gives its first two new accounts (its own numbering).
    """

    new_account_refs: tuple[str, str] = ("000000001", "000000002")
    name_length_limit: int | None = None  # the longest liable-person name the system holds, if shorter than ours
    # Capabilities (keys of CAPABILITIES) this adapter does not offer yet: their tests are skipped, saying so,
    # and `ctax conformance` reports them as not held.
    capabilities_not_held: frozenset[str] = frozenset()

    @pytest.fixture(autouse=True)
    def _held_capability(self, request: pytest.FixtureRequest) -> None:
        for capability in self.capabilities_not_held:
            if request.node.originalname in CAPABILITIES[capability]:
                pytest.skip(f"not held by this adapter yet: {capability}")

    @contextmanager
    def interrupted_after_commit(self, revenues: Any) -> Iterator[None]:
        """While inside, an apply reaches the system and then its answer is lost (RevenuesUnavailableError).

        The default loses the answer after the adapter returned it, as a connection dropped after COMMIT
        would; adapters of remote systems override it with the real thing (a timeout after commit).
        """
        original = revenues.apply_account_changes

        def lose_the_answer(changes: Any, applied_at: datetime) -> Any:
            original(changes, applied_at)
            raise RevenuesUnavailableError("the answer was lost after the change was made")

        revenues.apply_account_changes = lose_the_answer
        try:
            yield
        finally:
            revenues.apply_account_changes = original

    def lose_markers(self, revenues: Any) -> None:
        """Remove every marker (the adapter's record of which change a notification made) written after its
        change; skip where the adapter records a change's fingerprint with the change itself."""
        pytest.skip("this adapter records each change's fingerprint with the change itself: none can be lost")

    @contextmanager
    def unavailable(self, revenues: Any) -> Iterator[None]:
        """While inside, the system cannot be reached (a maintenance window); skip if it cannot be arranged."""
        pytest.skip("this adapter's system cannot be made unavailable by the test")
        yield

    @pytest.fixture
    def seeded(self, revenues: Any) -> Any:
        seed(revenues)
        return revenues

    def test_unknown_uprn_has_no_facts(self, seeded: Any) -> None:
        assert facts_of(seeded, "999") is None

    def test_properties_at_a_postcode_come_in_address_order(self, seeded: Any) -> None:
        found = seeded.properties_by_postcode("ZY1 5AB")
        assert [p.address_line_1 for p in found] == ["2 Acacia Avenue", "3 Acacia Avenue", "4 Acacia Avenue"]
        assert [p.uprn for p in found] == [OCCUPIED, OTHER_VACANT, VACANT]
        assert seeded.properties_by_postcode("ZY9 9ZZ") == []

    def test_facts_show_band_postcode_and_any_open_account(self, seeded: Any) -> None:
        vacant = facts_of(seeded, VACANT)
        assert (vacant.band, vacant.postcode, vacant.open_account) == ("B", "ZY1 5AB", None)
        occupied = facts_of(seeded, OCCUPIED)
        assert occupied.open_account.account_ref == "500000001"
        assert [(p.financial_year, p.amount_pence) for p in occupied.open_account.payments] == [(2025, 91200)]

    def test_move_in_opens_an_account_with_charges_instalments_and_a_note(self, seeded: Any) -> None:
        change = change_for(seeded, move_in(uprn=VACANT, move_date=date(2025, 10, 1)))
        applied = apply_one(seeded, change)
        assert applied.newly_applied
        (ref,) = applied.account_refs
        account = seeded.account(ref)
        assert (account.uprn, account.liability_start, account.liability_end) == (VACANT, date(2025, 10, 1), None)
        assert account.liable_persons == ("Sam Taylor",)
        assert [c.charge_pence for c in account.charges] == [66318]
        assert [i.amount_pence for i in account.instalments] == [16518, 16600, 16600, 16600]
        (note,) = account.audit_notes
        assert change.reference in note.note
        assert note.notification_id == change.notification_id
        assert facts_of(seeded, VACANT).open_account.account_ref == ref

    def test_applying_the_same_notification_twice_changes_nothing_the_second_time(self, seeded: Any) -> None:
        change = change_for(seeded, move_in(uprn=VACANT))
        first = apply_one(seeded, change)
        again = apply_one(seeded, change)
        assert not again.newly_applied
        assert again.account_refs == first.account_refs
        assert len(seeded.accounts_at(VACANT)) == 1
        assert len(seeded.account(first.account_refs[0]).audit_notes) == 1
        assert applied_of(seeded, change.notification_id).account_refs == first.account_refs
        by_fingerprint = seeded.applied_with_fingerprints([change.change_fingerprint])
        assert by_fingerprint[change.change_fingerprint].notification_id == change.notification_id

    def test_move_out_closes_the_account_and_replaces_future_instalments(self, seeded: Any) -> None:
        seeded_account = seeded.account("500000001")
        change = change_for(seeded, move_out(uprn=OCCUPIED, move_date=date(2025, 10, 1)))
        apply_one(seeded, change)
        account = seeded.account("500000001")
        assert account.liability_end == date(2025, 9, 30)
        # Band D £2,280 x 183/365 = £1,143.12, less £912 paid = £231.12 in 4: £57.12 then 3 x £58
        assert [(c.period_start, c.period_end, c.charge_pence) for c in account.charges] == [
            (date(2025, 4, 1), date(2025, 9, 30), 114312)]
        assert [i.amount_pence for i in account.instalments if i.due_date >= date(2025, 10, 10)] == [
            5712, 5800, 5800, 5800]
        assert len(account.audit_notes) == len(seeded_account.audit_notes) + 1
        # No one moves in: the owner is liable for the empty dwelling from the move date (s.6(2)(f)).
        owner = facts_of(seeded, OCCUPIED).open_account
        assert (owner.liability_start, owner.unoccupied_since, owner.liable_persons) == (
            date(2025, 10, 1), date(2025, 10, 1), (OWNER,))
        assert owner.charges == change.openings[0].charges
        assert "empty since 2025-10-01" in seeded.account(owner.account_ref).audit_notes[0].note

    def test_the_register_names_each_propertys_owner(self, seeded: Any) -> None:
        assert facts_of(seeded, OCCUPIED).owner_name == OWNER
        assert [p.owner_name for p in seeded.properties_by_postcode("ZY1 5AB")] == [OWNER, None, OWNER]

    def test_the_register_holds_the_empty_home_facts_the_premiums_need(self, revenues: Any) -> None:
        revenues.create_schema()
        second_home = replace(register_property(VACANT, line_1="1 Quay Street"), furnished=True,
                              premium_exception="F", premium_exception_from=date(2025, 5, 20))
        revenues.load_register([second_home, register_property(OTHER_VACANT, line_1="3 Quay Street")], [])
        held = facts_of(revenues, VACANT)
        assert (held.furnished, held.premium_exception, held.premium_exception_from) == (True, "F", date(2025, 5, 20))
        plain = facts_of(revenues, OTHER_VACANT)
        assert (plain.furnished, plain.premium_exception, plain.premium_exception_from) == (False, None, None)
        assert revenues.properties_by_postcode("ZY1 5AB")[0] == second_home

    def test_an_owner_named_for_the_owners_account_is_the_registers_owner_from_then(self, seeded: Any) -> None:
        n = notification(move_out(uprn=OCCUPIED, move_date=date(2025, 10, 1), address=address("2 Acacia Avenue"),
                                  landlord_name="Quayside Homes Ltd"), channel="officer_correction")
        change = assess(validated(n, facts_of(seeded, OCCUPIED)), RULES, APPLIED_AT)
        assert isinstance(change, AccountChange)
        apply_one(seeded, change)
        assert facts_of(seeded, OCCUPIED).owner_name == "Quayside Homes Ltd"
        assert facts_of(seeded, OCCUPIED).open_account.liable_persons == ("Quayside Homes Ltd",)

    def test_premium_lines_and_the_owners_account_round_trip(self, seeded: Any) -> None:
        # An owner's account with a premium line (its own line, at -100%) beside the band's line for the same days.
        leaving = change_for(seeded, move_out(uprn=OCCUPIED, move_date=date(2025, 10, 1)))
        (opening,) = leaving.openings
        premium = opening.charges[0].model_copy(update={"discount_code": "LTEP", "discount_percent": -100})
        held = opening.model_copy(update={"charges": (*opening.charges, premium), "unoccupied_since": date(2024, 9, 1)})
        apply_one(seeded, leaving.model_copy(update={"openings": (held,)}))
        owner = facts_of(seeded, OCCUPIED).open_account
        assert owner.unoccupied_since == date(2024, 9, 1)
        assert sorted((c.discount_code or "", c.discount_percent, c.charge_pence) for c in owner.charges) == sorted(
            (c.discount_code or "", c.discount_percent, c.charge_pence) for c in held.charges)
        assert seeded.account(owner.account_ref).unoccupied_since == date(2024, 9, 1)

    def test_an_owners_account_for_days_already_over_opens_ended(self, seeded: Any) -> None:
        # The newcomer moved in on 2 October and told us first; the leaver left on 1 October: the owner is liable
        # for 1 October alone, an account opened and ended at once.
        apply_one(seeded, change_for(seeded, move_in(uprn=OCCUPIED, move_date=date(2025, 10, 2),
                                                      address=address("2 Acacia Avenue"))))
        leaving = change_for(seeded, move_out(uprn=OCCUPIED, move_date=date(2025, 10, 1),
                                              address=address("2 Acacia Avenue")))
        (opening,) = leaving.openings
        assert (opening.liability_start, opening.liability_end) == (date(2025, 10, 1), date(2025, 10, 1))
        applied = apply_one(seeded, leaving)
        owner = seeded.account(applied.account_refs[1])
        assert (owner.liability_start, owner.liability_end, owner.liable_persons) == (
            date(2025, 10, 1), date(2025, 10, 1), (OWNER,))
        assert facts_of(seeded, OCCUPIED).open_account.liable_persons == ("Sam Taylor",)
        ended = facts_of(seeded, OCCUPIED).last_ended_account
        assert (ended.account_ref, ended.ended_by_reference) == (owner.account_ref, leaving.reference)

    def test_move_within_is_all_or_nothing_when_an_account_changed_meanwhile(self, seeded: Any) -> None:
        change = change_for(seeded, move_within(from_uprn=OCCUPIED, to_uprn=OTHER_VACANT))
        # Meanwhile someone else's move-out closed the account this change expects to close.
        apply_one(seeded, change_for(seeded, move_out(uprn=OCCUPIED)))
        with pytest.raises(StaleAccountError, match="500000001"):
            apply_one(seeded, change)
        assert seeded.accounts_at(OTHER_VACANT) == []
        assert applied_of(seeded, change.notification_id) is None

    def test_move_within_ends_one_liability_and_starts_another(self, seeded: Any) -> None:
        change = change_for(seeded, move_within(from_uprn=OCCUPIED, to_uprn=OTHER_VACANT,
                                                move_date=date(2025, 10, 1)))
        applied = apply_one(seeded, change)
        assert applied.account_refs[0] == "500000001"
        assert seeded.account("500000001").liability_end == date(2025, 9, 30)
        new = seeded.account(applied.account_refs[1])
        assert (new.uprn, new.liability_start) == (OTHER_VACANT, date(2025, 10, 1))

    def test_account_references_follow_the_councils_format(self, revenues: Any) -> None:
        seed(revenues)
        applied = apply_one(revenues, change_for(revenues, move_in(uprn=VACANT)))
        assert applied.account_refs[0] == self.new_account_refs[0]

    def test_batch_reads_leave_out_what_is_unknown(self, seeded: Any) -> None:
        many = seeded.property_facts_many([VACANT, OCCUPIED, "999", VACANT])
        assert set(many) == {VACANT, OCCUPIED}
        assert (many[VACANT].band, many[OCCUPIED].open_account.account_ref) == ("B", "500000001")
        change = change_for(seeded, move_in(uprn=VACANT))
        apply_one(seeded, change)
        assert set(seeded.applied_many([change.notification_id, "nope"])) == {change.notification_id}
        assert set(seeded.applied_with_fingerprints([change.change_fingerprint, "x"])) == {change.change_fingerprint}

    def test_a_change_made_whole_or_never_begun_is_not_begun(self, seeded: Any) -> None:
        """Only a change left part-made (a back office taking it in several calls) is to be finished as assessed."""
        whole = change_for(seeded, move_within(from_uprn=OCCUPIED, to_uprn=VACANT))
        assert len(whole.endings) + len(whole.openings) >= 2
        never = change_for(seeded, move_in(uprn=OTHER_VACANT))
        apply_one(seeded, whole)
        assert seeded.begun_many([whole.notification_id, never.notification_id]) == {}

    def test_a_batch_applies_in_order_and_a_stale_change_writes_nothing(self, seeded: Any) -> None:
        leaving = change_for(seeded, move_out(uprn=OCCUPIED, move_date=date(2025, 10, 1)))
        # Assessed before the move-out was applied, so it expects account 500000001 still open.
        moving_on = change_for(seeded, move_within(from_uprn=OCCUPIED, to_uprn=OTHER_VACANT))
        arriving = change_for(seeded, move_in(uprn=VACANT))
        results = seeded.apply_account_changes([leaving, moving_on, arriving, leaving], APPLIED_AT)
        assert isinstance(results[1], StaleAccountError)
        assert results[0].account_refs[0] == "500000001"  # then the owner's account for the empty dwelling
        assert results[3].account_refs == results[0].account_refs
        assert results[2].account_refs[0] != "500000001"
        assert seeded.accounts_at(OTHER_VACANT) == []
        assert applied_of(seeded, moving_on.notification_id) is None
        assert len(seeded.account("500000001").audit_notes) == 1
        assert seeded.account(results[2].account_refs[0]).liable_persons == ("Sam Taylor",)

    def test_a_batch_numbers_new_accounts_in_order(self, revenues: Any) -> None:
        seed(revenues)
        first = change_for(revenues, move_in(uprn=VACANT))
        second = change_for(revenues, move_in(uprn=OTHER_VACANT, move_date=date(2025, 10, 2)))
        results = revenues.apply_account_changes([first, second], APPLIED_AT)
        # The system's own first two numbers; changes to different properties may be made side by side (SOAP),
        # so which takes which is the back office's, but each result names the account opened for its change.
        assert {r.account_refs for r in results} == {(ref,) for ref in self.new_account_refs}
        assert revenues.account(results[0].account_refs[0]).uprn == VACANT
        assert revenues.account(results[1].account_refs[0]).uprn == OTHER_VACANT
        assert applied_of(revenues, second.notification_id).account_refs == results[1].account_refs

    def test_a_retry_after_an_answer_lost_after_commit_makes_the_change_once(self, seeded: Any) -> None:
        change = change_for(seeded, move_within(from_uprn=OCCUPIED, to_uprn=OTHER_VACANT))
        with self.interrupted_after_commit(seeded), pytest.raises(RevenuesUnavailableError):
            seeded.apply_account_changes([change], APPLIED_AT)
        applied = apply_one(seeded, change)
        assert len(seeded.accounts_at(OTHER_VACANT)) == 1
        assert applied.account_refs[1] == seeded.accounts_at(OTHER_VACANT)[0].account_ref
        ended = seeded.account("500000001")
        assert ended.liability_end is not None
        assert [n.notification_id for n in ended.audit_notes].count(change.notification_id) == 1
        assert applied_of(seeded, change.notification_id).account_refs == applied.account_refs

    def test_a_change_the_system_cannot_hold_is_refused_with_its_reason(self, seeded: Any) -> None:
        if self.name_length_limit is None:
            pytest.skip("this system holds every name our intake accepts")
        long_name = "Bartholomew Alexander Montgomery-Fitzwilliam Smythe-Jones"
        assert len(long_name) > self.name_length_limit
        change = change_for(seeded, move_in(uprn=VACANT, residents=[{"full_name": long_name}]))
        (result,) = seeded.apply_account_changes([change], APPLIED_AT)
        assert isinstance(result, RefusedChangeError)
        assert str(self.name_length_limit) in str(result)
        assert long_name not in str(result)  # the reason names the rule, not the person
        assert seeded.accounts_at(VACANT) == []
        assert applied_of(seeded, change.notification_id) is None

    def test_while_unavailable_nothing_is_made_and_a_retry_later_is_asked_for(self, seeded: Any) -> None:
        change = change_for(seeded, move_in(uprn=VACANT))
        with self.unavailable(seeded), pytest.raises(RevenuesUnavailableError):
            seeded.apply_account_changes([change], APPLIED_AT)
        assert apply_one(seeded, change).newly_applied
        assert len(seeded.accounts_at(VACANT)) == 1

    def test_discounts_are_held_on_the_account_and_its_charges(self, seeded: Any) -> None:
        alone = apply_one(seeded, change_for(seeded, move_in(uprn=VACANT)))
        account = seeded.account(alone.account_refs[0])
        assert (account.discount_code, account.discount_percent) == ("SPD", 25)
        assert [(c.discount_code, c.discount_percent) for c in account.charges] == [("SPD", 25)]
        two = apply_one(seeded, change_for(seeded, move_in(
            uprn=OTHER_VACANT, residents=[{"full_name": "Sam Taylor"}, {"full_name": "Alex Taylor"}])))
        assert (seeded.account(two.account_refs[0]).discount_code, seeded.account(two.account_refs[0])
                .discount_percent) == (None, 0)

    def test_instalments_are_held_as_assessed(self, seeded: Any) -> None:
        change = change_for(seeded, move_in(uprn=VACANT, move_date=date(2025, 10, 1)))
        applied = apply_one(seeded, change)
        held = seeded.account(applied.account_refs[0]).instalments
        assert [(i.financial_year, i.sequence, i.due_date, i.amount_pence) for i in held] == [
            (i.financial_year, i.sequence, i.due_date, i.amount_pence) for i in change.openings[0].instalments]

    def test_every_account_touched_carries_a_note_naming_the_notification(self, seeded: Any) -> None:
        change = change_for(seeded, move_within(from_uprn=OCCUPIED, to_uprn=OTHER_VACANT))
        applied = apply_one(seeded, change)
        for ref in applied.account_refs:
            notes = [n for n in seeded.account(ref).audit_notes if n.notification_id == change.notification_id]
            assert len(notes) == 1
            assert change.reference in notes[0].note

    def test_facts_show_the_account_that_ended_last_and_the_notification_that_ended_it(self, seeded: Any) -> None:
        assert facts_of(seeded, OCCUPIED).last_ended_account is None
        change = change_for(seeded, move_out(uprn=OCCUPIED, move_date=date(2025, 10, 1)))
        apply_one(seeded, change)
        ended = facts_of(seeded, OCCUPIED).last_ended_account
        assert (ended.account_ref, ended.liability_start, ended.liability_end) == (
            "500000001", date(2021, 3, 1), date(2025, 9, 30))
        assert ended.ended_by_reference == change.reference
        assert facts_of(seeded, VACANT).last_ended_account is None

    def test_an_ending_already_made_can_be_completed_and_brought_back_but_only_as_assessed(self, seeded: Any) -> None:
        # The newcomer's move-in ends the leaver's liability the day before it starts (2 October) ...
        apply_one(seeded, change_for(seeded, move_in(uprn=OCCUPIED, move_date=date(2025, 10, 2),
                                                      address=address("2 Acacia Avenue"))))
        assert seeded.account("500000001").liability_end == date(2025, 10, 1)
        # ... then the leaver's own move-out says they left on 1 October: the ending is brought back a day.
        completing = change_for(seeded, move_out(uprn=OCCUPIED, move_date=date(2025, 10, 1),
                                                 address=address("2 Acacia Avenue")))
        (ending,) = completing.endings
        assert (ending.expected_liability_end, ending.liability_end) == (date(2025, 10, 1), date(2025, 9, 30))
        apply_one(seeded, completing)
        account = seeded.account("500000001")
        assert account.liability_end == date(2025, 9, 30)
        assert [(c.period_end, c.charge_pence) for c in account.charges] == [(date(2025, 9, 30), 114312)]
        assert "Final bill to 9 Harbour Street" in account.audit_notes[-1].note
        # The same completion assessed again now expects an end the account no longer has: nothing written.
        stale = completing.model_copy(update={"notification_id": "0b5d4b7e-4c1a-4bb0-9c55-2b4a1f3c9d10"})
        with pytest.raises(StaleAccountError, match="no longer ends on 2025-10-01"):
            apply_one(seeded, stale)
        assert len(seeded.account("500000001").audit_notes) == len(account.audit_notes)

    def test_facts_show_what_an_open_account_holds(self, seeded: Any) -> None:
        account = facts_of(seeded, OCCUPIED).open_account
        assert account.liable_persons == ("Alex Jones",)
        assert (account.twelve_instalments, account.payment_day) == (False, None)

    def test_an_amendment_changes_the_discount_people_and_charges_from_a_date(self, seeded: Any) -> None:
        household = {"kind": "household_change", "uprn": OCCUPIED, "address": address("2 Acacia Avenue"),
                     "effective_date": date(2025, 10, 1), "event": "adult_joined",
                     "residents": [{"full_name": "Alex Jones"}, {"full_name": "Kim Lee", "disregard": "apprentice"}],
                     "liable_persons": ["Alex Jones", "Kim Lee"]}
        change = change_for(seeded, household)
        applied = apply_one(seeded, change)
        assert applied.account_refs == ("500000001",)
        account = seeded.account("500000001")
        assert account.liable_persons == ("Alex Jones", "Kim Lee")
        assert (account.discount_code, account.discount_percent, account.liability_end) == ("SPD", 25, None)
        (amendment,) = change.amendments
        assert [c.charge_pence for c in account.charges] == [c.charge_pence for c in amendment.charges]
        assert [i.amount_pence for i in account.instalments if i.due_date >= date(2025, 10, 10)] == [
            i.amount_pence for i in amendment.instalments]
        assert facts_of(seeded, OCCUPIED).open_account.charges == amendment.charges
        assert "Household changed" in account.audit_notes[-1].note
        assert not apply_one(seeded, change).newly_applied  # applied once only
        assert len(seeded.account("500000001").audit_notes) == len(account.audit_notes)

    def test_the_account_keeps_its_payment_arrangement(self, seeded: Any) -> None:
        arrangement = {"kind": "payment_arrangement", "uprn": OCCUPIED, "address": address("2 Acacia Avenue"),
                       "twelve_instalments": True, "payment_day": 15, "requested_on": date(2025, 10, 10)}
        apply_one(seeded, change_for(seeded, arrangement))
        account = seeded.account("500000001")
        assert (account.twelve_instalments, account.payment_day) == (True, 15)
        assert {i.due_date.day for i in account.instalments if i.due_date >= date(2025, 10, 10)} == {15}
        held = facts_of(seeded, OCCUPIED).open_account
        assert (held.twelve_instalments, held.payment_day) == (True, 15)
        opened = apply_one(seeded, change_for(seeded, move_in(uprn=VACANT, twelve_instalments=True)))
        assert seeded.account(opened.account_refs[0]).twelve_instalments

    @pytest.fixture
    def ledgered(self, revenues: Any) -> Any:
        seed_ledgered(revenues)
        return revenues

    def test_payments_are_read_back_with_their_dates(self, ledgered: Any) -> None:
        held = facts_of(ledgered, OCCUPIED).open_account
        assert [(p.financial_year, p.paid_on, p.amount_pence) for p in held.payments] == [
            (p.financial_year, p.paid_on, p.amount_pence) for p in LEDGER_PAID]
        assert [(i.sequence, i.due_date, i.amount_pence) for i in held.instalments] == [
            (i.sequence, i.due_date, i.amount_pence) for i in LEDGER_PLAN]
        account = ledgered.account(LEDGERED)
        assert [(p.paid_on, p.amount_pence) for p in account.payments] == [(p.paid_on, p.amount_pence)
                                                                          for p in LEDGER_PAID]

    def _claim_from_october(self, ledgered: Any) -> AccountChange:
        claim = {"kind": "single_person_discount", "uprn": OCCUPIED, "address": address("2 Acacia Avenue"),
                 "action": "claim", "effective_date": date(2025, 10, 1), "reason": "others_left"}
        change = change_for(ledgered, claim)
        apply_one(ledgered, change)
        return change

    def test_a_revised_demand_folds_the_arrears_and_never_asks_twice(self, ledgered: Any) -> None:
        """SI 1992/613 reg. 24, Sch. 1 para 10: the missed September instalment is folded into the revised plan,
        not kept beside it; the instalments still to pay come to the year's charge less what was paid."""
        change = self._claim_from_october(ledgered)
        account = ledgered.account(LEDGERED)
        charge = sum(c.charge_pence for c in account.charges if c.financial_year == 2025)
        liability = Liability(date(2019, 5, 1), None, "D", ((date(2019, 5, 1), 0), (date(2025, 10, 1), 25)))
        assert charge == year_charge_pence(liability, 2025, RULES.band_d_pence[2025])
        paid = sum(p.amount_pence for p in LEDGER_PAID)
        paid_dates = {p.paid_on for p in LEDGER_PAID}
        live = [i for i in account.instalments if i.financial_year == 2025]
        unpaid = [i for i in live if i.due_date not in paid_dates]
        assert sum(i.amount_pence for i in unpaid) == charge - paid
        missed = next(i for i in LEDGER_PLAN if i.due_date.month == 9)
        assert (missed.sequence, missed.due_date) not in {(i.sequence, i.due_date) for i in live}
        sequences = [i.sequence for i in live]
        assert len(sequences) == len(set(sequences)), sequences
        assert min(i.sequence for i in unpaid) > max(i.sequence for i in live if i.due_date in paid_dates)
        assert "-£" not in account.audit_notes[-1].note
        assert change.reference in account.audit_notes[-1].note

    def test_a_final_bill_is_the_sum_over_the_periods_in_force(self, ledgered: Any) -> None:
        """A move-out after a discount claim bills each period at the discount it had (LGFA 1992 s.2, s.11)."""
        self._claim_from_october(ledgered)
        leaving = change_for(ledgered, move_out(uprn=OCCUPIED, move_date=date(2025, 10, 20),
                                                address=address("2 Acacia Avenue")))
        apply_one(ledgered, leaving)
        account = ledgered.account(LEDGERED)
        assert account.liability_end == date(2025, 10, 19)
        assert [(c.period_start, c.period_end, c.discount_percent) for c in account.charges] == [
            (date(2025, 4, 1), date(2025, 9, 30), 0), (date(2025, 10, 1), date(2025, 10, 19), 25)]
        liability = Liability(date(2019, 5, 1), date(2025, 10, 19), "D",
                              ((date(2019, 5, 1), 0), (date(2025, 10, 1), 25)))
        charge = sum(c.charge_pence for c in account.charges)
        assert charge == year_charge_pence(liability, 2025, RULES.band_d_pence[2025])
        paid_dates = {p.paid_on for p in LEDGER_PAID}
        unpaid = [i for i in account.instalments if i.due_date not in paid_dates]
        assert sum(i.amount_pence for i in unpaid) == max(0, charge - sum(p.amount_pence for p in LEDGER_PAID))
        ended = facts_of(ledgered, OCCUPIED).last_ended_account
        assert ended.account_ref == LEDGERED
        assert [(p.paid_on, p.amount_pence) for p in ended.payments] == [(p.paid_on, p.amount_pence)
                                                                        for p in LEDGER_PAID]
        assert [c.discount_percent for c in ended.charges] == [0, 25]

    def test_the_account_shows_the_instalments_revised_demands_superseded(self, ledgered: Any) -> None:
        """The back office keeps what a revised demand replaced: the account read for staff shows it beside what
        is still demanded, and the rules' reads never see it."""
        assert ledgered.account(LEDGERED).superseded_instalments == ()
        self._claim_from_october(ledgered)
        account = ledgered.account(LEDGERED)
        missed_on = [i for i in LEDGER_PLAN if i.due_date >= date(2025, 9, 1)]  # September missed: folded
        assert [(i.financial_year, i.sequence, i.due_date, i.amount_pence) for i in account.superseded_instalments] \
            == [(i.financial_year, i.sequence, i.due_date, i.amount_pence) for i in missed_on]
        live = {(i.sequence, i.due_date) for i in account.instalments}
        assert not live & {(i.sequence, i.due_date) for i in account.superseded_instalments}
        held = facts_of(ledgered, OCCUPIED).open_account
        assert sorted((i.sequence, i.due_date) for i in held.instalments) == sorted(live)
        revised = [i for i in account.instalments if i.due_date >= date(2025, 10, 1)]
        apply_one(ledgered, change_for(ledgered, move_out(uprn=OCCUPIED, move_date=date(2025, 10, 20),
                                                          address=address("2 Acacia Avenue"))))
        ended = ledgered.account(LEDGERED)
        assert {(i.sequence, i.due_date) for i in revised} <= {(i.sequence, i.due_date)
                                                               for i in ended.superseded_instalments}
        assert [a.superseded_instalments for a in ledgered.accounts_at(OCCUPIED)
                if a.account_ref == LEDGERED] == [ended.superseded_instalments]

    def test_a_resend_is_recognised_by_what_the_change_did_when_its_marker_is_lost(self, seeded: Any) -> None:
        arrangement = {"kind": "payment_arrangement", "uprn": OCCUPIED, "address": address("2 Acacia Avenue"),
                       "twelve_instalments": True, "payment_day": 15, "requested_on": date(2025, 10, 10)}
        made = [change_for(seeded, move_in(uprn=VACANT)), change_for(seeded, arrangement)]
        for change in made:
            apply_one(seeded, change)
        self.lose_markers(seeded)
        fingerprints = [c.change_fingerprint for c in made]
        assert seeded.applied_with_fingerprints(fingerprints) == {}  # the markers are gone
        other = change_for(seeded, move_in(uprn=OTHER_VACANT))  # not made: a change told for the first time
        found = seeded.applied_with_fingerprints([*fingerprints, other.change_fingerprint],
                                                 uprns=[VACANT, OCCUPIED, OTHER_VACANT])
        assert {fp: a.notification_id for fp, a in found.items()} == {
            c.change_fingerprint: c.notification_id for c in made}
        assert set(seeded.applied_with_fingerprints(fingerprints)) == set(fingerprints)  # the markers mended

    def test_a_resent_move_out_is_recognised_by_the_ending_when_its_marker_is_lost(self, seeded: Any) -> None:
        change = change_for(seeded, move_out(uprn=OCCUPIED, move_date=date(2025, 10, 1)))
        applied = apply_one(seeded, change)
        self.lose_markers(seeded)
        found = seeded.applied_with_fingerprints([change.change_fingerprint], uprns=[OCCUPIED])
        assert found[change.change_fingerprint].notification_id == change.notification_id
        # The ending and the owner's account for the home left empty.
        assert found[change.change_fingerprint].account_refs == applied.account_refs
        assert applied.account_refs[0] == "500000001"
        assert len(applied.account_refs) == 2

    def test_a_redelivered_notification_writes_its_lost_marker_again(self, seeded: Any) -> None:
        change = change_for(seeded, move_in(uprn=VACANT))
        applied = apply_one(seeded, change)
        self.lose_markers(seeded)
        assert applied_of(seeded, change.notification_id).account_refs == applied.account_refs  # redelivered
        by_marker = seeded.applied_with_fingerprints([change.change_fingerprint])
        assert by_marker[change.change_fingerprint].notification_id == change.notification_id

    def _move_within_in_credit(self, seeded: Any) -> tuple[AccountChange, int]:
        """The seeded occupier paid £912 towards 2025/26 and moves on 1 June: their final bill is in credit."""
        change = change_for(seeded, move_within(from_uprn=OCCUPIED, to_uprn=OTHER_VACANT,
                                                move_date=date(2025, 6, 1)))
        kept = year_charge_pence(Liability(date(2021, 3, 1), date(2025, 5, 31), "D", ((date(2021, 3, 1), 0),)),
                                 2025, RULES.band_d_pence[2025])
        return change, 91200 - kept

    def test_a_move_within_carries_the_final_bills_credit_to_the_new_account(self, seeded: Any) -> None:
        change, credit = self._move_within_in_credit(seeded)
        applied = apply_one(seeded, change)
        old, new = seeded.account("500000001"), seeded.account(applied.account_refs[1])
        assert [(p.financial_year, p.paid_on, p.amount_pence) for p in old.payments] == [
            (2025, date(2025, 4, 1), 91200), (2025, change.notice_date, -credit)]
        assert [(p.financial_year, p.paid_on, p.amount_pence) for p in new.payments] == [
            (2025, change.notice_date, credit)]
        assert sum(p.amount_pence for p in (*old.payments, *new.payments)) == 91200  # to the penny
        new_charge = sum(c.charge_pence for c in new.charges)
        assert sum(i.amount_pence for i in new.instalments) == new_charge - credit
        old_note, new_note = old.audit_notes[-1].note, new.audit_notes[-1].note
        assert f"credit {money(credit)} for 2025/26 transferred to the mover's new account at property " \
               f"{OTHER_VACANT}" in old_note
        assert f"Credit {money(credit)} transferred from account 500000001 (property {OCCUPIED})" in new_note
        assert change.reference in old_note
        assert change.reference in new_note
        held = facts_of(seeded, OTHER_VACANT).open_account  # what the next change to the new account starts from
        assert [(p.financial_year, p.amount_pence) for p in held.payments] == [(2025, credit)]

    def test_a_credit_transfer_is_made_once_after_an_answer_lost_after_commit(self, seeded: Any) -> None:
        change, credit = self._move_within_in_credit(seeded)
        with self.interrupted_after_commit(seeded), pytest.raises(RevenuesUnavailableError):
            seeded.apply_account_changes([change], APPLIED_AT)
        applied = apply_one(seeded, change)
        apply_one(seeded, change)
        assert [p.amount_pence for p in seeded.account("500000001").payments] == [91200, -credit]
        assert [p.amount_pence for p in seeded.account(applied.account_refs[1]).payments] == [credit]

    def _move_out_with_refund(self, seeded: Any, move_date: date) -> tuple[AccountChange, int]:
        """The seeded occupier paid £912 towards 2025/26, moves out, and gives a bank account for the credit."""
        sealed = BankDetailsSealer([BANK_KEY]).seal(REFUND_TO)
        change = change_for(seeded, move_out(uprn=OCCUPIED, move_date=move_date, address=address("2 Acacia Avenue"),
                                             refund_to=sealed.model_dump()))
        kept = year_charge_pence(Liability(date(2021, 3, 1), move_date - timedelta(days=1), "D",
                                           ((date(2021, 3, 1), 0),)), 2025, RULES.band_d_pence[2025])
        return change, 91200 - kept

    def test_a_move_out_refunds_the_final_bills_credit_to_the_bank_account_given(self, seeded: Any) -> None:
        change, credit = self._move_out_with_refund(seeded, date(2025, 6, 15))
        assert 0 < credit <= RULES.refund_approval_threshold_pence
        apply_one(seeded, change)
        account = seeded.account("500000001")
        assert [(r.financial_year, r.amount_pence, r.masked_bank_account, r.held_for_approval, r.instructed_on)
                for r in account.refunds] == [(2025, credit, REFUND_TO.masked, False, change.notice_date)]
        assert [(p.paid_on, p.amount_pence) for p in account.payments] == [
            (date(2025, 4, 1), 91200), (change.notice_date, -credit)]  # posted: the year's credit is settled
        assert f"credit {money(credit)} for 2025/26 refunded to {REFUND_TO.masked}" in account.audit_notes[-1].note
        assert REFUND_TO.account_number not in account.audit_notes[-1].note

    def test_a_refund_above_the_councils_threshold_is_held_for_approval_not_posted(self, seeded: Any) -> None:
        change, credit = self._move_out_with_refund(seeded, date(2025, 6, 1))
        assert credit > RULES.refund_approval_threshold_pence
        apply_one(seeded, change)
        account = seeded.account("500000001")
        assert [(r.amount_pence, r.held_for_approval) for r in account.refunds] == [(credit, True)]
        assert [p.amount_pence for p in account.payments] == [91200]
        assert "once an officer approves" in account.audit_notes[-1].note

    def test_a_refund_is_instructed_once_after_an_answer_lost_after_commit(self, seeded: Any) -> None:
        change, credit = self._move_out_with_refund(seeded, date(2025, 6, 15))
        # An adapter may recover by itself (looking before it resends) or ask for a retry later.
        with self.interrupted_after_commit(seeded), contextlib.suppress(RevenuesUnavailableError):
            seeded.apply_account_changes([change], APPLIED_AT)
        apply_one(seeded, change)
        apply_one(seeded, change)
        account = seeded.account("500000001")
        assert [r.amount_pence for r in account.refunds] == [credit]
        assert [p.amount_pence for p in account.payments] == [91200, -credit]

    def _held_refund(self, seeded: Any) -> int:
        """The seeded occupier moves out with a credit above the threshold: its refund is held for approval."""
        change, credit = self._move_out_with_refund(seeded, date(2025, 6, 1))
        apply_one(seeded, change)
        return credit

    def _decision(self, seeded: Any, *, approved: bool) -> AccountChange:
        return change_for(seeded, refund_decision("500000001", 2025, approved=approved, uprn=OCCUPIED,
                                                  line_1="2 Acacia Avenue"))

    def test_an_officer_releases_a_held_refund_once_by_its_id(self, seeded: Any) -> None:
        credit = self._held_refund(seeded)
        release = self._decision(seeded, approved=True)
        assert apply_one(seeded, release).account_refs == ("500000001",)
        apply_one(seeded, release)  # the same notification again
        apply_one(seeded, self._decision(seeded, approved=True))  # another release of the same refund (its id)
        account = seeded.account("500000001")
        assert [(r.amount_pence, r.held_for_approval, r.decision, r.decided_on) for r in account.refunds] == [
            (credit, True, RefundDecision.APPROVED, date(2025, 10, 10))]
        assert [(p.paid_on, p.amount_pence) for p in account.payments] == [
            (date(2025, 4, 1), 91200), (date(2025, 10, 10), -credit)]  # posted once, on the day decided
        assert [n.notification_id for n in account.audit_notes].count(release.notification_id) == 1
        assert "approved by an officer and released" in account.audit_notes[-1].note
        assert REFUND_TO.account_number not in account.audit_notes[-1].note

    def test_a_refund_not_released_leaves_the_credit_on_the_account(self, seeded: Any) -> None:
        credit = self._held_refund(seeded)
        apply_one(seeded, self._decision(seeded, approved=False))
        account = seeded.account("500000001")
        assert [(r.amount_pence, r.decision, r.paid) for r in account.refunds] == [
            (credit, RefundDecision.REJECTED, False)]
        assert [p.amount_pence for p in account.payments] == [91200]  # the credit stays
        assert "the credit stays on the account" in account.audit_notes[-1].note

    def test_a_decision_on_a_refund_not_held_or_decided_otherwise_is_refused(self, seeded: Any) -> None:
        with pytest.raises(RefusedChangeError) as none_held:
            apply_one(seeded, self._decision(seeded, approved=True))  # no refund at all yet
        assert none_held.value.code == "NO_HELD_REFUND"
        self._held_refund(seeded)
        apply_one(seeded, self._decision(seeded, approved=False))
        with pytest.raises(RefusedChangeError) as decided:
            apply_one(seeded, self._decision(seeded, approved=True))
        assert decided.value.code == "REFUND_ALREADY_DECIDED"
        assert [p.amount_pence for p in seeded.account("500000001").payments] == [91200]

    def test_a_refund_is_released_once_after_an_answer_lost_after_commit(self, seeded: Any) -> None:
        credit = self._held_refund(seeded)
        release = self._decision(seeded, approved=True)
        with self.interrupted_after_commit(seeded), contextlib.suppress(RevenuesUnavailableError):
            seeded.apply_account_changes([release], APPLIED_AT)
        apply_one(seeded, release)
        apply_one(seeded, release)
        assert [p.amount_pence for p in seeded.account("500000001").payments] == [91200, -credit]
