"""The resident's status page: enter a reference, see where the notification has got to.

It shows the stage and, for a notification that was not accepted, what was wrong in general terms. It
never shows names, addresses, dates or account numbers: a reference may be read over someone's shoulder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.http.govuk_dates import long_date
from web.http.page_templates import render_page
from web.in_thread import in_thread
from web.intake.runtime import WebRuntime
from web.kind_wording import wording_for
from web.resident.forms import FormErrors, form_fields, text_value

router = APIRouter(include_in_schema=False)
UK = ZoneInfo("Europe/London")
_REFERENCE = re.compile(r"^(?:CTX)?([0-9A-Z]{4})([0-9A-Z]{4})\Z")
MAX_REFERENCE_LENGTH = 20


@dataclass(frozen=True)
class StageView:
    """How the status page describes one stage to a resident."""

    label: str
    tag_colour: str
    explanation: str


STAGES = {
    "received": StageView("Received", "grey", "We have your notification. We will check it shortly."),
    "validated": StageView("Being checked", "blue", "We are checking your notification and working out your bill."),
    "assessed": StageView("Being checked", "blue", "We are checking your notification and working out your bill."),
    "applied": StageView("Account updated", "green",
                         "We have updated your Council Tax account. We will send you a bill."),
    "review": StageView("Needs a person", "yellow",
                        "A member of our Council Tax team needs to look at your notification. "
                        "We will contact you if we need more information."),
    "rejected": StageView("Not accepted", "red", "We could not accept your notification."),
    "duplicate": StageView("Already received", "purple",
                           "We already had this change from an earlier notification, so we did not make it twice."),
    "corrected": StageView("Corrected by our team", "turquoise",
                           "A member of our Council Tax team corrected the details and sent them on."),
}
REASONS_HEADINGS = {"rejected": "Why", "review": "What we need to check", "corrected": "What happened"}
FINAL = frozenset({"applied", "rejected", "review", "duplicate", "corrected"})
# Reasons an officer wrote (or the service wrote for an officer's decision) for the resident to read.
WRITTEN_FOR_THE_RESIDENT = frozenset({"officer_rejected", "officer_corrected"})

# What each reason code means, in words that give nothing away about the person or the property.
REASON_TEXT = {
    "postcode_mismatch": "The postcode did not match the address chosen.",
    "wrong_council": "The address is not in this council's area.",
    "address_not_in_register": "We need to match the address to our list of properties.",
    "move_date_too_far_ahead": "The move is more than 2 weeks away, so we need to confirm the date.",
    "move_date_too_far_back": "The move was some time ago, so we need to check the dates.",
    "no_open_account": "We could not find a Council Tax account at the address being left.",
    "account_changed": "The Council Tax account changed while we were updating it.",
    "band_d_charge_missing": "We need to work out the charge by hand.",
    "account_reference_mismatch": "The account number given is not the account at that address.",
    "discount_already_applies": "The account already has a single person discount.",
    "no_single_person_discount": "The account has no single person discount to stop.",
    "exemption_applies": "The property already has an exemption, so we need to decide which applies.",
    "student_certificate_unverified": "We need to check a student's exemption certificate with their "
                                      "university or college.",
    "name_not_on_account": "The name on the bill now is not one we have on the account.",
    "effective_date_too_far_ahead": "The change is more than 2 weeks away, so we need to confirm the date.",
    "effective_date_too_far_back": "The change was some time ago, so we need to check the dates.",
    "officers_only": "Only a member of our Council Tax team can ask for this.",
    "liability_overlaps_next_occupier": "Someone else has told us they moved in before the date given.",
    "liability_overlaps_previous_occupier": "The previous occupier's account runs past the date given.",
    "liability_already_ended": "The account at that address has already ended on another date.",
    "move_before_liability_start": "The move date is before the account at that address started.",
    "later_account_exists": "An account at that address already starts on or after the date given.",
    "owner_unknown": "We need to find out who owns the property you left, as the owner pays while it is empty.",
    "premium_exception_unknown": "We need to check the property's empty-home details by hand.",
}

GENERAL_REASON = "Some of the details were not complete or not in the right format."


def normalise_reference(raw: str) -> str | None:
    """Return a reference as CTX-XXXX-XXXX from what a resident typed (any case, spaces or dashes), or None."""
    compact = re.sub(r"[\s-]", "", raw).upper()
    match = _REFERENCE.match(compact)
    return f"CTX-{match.group(1)}-{match.group(2)}" if match else None


def reason_lines(reasons: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for reason in reasons:
        code = str(reason.get("code", ""))
        text = (str(reason.get("message", "")) if code in WRITTEN_FOR_THE_RESIDENT
                else REASON_TEXT.get(code, GENERAL_REASON))
        if text not in lines:
            lines.append(text)
    return lines


def bill_lines(year_bills: list[dict[str, Any]]) -> list[str]:
    """Each year's bill after the change, in words: what is left to pay, or a credit and where it went.

    A credit is never a negative balance: it is refunded, or transferred to the resident's other Council Tax
    account (SI 1992/613 reg. 24(3), Sch. 1 para 9(4)); the status event says which (``credits``), and any part
    it does not place is still to refund or transfer.
    """
    lines = []
    for bill in year_bills:
        year = int(bill["financial_year"])
        label, balance = f"{year}/{(year + 1) % 100:02d}", int(bill["balance_pence"])
        if balance > 0:
            lines.append(f"{label}: {_pounds(balance)} left to pay. Your bill will show the instalments.")
        elif balance < 0:
            lines.append(f"{label}: you have paid {_pounds(-balance)} more than you owe. This is a credit: "
                         + credit_words(-balance, bill.get("credits") or []))
        else:
            lines.append(f"{label}: nothing more to pay.")
    return lines


def credit_words(credit: int, credits: list[dict[str, Any]]) -> str:
    """Where a year's credit went, in words (the bank account by its last four digits only)."""
    parts = []
    for placed in credits:
        amount, to = _pounds(int(placed["amount_pence"])), str(placed["to"])
        parts.append({"transferred": f"we have transferred {amount} to your Council Tax account {to}",
                      "refunded": f"we are refunding {amount} to the bank account ending {to}",
                      "held": f"a refund of {amount} to the bank account ending {to} is waiting for a member of "
                              "our team to approve it"}.get(str(placed["way"]), f"{amount} is being dealt with"))
    left = credit - sum(int(placed["amount_pence"]) for placed in credits)
    if left > 0:
        parts.append(f"we will refund {_pounds(left)} or transfer it to your other Council Tax account"
                     if parts else "we will refund it or transfer it to your other Council Tax account")
    return ", and ".join(parts) + "."


