"""One named OpenAPI example per kind of change, each one the demo's own register accepts.

The properties, postcodes, names and account numbers are those of the register ``ctax demo`` seeds
(``generate_register`` with seed 2026): a test checks every example against it, so "Try it out" in the
API docs goes through instead of stopping at a postcode mismatch. Dates are a few days from today.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

CONTACT = {"full_name": "Sam Taylor", "email": "sam.taylor@example.com", "phone": "01632 960 001"}


def _address(line_1: str, postcode: str = "ZY1 6WW") -> dict[str, str]:
    return {"line_1": line_1, "town": "Exampleton", "postcode": postcode}


def _changes(today: date) -> dict[str, tuple[str, dict[str, Any]]]:
    soon = (today + timedelta(days=3)).isoformat()
    return {
        "move_in": ("Moving into the area (an empty property)", {
            "kind": "move_in", "uprn": "100090000001", "address": _address("1 Acacia Avenue"),
            "move_in_date": soon, "residents": [{"full_name": "Sam Taylor", "date_of_birth": "1990-05-17"}],
            "tenure": "private_tenant", "twelve_instalments": True,
            "previous_address": {"line_1": "12 Long Lane", "town": "Elsewhere", "postcode": "SW1A 2AA"},
        }),
        "move_out": ("Moving out of the area", {
            "kind": "move_out", "uprn": "100090000002", "address": _address("2 Acacia Avenue"),
            "move_out_date": soon, "account_reference": "500000001",
            "forwarding_address": {"line_1": "12 Long Lane", "town": "Elsewhere", "postcode": "SW1A 2AA"},
        }),
        "move_within": ("Moving from one address to another in the area", {
            "kind": "move_within", "from_uprn": "100090000003", "from_address": _address("3 Acacia Avenue"),
            "to_uprn": "100090000006", "to_address": _address("6 Acacia Avenue"), "move_date": soon,
            "residents": [{"full_name": "Femi Hughes", "date_of_birth": "1985-02-01"},
                          {"full_name": "Tomasz Hughes", "date_of_birth": "1984-11-30"}],
            "tenure": "owner_occupier",
        }),
        "single_person_discount": ("Claiming a single person discount (the other adult left)", {
            "kind": "single_person_discount", "uprn": "100090000004", "address": _address("4 Acacia Avenue"),
            "account_reference": "500000003", "action": "claim", "effective_date": soon, "reason": "others_left",
        }),
        "single_person_discount_end": ("Ending a single person discount (someone moved in)", {
            "kind": "single_person_discount", "uprn": "100090000010", "address": _address("10 Acacia Avenue"),
            "account_reference": "500000009", "action": "end", "effective_date": soon, "reason": "someone_moved_in",
        }),
        "household_change": ("Who lives there: an adult joined the household", {
            "kind": "household_change", "uprn": "100090000005", "address": _address("5 Acacia Avenue"),
            "account_reference": "500000004", "effective_date": soon, "event": "adult_joined",
            "residents": [{"full_name": "Ben Walker"}, {"full_name": "Oliver Hughes"},
                          {"full_name": "Rosa Walker", "date_of_birth": "2001-06-09",
                           "disregard": "full_time_student"}],
            "liable_persons": ["Ben Walker", "Oliver Hughes"],
        }),
        "student_exemption": ("Every resident a full-time student (class N)", {
            "kind": "student_exemption", "uprn": "100090000007", "address": _address("Flat 1, 7 Acacia Avenue"),
            "account_reference": "500000006", "effective_date": soon,
            "students": [{"full_name": "Femi Nowak", "institution": "University of Exampleton",
                          "certificate_reference": "UOE/20251234"},
                         {"full_name": "Jack Nowak", "institution": "University of Exampleton",
                          "certificate_reference": "UOE/20255678"}],
        }),
        "change_of_name": ("A liable person's change of name", {
            "kind": "change_of_name", "uprn": "100090000008", "address": _address("8 Acacia Avenue"),
            "account_reference": "500000007", "previous_name": "Amira Campbell", "new_name": "Amira Lewis",
            "reason": "marriage", "effective_date": today.isoformat(),
        }),
        "payment_arrangement": ("Pay in 12 instalments on the 15th", {
            "kind": "payment_arrangement", "uprn": "100090000014", "address": _address("14 Acacia Avenue", "ZY1 9DP"),
            "account_reference": "500000013", "twelve_instalments": True, "payment_day": 15,
            "requested_on": today.isoformat(),
        }),
    }


def example_requests(today: date) -> dict[str, dict[str, Any]]:
    """The request bodies by example name (``today`` fixes the dates)."""
    return {name: {"contact": CONTACT, "change": change} for name, (_, change) in _changes(today).items()}


def openapi_examples() -> dict[str, dict[str, Any]]:
    """FastAPI's ``openapi_examples``: one named example per kind, dated from today."""
    today = date.today()  # noqa: DTZ011 - an example for people to read
    return {name: {"summary": summary, "value": {"contact": CONTACT, "change": change}}
            for name, (summary, change) in _changes(today).items()}


