"""Each account's bill re-derived under the current rules and compared with the one held: hand-made records of
what old versions left on accounts, with the real rules."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from adapters.sql.history import AppliedRecord, WrittenCharge, WrittenInstalment
from ctax.replay.corrections import corrections
from ctax.replay.recorded import Recorded
from ctax.replay.rederived import check_bills
from ctax.replay.report import pounds, render_bill_check, render_csv
from ctax.replay.rerun import Period
from processors.rules.assessment import assess
from processors.rules.charges import charge_lines
from processors.rules.discounts import NO_DISCOUNT, discount_from_account
from processors.rules.instalments import instalment_plan
from schemas.events import AccountChange, OpenAccount, Payment, PropertyFacts
from schemas.financial_year import FinancialYear
from schemas.notification import ChangeNotification, Contact
from tests.builders import COUNCIL, OWNER, RULES, address, move_out, notification, validated
from tests.unit.replay.fixtures import (
    UPRN,
    account,
    applied,
    payment,
    register,
    written_charges,
    written_instalments,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
YEAR = FinancialYear(2026)
BILLED = charge_lines(YEAR.start, YEAR.end, "B", NO_DISCOUNT, RULES)
PLAN = instalment_plan(sum(c.charge_pence for c in BILLED), YEAR, date(2026, 3, 1), RULES.payment_day)
PAID = [i for i in PLAN if i.due_date < date(2026, 8, 1)]  # April to July paid; August missed
CLAIM_AT = datetime(2026, 9, 10, 9, 30, tzinfo=UTC)
PERIOD = Period(date(2026, 9, 1), date(2026, 11, 30))
OFFICER = Contact(full_name="Pat Officer", email="pat.officer@example.gov.uk")


def _facts(held: OpenAccount) -> PropertyFacts:
    return PropertyFacts(uprn=UPRN, postcode="ZY1 5AB", band="B", open_account=held, owner_name=OWNER)


def _held(**update: object) -> OpenAccount:
    return OpenAccount(account_ref="A1", liability_start=date(2020, 6, 1), discount_percent=0, charges=BILLED,
                       instalments=PLAN, payments=tuple(Payment(financial_year=2026, paid_on=i.due_date,
                                                                amount_pence=i.amount_pence) for i in PAID),
                       ).model_copy(update=update)


def _claim() -> ChangeNotification:
    return notification({"kind": "single_person_discount", "uprn": UPRN, "address": address("4 Acacia Avenue"),
                         "action": "claim", "effective_date": date(2026, 10, 1), "reason": "others_left"},
                        submitted_at=CLAIM_AT)


def _assessed(n: ChangeNotification, held: OpenAccount, at: datetime) -> AccountChange:
    outcome = assess(validated(n, _facts(held)), RULES, at)
    assert isinstance(outcome, AccountChange), outcome
    return outcome


def _seeded_instalments(superseded_from: date) -> list[WrittenInstalment]:
    """The year's first plan, loaded with the register: superseded from ``superseded_from`` on."""
    return [row for i in PLAN for row in written_instalments("A1", [i], None, superseded=i.due_date >= superseded_from)]


def _recorded(applied_records: list[AppliedRecord], charges: list[WrittenCharge],
              instalments: list[WrittenInstalment], end: date | None = None) -> Recorded:
    return Recorded(
        applied=applied_records, properties={UPRN: register()}, accounts=[account("A1", date(2020, 6, 1), end=end)],
        charges=[*written_charges("A1", BILLED, None, superseded=True), *charges], instalments=instalments,
        payments=[payment("A1", i.due_date, i.amount_pence) for i in PAID])