def _pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def stage_for(status: str, kind: str) -> StageView:
    """How the page shows a status; an applied change says what was done for its kind."""
    stage = STAGES.get(status, STAGES["received"])
    wording = wording_for(kind)
    if status == "applied" and wording is not None:
        return StageView(stage.label, stage.tag_colour, wording.applied)
    return stage


def _find_form(request: Request, value: str, errors: FormErrors) -> Response:
    return render_page(request, "status/find.html", {"errors": errors, "reference": value},
                       status_code=400 if errors else 200)


@router.get("/status")
async def status_page(request: Request) -> Response:
    return _find_form(request, "", FormErrors())


@router.post("/status")
async def status_answer(request: Request) -> Response:
    form = await form_fields(request)
    raw = text_value(form, "reference")
    errors = FormErrors()
    reference = None
    if not raw.strip():
        errors.add("reference", "Enter your reference number")
    elif len(raw) > MAX_REFERENCE_LENGTH or (reference := normalise_reference(raw)) is None:
        errors.add("reference", "Enter your reference number in the right format, like CTX-7K3M-Q9PD")
    found = None
    if reference is not None:
        runtime: WebRuntime = request.app.state.runtime
        found = await in_thread(runtime.store.progress_by_reference, reference)
        if found is None:
            errors.add("reference", "We cannot find a notification with that reference number. Check it and try again")
    if errors or found is None:
        return _find_form(request, raw[:MAX_REFERENCE_LENGTH], errors)
    kind = str(found.get("kind", ""))
    stage = stage_for(found["status"], kind)
    wording = wording_for(kind)
    submitted: datetime = found["submitted_at"]
    return render_page(request, "status/result.html", {
        "reference": found["reference"], "stage": stage, "kind": wording.status_label if wording else None,
        "submitted_on": long_date(submitted.astimezone(UK).date()),
        "reasons": reason_lines(found["reasons"]) if found["status"] in {"rejected", "review", "corrected"} else [],
        "final": found["status"] in FINAL,
        "rejected": found["status"] == "rejected",
        "reasons_heading": REASONS_HEADINGS.get(found["status"], "Why"),
        "bills": bill_lines(found.get("year_bills", [])) if found["status"] == "applied" else [],
    })
