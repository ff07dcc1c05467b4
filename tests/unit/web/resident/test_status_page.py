"""The status page: references however they are typed, reasons without what the resident typed."""

from __future__ import annotations

from web.resident.status_page import GENERAL_REASON, STAGES, bill_lines, normalise_reference, reason_lines, stage_for


def test_references_are_read_however_they_are_typed() -> None:
    assert normalise_reference("ctx 7k3m q9pd") == "CTX-7K3M-Q9PD"
    assert normalise_reference("7K3MQ9PD") == "CTX-7K3M-Q9PD"
    assert normalise_reference("CTX-7K3M") is None


def test_reasons_are_shown_without_what_the_resident_typed() -> None:
    reasons = [{"code": "postcode_mismatch", "message": "The postcode ZY9 9ZZ does not match"},
               {"code": "value_error", "message": "Resident 1: Sam Taylor ..."}]
    lines = reason_lines(reasons)
    assert lines == ["The postcode did not match the address chosen.",
                     "Some of the details were not complete or not in the right format."]
    assert not any("ZY9" in line or "Sam" in line for line in lines)
    officer = "We cannot accept a move this far ahead. Tell us again within 14 days of moving."
    assert reason_lines([{"code": "officer_rejected", "message": officer}]) == [officer]


def test_every_reason_code_of_the_everyday_changes_has_its_own_words() -> None:
    codes = ("account_reference_mismatch", "discount_already_applies", "no_single_person_discount",
             "exemption_applies", "student_certificate_unverified", "name_not_on_account",
             "effective_date_too_far_ahead", "effective_date_too_far_back", "officers_only",
             "liability_overlaps_next_occupier", "liability_overlaps_previous_occupier", "liability_already_ended")
    lines = reason_lines([{"code": code, "message": "for officers"} for code in codes])
    assert len(lines) == len(codes)
    assert GENERAL_REASON not in lines


def test_an_applied_change_says_what_was_done_for_its_kind() -> None:
    assert "instalment plan" in stage_for("applied", "payment_arrangement").explanation
    assert "name" in stage_for("applied", "change_of_name").explanation
    assert stage_for("review", "change_of_name") == STAGES["review"]
    assert "final bill" in stage_for("applied", "move_out").explanation
    assert stage_for("applied", "rebill") == STAGES["applied"]  # an officer's rebill: the general words
    assert stage_for("applied", "a_kind_this_version_does_not_know") == STAGES["applied"]


def test_a_credit_is_shown_as_a_credit_for_its_year_to_refund_or_transfer() -> None:
    lines = bill_lines([{"financial_year": 2025, "balance_pence": 0},
                        {"financial_year": 2026, "balance_pence": -46205},
                        {"financial_year": 2027, "balance_pence": 123456}])
    assert lines[0] == "2025/26: nothing more to pay."
    assert "2026/27" in lines[1]
    assert "£462.05" in lines[1]
    assert "refund it or transfer it" in lines[1]
    assert "-£" not in " ".join(lines)
    assert lines[2].startswith("2027/28: £1,234.56 left to pay")


def test_the_status_page_says_where_each_credit_went() -> None:
    moved, refunded, held = bill_lines([
        {"financial_year": 2024, "balance_pence": -10000,
         "credits": [{"amount_pence": 10000, "way": "transferred", "to": "500000042"}]},
        {"financial_year": 2025, "balance_pence": -46205,
         "credits": [{"amount_pence": 40000, "way": "refunded", "to": "4958"}]},
        {"financial_year": 2026, "balance_pence": -75000,
         "credits": [{"amount_pence": 75000, "way": "held", "to": "4958"}]}])
    assert moved == ("2024/25: you have paid £100.00 more than you owe. This is a credit: we have transferred "
                     "£100.00 to your Council Tax account 500000042.")
    assert refunded.endswith("we are refunding £400.00 to the bank account ending 4958, and we will refund £62.05 "
                             "or transfer it to your other Council Tax account.")
    assert held.endswith("a refund of £750.00 to the bank account ending 4958 is waiting for a member of our team "
                         "to approve it.")
