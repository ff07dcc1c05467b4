"""The status page: references however they are typed, reasons without what the resident typed."""

from __future__ import annotations

from web.resident.status_page import normalise_reference, reason_lines


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
