"""Builders of valid notifications and events for tests; override any field by keyword."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from adapters.revenues_port import ExistingAccount, PaymentRow, RegisterProperty
from processors.rules.council import CouncilRules
from schemas.events import OpenAccount, Payment, PropertyFacts, StageTimings, ValidatedNotification
from schemas.notification import ChangeNotification

COUNCIL = "E99999999"
RULES = CouncilRules(
    council_code=COUNCIL,
    band_d_pence={2023: 207000, 2024: 217100, 2025: 228000, 2026: 239400, 2027: 251400},
    payment_day=1,
)
# The key refund bank details are sealed with in tests (a fixed Fernet key: test data, not a secret).
BANK_KEY = "kG8ZJz1m2rQwT6yH4nV0pL3sX9aB5cD7eF1gH2iJ3kM="
# ``paid`` in the account builders is a payment towards 2025/26, the year the builders' notices fall in.
PAID_YEAR = 2025


def address(line_1: str = "4 Acacia Avenue", postcode: str = "ZY1 5AB", town: str = "Exampleton") -> dict[str, Any]:
    return {"line_1": line_1, "town": town, "postcode": postcode}


def move_in(uprn: str | None = "100090000004", move_date: date = date(2025, 10, 1), **extra: Any) -> dict[str, Any]:
    return {
        "kind": "move_in", "uprn": uprn, "address": address(), "move_in_date": move_date,
        "residents": [{"full_name": "Sam Taylor", "date_of_birth": date(1990, 5, 17)}],
        "tenure": "private_tenant", **extra,
    }


def move_out(uprn: str | None = "100090000004", move_date: date = date(2025, 10, 1), **extra: Any) -> dict[str, Any]:
    return {
        "kind": "move_out", "uprn": uprn, "address": address(), "move_out_date": move_date,
        "forwarding_address": address("9 Harbour Street", "ZY8 1AA", "Elsewhere"), **extra,
    }


def move_within(from_uprn: str | None = "100090000004", to_uprn: str | None = "100090000005",
                move_date: date = date(2025, 10, 1), **extra: Any) -> dict[str, Any]:
    return {
        "kind": "move_within", "from_uprn": from_uprn, "from_address": address(),
        "to_uprn": to_uprn, "to_address": address("5 Acacia Avenue"), "move_date": move_date,
        "residents": [{"full_name": "Sam Taylor"}], "tenure": "owner_occupier", **extra,
    }


def refund_decision(account_reference: str, financial_year: int, *, approved: bool = True,
                    uprn: str | None = "100090000004", line_1: str = "4 Acacia Avenue",
                    decided_on: date = date(2025, 10, 10), **extra: Any) -> dict[str, Any]:
    return {
        "kind": "refund_decision", "uprn": uprn, "address": address(line_1), "account_reference": account_reference,
        "financial_year": financial_year, "approved": approved, "decided_on": decided_on,
        "reason": "Checked against the payment record", **extra,
    }


def notification(change: dict[str, Any] | None = None, *, submitted_at: datetime | None = None,
                 **extra: Any) -> ChangeNotification:
    return ChangeNotification.model_validate({
        "notification_id": str(uuid.uuid4()),
        "reference": "CTX-7K3M-Q9PD",
        "submitted_at": submitted_at or datetime(2025, 10, 10, 9, 30, tzinfo=UTC),
        "channel": "api",
        "council_code": COUNCIL,
        "contact": {"full_name": "Sam Taylor", "email": "sam@example.com"},
        "change": change or move_in(),
        **extra,
    })


# The owner the test register names for every property (liable while no one lives there).
OWNER = "Harbour Lettings Ltd"


def facts(uprn: str = "100090000004", band: str = "B", postcode: str = "ZY1 5AB",
          open_account: OpenAccount | None = None, owner_name: str | None = OWNER) -> PropertyFacts:
    return PropertyFacts(uprn=uprn, postcode=postcode, band=band, open_account=open_account, owner_name=owner_name)


def open_account(ref: str = "500000001", start: date = date(2020, 6, 1), paid: int = 0,
                 discount_code: str | None = None, discount_percent: int = 0) -> OpenAccount:
    return OpenAccount(account_ref=ref, liability_start=start, discount_code=discount_code,
                       discount_percent=discount_percent,
                       payments=(Payment(financial_year=PAID_YEAR, paid_on=date(PAID_YEAR, 4, 1), amount_pence=paid),)
                       if paid else ())


def validated(n: ChangeNotification, *properties: PropertyFacts) -> ValidatedNotification:
    return ValidatedNotification(
        notification=n, properties=properties,
        timings=StageTimings(submitted_at=n.submitted_at, validated_at=n.submitted_at),
    )


def register_property(uprn: str = "100090000004", postcode: str = "ZY1 5AB", band: str = "B",
                      line_1: str = "4 Acacia Avenue", owner_name: str | None = OWNER) -> RegisterProperty:
    return RegisterProperty(uprn=uprn, property_ref=f"P{uprn[-7:]}", address_line_1=line_1, address_line_2=None,
                            town="Exampleton", postcode=postcode, band=band, owner_name=owner_name)


def existing_account(ref: str = "500000001", uprn: str = "100090000004", start: date = date(2020, 6, 1),
                     paid: int = 0, paid_year: int = PAID_YEAR) -> ExistingAccount:
    """An open account with no lines; ``paid`` was paid on 1 April of ``paid_year`` towards that year."""
    return ExistingAccount(account_ref=ref, uprn=uprn, liability_start=start, liable_persons=("Alex Jones",),
                           discount_code=None, discount_percent=0,
                           payments=(PaymentRow(paid_year, date(paid_year, 4, 1), paid),) if paid else ())
