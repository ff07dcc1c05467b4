"""A resident's complete answers for each account change become the request the intake API takes."""

from __future__ import annotations

from datetime import date

from schemas.notification import (
    ChangeKind,
    DiscountAction,
    DisregardReason,
    HouseholdChange,
    HouseholdEvent,
    NameChange,
    NameChangeReason,
    PaymentArrangement,
    SinglePersonDiscount,
    SpdReason,
    StudentExemption,
)
from tests.unit.web.resident.fixtures import account_change
from web.resident.answers import Person
from web.resident.change_answers import NameAnswers, PaymentAnswers, StudentAnswers
from web.resident.notification_builder import notification_request
from web.resident.question_order import next_path

TODAY = date(2026, 5, 12)
WHEN = date(2026, 5, 1)


def test_a_single_person_discount_claim() -> None:
    answers = account_change(ChangeKind.SINGLE_PERSON_DISCOUNT, discount_action=DiscountAction.CLAIM,
                             discount_reason=SpdReason.ONLY_ADULT, move_date=WHEN)
    change = notification_request(answers, TODAY).change
    assert isinstance(change, SinglePersonDiscount)
    assert (change.uprn, change.account_reference, change.action, change.reason, change.effective_date) == (
        "100091000004", "500000004", DiscountAction.CLAIM, SpdReason.ONLY_ADULT, WHEN)


def test_who_lives_there_names_the_liable_among_the_residents() -> None:
    people = [Person(full_name="Ben Walker", date_of_birth=date(1980, 1, 1)),
              Person(full_name="Rosa Walker", date_of_birth=date(2005, 1, 1),
                     disregard=DisregardReason.FULL_TIME_STUDENT)]
    answers = account_change(ChangeKind.HOUSEHOLD_CHANGE, household_event=HouseholdEvent.ADULT_JOINED,
                             move_date=WHEN, people=people, people_done=True, liable_persons=["Ben Walker"])
    change = notification_request(answers, TODAY).change
    assert isinstance(change, HouseholdChange)
    assert change.liable_persons == ("Ben Walker",)
    assert [r.disregard for r in change.residents] == [None, DisregardReason.FULL_TIME_STUDENT]
    answers.people = people[1:]  # the liable person was removed from the list: ask again who pays
    assert next_path(answers) == "/moving/household/liable"


def test_a_student_exemption_and_a_change_of_name_and_a_payment_arrangement() -> None:
    students = [StudentAnswers(full_name="Femi Nowak", institution="University of Exampleton",
                               certificate_reference="UOE/20251234")]
    exemption = notification_request(account_change(ChangeKind.STUDENT_EXEMPTION, move_date=WHEN, students=students,
                                                    students_done=True), TODAY).change
    assert isinstance(exemption, StudentExemption)
    assert exemption.students[0].certificate_reference == "UOE/20251234"
    named = notification_request(account_change(ChangeKind.CHANGE_OF_NAME, move_date=WHEN, name_change=NameAnswers(
        previous_name="Amira Campbell", new_name="Amira Lewis", reason=NameChangeReason.MARRIAGE)), TODAY).change
    assert isinstance(named, NameChange)
    assert (named.previous_name, named.new_name, named.effective_date) == ("Amira Campbell", "Amira Lewis", WHEN)
    paying = notification_request(account_change(ChangeKind.PAYMENT_ARRANGEMENT, payment=PaymentAnswers(
        twelve_instalments=True, payment_day=15)), TODAY).change
    assert isinstance(paying, PaymentArrangement)
    assert (paying.twelve_instalments, paying.payment_day, paying.requested_on) == (True, 15, TODAY)
