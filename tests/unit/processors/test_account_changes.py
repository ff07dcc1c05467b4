"""The everyday changes to an open account, through both pipeline shapes, with amounts worked out here."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import pytest

from schemas.events import Status
from tests.builders import address
from tests.unit.processors.test_stages import Pipeline, encode

HOUSE = "100090000002"  # band B, account 500000001 (Alex Jones) liable since 1 March 2021, nothing paid
HERE = address("2 Acacia Avenue")
BAND_B = Fraction(228000 * 7, 9)  # the 2025/26 Band D charge in pence, times 7/9


def _pence(value: Fraction) -> int:
    return int(value + Fraction(1, 2))  # half up, as every figure here is positive


def _apportioned(days: int, discount: int = 0) -> int:
    annual = _pence(BAND_B)
    return _pence(Fraction(annual * days, 365) * Fraction(100 - discount, 100))


def _split(total: int, count: int) -> list[int]:
    """SI 1992/613 Sch. 1 para 2(6): all but the first the quotient rounded to the nearest pound."""
    if total % (count * 100) == 0:
        return [total // count] * count
    rest = _pence(Fraction(total, count * 100)) * 100
    return [total - rest * (count - 1)] + [rest] * (count - 1)


def _change(kind: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "uprn": HOUSE, "address": HERE, **fields}


def _run(mode: str, *changes: dict[str, Any]) -> Pipeline:
    pipeline = Pipeline(mode)
    for change in changes:
        pipeline.submit(encode(change=change))
    return pipeline


@pytest.fixture(params=["staged", "fused"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_a_single_person_discount_from_a_date_recharges_the_rest_of_the_year(mode: str) -> None:
    pipeline = _run(mode, _change("single_person_discount", action="claim", effective_date=date(2025, 10, 1),
                                  reason="only_adult"))
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED]
    account = pipeline.revenues.account("500000001")
    assert account is not None
    before, after = _apportioned(183), _apportioned(182, discount=25)  # 1 Apr-30 Sep, then 1 Oct-31 Mar less 25%
    assert [(c.period_start, c.period_end, c.discount_code, c.charge_pence) for c in account.charges] == [
        (date(2025, 4, 1), date(2025, 9, 30), None, before), (date(2025, 10, 1), date(2026, 3, 31), "SPD", after)]
    # Notice 10 October: four whole months left after it less one... the 10-instalment scheme gives 4, from 1 Nov.
    assert [(i.due_date, i.amount_pence) for i in account.instalments] == list(zip(
        [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)], _split(before + after, 4),
        strict=True))
    assert (account.discount_code, account.discount_percent) == ("SPD", 25)
    assert "Single person discount claim" in account.audit_notes[-1].note


def test_ending_a_discount_the_account_does_not_have_goes_to_a_person(mode: str) -> None:
    pipeline = _run(mode, _change("single_person_discount", action="end", effective_date=date(2025, 10, 1),
                                  reason="someone_moved_in"))
    (status,) = pipeline.finals()
    assert (status.status, status.reasons[0].code) == (Status.REVIEW, "no_single_person_discount")


def test_a_claim_then_its_end_puts_the_charge_back_from_the_day_it_ended(mode: str) -> None:
    pipeline = _run(mode,
                    _change("single_person_discount", action="claim", effective_date=date(2025, 9, 1),
                            reason="others_left"),
                    _change("single_person_discount", action="end", effective_date=date(2025, 10, 1),
                            reason="someone_moved_in"))
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED, Status.APPLIED]
    account = pipeline.revenues.account("500000001")
    assert account is not None
    assert [(c.period_start, c.period_end, c.discount_percent, c.charge_pence) for c in account.charges] == [
        (date(2025, 4, 1), date(2025, 8, 31), 0, _apportioned(153)),
        (date(2025, 9, 1), date(2025, 9, 30), 25, _apportioned(30, discount=25)),
        (date(2025, 10, 1), date(2026, 3, 31), 0, _apportioned(182))]
    assert account.discount_code is None


def test_who_lives_there_sets_the_discount_and_the_liable_people(mode: str) -> None:
    residents = [{"full_name": "Alex Jones"}, {"full_name": "Kim Jones", "disregard": "full_time_student"}]
    pipeline = _run(mode, _change("household_change", effective_date=date(2025, 10, 1), event="adult_joined",
                                  residents=residents, liable_persons=["Alex Jones", "Kim Jones"]))
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED]
    account = pipeline.revenues.account("500000001")
    assert account is not None
    assert account.liable_persons == ("Alex Jones", "Kim Jones")
    assert (account.discount_code, sum(c.charge_pence for c in account.charges)) == (
        "SPD", _apportioned(183) + _apportioned(182, discount=25))


def test_a_student_exemption_with_certificates_goes_straight_through(mode: str) -> None:
    students = [{"full_name": "Alex Jones", "institution": "University of Exampleton",
                 "certificate_reference": "UOE/20251234"}]
    pipeline = _run(mode, _change("student_exemption", effective_date=date(2025, 10, 1), students=students))
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED]
    account = pipeline.revenues.account("500000001")
    assert account is not None
    assert [c.charge_pence for c in account.charges] == [_apportioned(183), 0]
    assert [i.amount_pence for i in account.instalments] == _split(_apportioned(183), 4)


def test_a_student_exemption_without_a_certificate_in_the_documented_format_goes_to_a_person(mode: str) -> None:
    students = [{"full_name": "Alex Jones", "institution": "University of Exampleton",
                 "certificate_reference": "letter to follow"}]
    pipeline = _run(mode, _change("student_exemption", effective_date=date(2025, 10, 1), students=students))
    (status,) = pipeline.finals()
    assert (status.status, status.reasons[0].code) == (Status.REVIEW, "student_certificate_unverified")
    assert "letter" not in status.reasons[0].message  # what the resident typed stays out of the reason


def test_a_change_of_name_renames_the_liable_person_with_an_audit_note(mode: str) -> None:
    pipeline = _run(mode, _change("change_of_name", previous_name="Alex Jones", new_name="Alex Smith",
                                  reason="marriage", effective_date=date(2025, 6, 14)))
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED]
    account = pipeline.revenues.account("500000001")
    assert account is not None
    assert account.liable_persons == ("Alex Smith",)
    assert "from Alex Jones to Alex Smith (marriage" in account.audit_notes[-1].note
    assert account.charges == ()  # a name changes no money


def test_a_change_of_name_for_someone_not_on_the_account_goes_to_a_person(mode: str) -> None:
    pipeline = _run(mode, _change("change_of_name", previous_name="Pat Brown", new_name="Pat Green",
                                  reason="deed_poll", effective_date=date(2025, 6, 14)))
    (status,) = pipeline.finals()
    assert (status.status, status.reasons[0].code) == (Status.REVIEW, "name_not_on_account")


def test_the_account_keeps_its_payment_arrangement_for_the_final_bill(mode: str) -> None:
    pipeline = _run(mode,
                    _change("payment_arrangement", twelve_instalments=True, payment_day=15,
                            requested_on=date(2025, 10, 10)),
                    {"kind": "move_out", "uprn": HOUSE, "address": HERE, "move_out_date": date(2025, 10, 20),
                     "forwarding_address": address("9 Harbour Street", "ZY8 1AA", "Elsewhere")})
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED, Status.APPLIED]
    account = pipeline.revenues.account("500000001")
    assert account is not None
    assert (account.twelve_instalments, account.payment_day) == (True, 15)
    final_bill = _apportioned(202)  # 1 April to 19 October
    assert sum(i.amount_pence for i in account.instalments) == final_bill
    assert {i.due_date.day for i in account.instalments} == {15}


def test_a_rebill_works_the_charge_out_again_and_only_an_officer_may_ask(mode: str) -> None:
    rebill = _change("rebill", from_date=date(2025, 4, 1), reason="replay after the instalment fix")
    refused = _run(mode, rebill)
    (status,) = refused.finals()
    assert (status.status, status.reasons[0].code) == (Status.REJECTED, "officers_only")
    pipeline = Pipeline(mode)
    pipeline.submit(encode(change=rebill, channel="officer_correction"))
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED]
    account = pipeline.revenues.account("500000001")
    assert account is not None
    assert [c.charge_pence for c in account.charges] == [_apportioned(365)]
    assert sum(i.amount_pence for i in account.instalments) == _apportioned(365)
    assert "replay after the instalment fix" in account.audit_notes[-1].note


def test_each_kind_is_costed_with_its_own_back_office_figure(mode: str) -> None:
    pipeline = _run(mode, _change("change_of_name", previous_name="Alex Jones", new_name="Alex Smith",
                                  reason="marriage", effective_date=date(2025, 6, 14)))
    (metric,) = pipeline.metrics()
    model = pipeline.ctx.cost_model
    keying = model.keying_by_kind["change_of_name"]
    assert "replace with the council's own figure" in keying.source
    assert (metric.digital_cost_pence, metric.baseline_cost_pence) == (
        model.web_contact.pence, model.phone_contact.pence + keying.pence)
    assert metric.cost_model_version == model.version


def test_a_household_of_students_only_needs_their_certificates_as_a_student_exemption_does(mode: str) -> None:
    residents = [{"full_name": "Alex Jones", "disregard": "full_time_student"}]
    pipeline = _run(mode, _change("household_change", effective_date=date(2025, 10, 1), event="disregard_started",
                                  residents=residents, liable_persons=["Alex Jones"]))
    (status,) = pipeline.finals()
    assert (status.status, status.reasons[0].code) == (Status.REVIEW, "student_certificate_unverified")