def preview_examples(today: date | None = None) -> dict[str, dict[str, Any]]:
    """The bill preview's examples: each kind's notification (an estimate of the bill), and a move out without the
    account number (no figures: ``account_not_confirmed``); dated from ``today`` (default: the day it is)."""
    day = today or date.today()  # noqa: DTZ011 - an example for people to read
    changes = _changes(day)
    examples: dict[str, dict[str, Any]] = {
        name: {"summary": summary, "value": {"contact": CONTACT, "change": change}}
        for name, (summary, change) in changes.items()}
    without_number = {key: value for key, value in changes["move_out"][1].items() if key != "account_reference"}
    examples["move_out_without_account_number"] = {
        "summary": "Moving out, without the account number: no figures are shown",
        "value": {"contact": CONTACT, "change": without_number},
    }
    return examples


# What the preview answers to the move in, the move out, and the move out without its account number, all sent on
# 1 June 2026 (``example_requests(date(2026, 6, 1))``) against the demo register seeded as of that day; a test
# works them out again with the worker's rules, so they stay what the service would say.
PREVIEW_ANSWERS_ON = date(2026, 6, 1)


def _instalments(first: tuple[str, int], rest: tuple[list[str], int]) -> list[dict[str, Any]]:
    return [{"due_date": first[0], "amount_pence": first[1]},
            *({"due_date": due, "amount_pence": rest[1]} for due in rest[0])]


def preview_answer_examples() -> dict[str, dict[str, Any]]:
    """The preview's answers for the API docs, by example name."""
    later_months = [f"2026-{month:02d}-01" for month in range(8, 13)] + ["2027-01-01", "2027-02-01", "2027-03-01"]
    move_in = {
        "status": "estimate", "kind": "move_in", "notice_date": "2026-06-01",
        "bills": [{
            "part": "new_account", "account_ref": None, "starts": "2026-06-04", "ends": None, "effective_date": None,
            "discount_code": "SPD", "discount_percent": 25, "changes_money": True,
            "periods": [{"financial_year": 2026, "period_start": "2026-06-04", "period_end": "2027-03-31",
                         "band": "G", "annual_charge_pence": 399000, "discount_code": "SPD", "discount_percent": 25,
                         "charge_pence": 246779}],
            "years": [{"financial_year": 2026, "charge_pence": 246779, "paid_pence": 0, "balance_pence": 246779,
                       "instalments": _instalments(("2026-07-01", 27579), (later_months, 27400))}],
        }],
        "reasons": [], "digest": "faeba1aab5dc94f208bce6cfc1e90a371e25d9ad73d0f0e34f1c7c551905611d",
    }
    move_out = {
        "status": "estimate", "kind": "move_out", "notice_date": "2026-06-01",
        "bills": [{
            "part": "final_bill", "account_ref": "500000001", "starts": None, "ends": "2026-06-03",
            "effective_date": None, "discount_code": None, "discount_percent": 0, "changes_money": True,
            "periods": [{"financial_year": 2026, "period_start": "2026-04-01", "period_end": "2026-06-03",
                         "band": "E", "annual_charge_pence": 292600, "discount_code": None, "discount_percent": 0,
                         "charge_pence": 51305}],
            "years": [{"financial_year": 2026, "charge_pence": 51305, "paid_pence": 87500, "balance_pence": -36195,
                       "instalments": []}],
        }],
        "reasons": [], "digest": "54cd07f6054be540091d29a0d4fc9add8b38c8a7355be56dcea3ad3a1c275966",
    }
    not_confirmed = {
        "status": "account_not_confirmed", "kind": "move_out", "notice_date": "2026-06-01", "bills": [],
        "reasons": [{"code": "account_not_confirmed", "field": "change.account_reference",
                     "message": "To see an estimate of your bill, give the Council Tax account number for this "
                                "address, as it is on your bill. Without it we cannot show an account's figures"}],
        "digest": None,
    }
    return {
        "move_in": {"summary": "Moving in: the new account's charge, discount and instalments", "value": move_in},
        "move_out": {"summary": "Moving out: the final bill, here in credit (paid more than the charge)",
                     "value": move_out},
        "move_out_without_account_number": {"summary": "Moving out without the account number: no figures",
                                            "value": not_confirmed},
    }