def test_a_plan_that_demands_the_missed_instalments_twice_is_listed_with_the_money_demanded_too_much() -> None:
    n = _claim()
    right = _assessed(n, _held(), CLAIM_AT)
    (amendment,) = right.amendments
    # As an old version wrote it: the instalments superseded only from the notice (August and September kept live
    # beside a plan of the year's balance), and the new plan numbered from 1 again.
    old_plan = tuple(i.model_copy(update={"sequence": k}) for k, i in enumerate(amendment.instalments, start=1))
    recorded = _recorded([applied(n.notification_id, "A1", at=CLAIM_AT)],
                         written_charges("A1", amendment.charges, n.notification_id),
                         [*_seeded_instalments(CLAIM_AT.date()),
                          *written_instalments("A1", old_plan, n.notification_id)])
    found = check_bills({n.notification_id: n}, recorded, RULES, NOW)
    assert found.compared == 1
    (wrong,) = found.wrong
    assert (wrong.account_ref, wrong.closed) == ("A1", False)
    (year,) = wrong.years
    twice = sum(i.amount_pence for i in PLAN if date(2026, 8, 1) <= i.due_date < CLAIM_AT.date())
    assert twice > 0
    assert year.charge_difference_pence == 0
    assert year.demanded_difference_pence == -twice == wrong.demanded_difference_pence
    assert year.repeated_numbers  # "instalment 1" twice in one account-year
    table = render_bill_check(found)
    assert "1 account(s) compared; 1 billed wrong; 0 not compared" in table
    assert f"Account A1  charge £0.00, instalments demanded {pounds(-twice)}  [needs a Rebill]" in table
    (rebill,) = corrections([], recorded, PERIOD, COUNCIL, OFFICER, NOW, found.wrong)
    assert (rebill.account_ref, rebill.from_date, rebill.references) == ("A1", YEAR.start, ("CTX-AAAA-BBBB",))
    rows = list(csv.DictReader(io.StringIO(render_csv([], found.wrong))))
    assert [(r["account_ref"], r["item"], int(r["difference_pence"])) for r in rows] == [
        ("A1", "bill instalments demanded", -twice)]


def test_bills_left_as_the_current_rules_give_list_nothing() -> None:
    n = _claim()
    right = _assessed(n, _held(), CLAIM_AT)
    (amendment,) = right.amendments
    first_unpaid = amendment.year_bills[0].instalments_from
    assert first_unpaid == date(2026, 8, 1)
    recorded = _recorded([applied(n.notification_id, "A1", at=CLAIM_AT)],
                         written_charges("A1", amendment.charges, n.notification_id),
                         [*_seeded_instalments(first_unpaid),
                          *written_instalments("A1", amendment.instalments, n.notification_id)])
    found = check_bills({n.notification_id: n}, recorded, RULES, NOW)
    assert (found.wrong, found.compared, found.not_compared) == ((), 1, ())


def test_a_final_bill_at_the_discount_of_the_last_day_is_listed_with_the_charge_difference() -> None:
    """Claim from 1 October, move out 23 November: the old final bill charged the whole stay at 25%."""
    claim = _claim()
    claimed = _assessed(claim, _held(), CLAIM_AT)
    (amendment,) = claimed.amendments
    after_claim = _held(discount_code=amendment.discount_code, discount_percent=amendment.discount_percent,
                        charges=amendment.charges,
                        instalments=(*(i for i in PLAN if i.due_date < date(2026, 8, 1)), *amendment.instalments))
    leaving_at = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    leaving = notification(move_out(uprn=UPRN, move_date=date(2026, 11, 23), address=address("4 Acacia Avenue")),
                           submitted_at=leaving_at)
    ended = _assessed(leaving, after_claim, leaving_at)
    (ending,) = ended.endings
    assert [c.discount_percent for c in ending.charges] == [0, 25]
    # As an old version wrote it: one line from 1 April to the last day at the account's discount then (25%).
    one_line = charge_lines(YEAR.start, ending.liability_end, "B",
                            discount_from_account(amendment.discount_code, amendment.discount_percent), RULES)
    recorded = _recorded(
        [applied(claim.notification_id, "A1", at=CLAIM_AT), applied(leaving.notification_id, "A1", at=leaving_at)],
        [*written_charges("A1", amendment.charges, claim.notification_id, superseded=True),
         *written_charges("A1", one_line, leaving.notification_id)],
        [*_seeded_instalments(date(2026, 8, 1)),
         *written_instalments("A1", amendment.instalments, claim.notification_id, superseded=True),
         *written_instalments("A1", ending.instalments, leaving.notification_id)],
        end=ending.liability_end)
    found = check_bills({n.notification_id: n for n in (claim, leaving)}, recorded, RULES, NOW)
    (wrong,) = found.wrong
    assert wrong.closed
    (year,) = wrong.years
    right_charge = sum(c.charge_pence for c in ending.charges)
    assert year.charge_difference_pence == right_charge - sum(c.charge_pence for c in one_line) > 0
    assert year.demanded_difference_pence == 0  # the plan was right for the charge it billed: only the bill differs

