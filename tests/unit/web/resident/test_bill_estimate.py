"""The check-answers page's bill estimate in words: a credit said as a credit, and no figures when there are none."""

from __future__ import annotations

from datetime import date

from schemas.bill_preview import (
    BillPart,
    BillPreview,
    PreviewBill,
    PreviewInstalment,
    PreviewPeriod,
    PreviewStatus,
    PreviewYear,
)
from schemas.events import Reason
from schemas.notification import ChangeKind
from web.resident.bill_estimate import NOT_CONFIRMED, estimate_view, unavailable_view

NOTICE = date(2026, 6, 10)


def test_a_final_bill_in_credit_says_credit_and_has_no_instalments() -> None:
    bill = PreviewBill(
        part=BillPart.FINAL_BILL, account_ref="500000001", ends=date(2026, 6, 30),
        periods=(PreviewPeriod(financial_year=2026, period_start=date(2026, 4, 1), period_end=date(2026, 6, 30),
                               band="B", annual_charge_pence=186200, discount_code="SPD", discount_percent=25,
                               charge_pence=34817),),
        years=(PreviewYear(financial_year=2026, charge_pence=34817, paid_pence=50000, balance_pence=-15183),))
    view = estimate_view(BillPreview(status=PreviewStatus.ESTIMATE, kind=ChangeKind.MOVE_OUT, notice_date=NOTICE,
                                     bills=(bill,), digest="0" * 64))
    (shown,) = view.bills
    assert shown["title"] == "Your final bill, account 500000001, up to 30 June 2026"
    (year,) = shown["years"]
    assert year["periods"] == ["1 April 2026 to 30 June 2026: band B, £1,862.00 a year, 25% off (single person "
                               "discount): £348.17"]
    assert [(row["key"]["text"], row["value"]["text"]) for row in year["rows"]] == [
        ("Council Tax for 2026/27", "£348.17"), ("Paid so far", "£500.00"),
        ("Credit", "£151.83 paid more than the Council Tax for the year")]
    assert year["instalments"] == []
    assert view.intro.startswith("Your final bill for the address you are leaving")


def test_a_new_account_lists_its_instalments_without_a_paid_row() -> None:
    bill = PreviewBill(part=BillPart.NEW_ACCOUNT, starts=date(2026, 6, 1), years=(PreviewYear(
        financial_year=2026, charge_pence=1000, paid_pence=0, balance_pence=1000,
        instalments=(PreviewInstalment(due_date=date(2026, 7, 1), amount_pence=1000),)),))
    view = estimate_view(BillPreview(status=PreviewStatus.ESTIMATE, kind=ChangeKind.MOVE_IN, notice_date=NOTICE,
                                     bills=(bill,), digest="0" * 64))
    (year,) = view.bills[0]["years"]
    assert [row["key"]["text"] for row in year["rows"]] == ["Council Tax for 2026/27", "Left to pay"]
    assert year["instalments"] == [{"due": "1 July 2026", "amount": "£10.00"}]


def test_no_figures_are_shown_without_an_estimate() -> None:
    not_confirmed = estimate_view(BillPreview(status=PreviewStatus.ACCOUNT_NOT_CONFIRMED,
                                              kind=ChangeKind.SINGLE_PERSON_DISCOUNT, notice_date=NOTICE))
    assert (not_confirmed.bills, not_confirmed.message, not_confirmed.account_href) == (
        [], NOT_CONFIRMED, "/moving/account-number")
    refused = estimate_view(BillPreview(
        status=PreviewStatus.REJECTED, kind=ChangeKind.MOVE_IN, notice_date=NOTICE,
        reasons=(Reason(code="postcode_mismatch", message="The postcode ZY1 1AA does not match the property chosen; "
                                                          "check the address"),)))
    assert refused.message == ("We cannot estimate your bill. The postcode ZY1 1AA does not match the property "
                               "chosen; check the address.")
    review = estimate_view(BillPreview(status=PreviewStatus.NEEDS_REVIEW, kind=ChangeKind.MOVE_IN, notice_date=NOTICE))
    assert review.bills == []
    assert review.message is not None
    assert "member of staff" in review.message
    assert unavailable_view().message == "We cannot show an estimate of your bill just now. You can still send your " \
                                         "notification."
