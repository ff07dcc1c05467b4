"""The property register the browser tests' stack is seeded with: each test uses its own properties."""

from __future__ import annotations

from datetime import date

from adapters.revenues_port import ExistingAccount, RegisterProperty
from tests.builders import existing_account

MILL_LANE = "ZY3 1AA"
ORCHARD_ROAD = "ZY3 2BB"


def _this_year() -> int:
    """The financial year today is in (a payment towards it shows on a final bill's estimate)."""
    today = date.today()  # noqa: DTZ011 - the council's day, near enough for a seeded payment
    return today.year if today.month >= 4 else today.year - 1


OWNER = "Mill Lane Estates Ltd"  # the owner the register names, liable while a home is empty
ROPE_WALK = "ZY3 4DD"


def _property(uprn: str, line_1: str, postcode: str, band: str, owner_name: str | None = OWNER) -> RegisterProperty:
    return RegisterProperty(uprn=uprn, property_ref=f"P{uprn[-7:]}", address_line_1=line_1, address_line_2=None,
                            town="Exampleton", postcode=postcode, band=band, owner_name=owner_name)


# Resident journeys (tests/browser/test_resident_*.py)
MOVE_IN_VACANT = _property("100091000001", "1 Mill Lane", MILL_LANE, "C")
MOVE_OUT_OCCUPIED = _property("100091000002", "2 Mill Lane", MILL_LANE, "D")
WITHIN_FROM_OCCUPIED = _property("100091000003", "3 Mill Lane", MILL_LANE, "B")
WITHIN_TO_VACANT = _property("100091000004", "4 Orchard Road", ORCHARD_ROAD, "E")
ERRORS_VACANT = _property("100091000005", "5 Orchard Road", ORCHARD_ROAD, "A")
# A rented home whose owner the register does not know: the move-out asks for the landlord.
OWNER_UNKNOWN_OCCUPIED = _property("100091000006", "6 Rope Walk", ROPE_WALK, "C", owner_name=None)

MOVE_OUT_ACCOUNT = "600000002"
OWNER_UNKNOWN_ACCOUNT = "600000006"
WITHIN_FROM_ACCOUNT = "600000003"

PROPERTIES = [MOVE_IN_VACANT, MOVE_OUT_OCCUPIED, WITHIN_FROM_OCCUPIED, WITHIN_TO_VACANT, ERRORS_VACANT,
              OWNER_UNKNOWN_OCCUPIED]
ACCOUNTS: list[ExistingAccount] = [
    existing_account(MOVE_OUT_ACCOUNT, MOVE_OUT_OCCUPIED.uprn, start=date(2020, 6, 1), paid=40000),
    existing_account(WITHIN_FROM_ACCOUNT, WITHIN_FROM_OCCUPIED.uprn, start=date(2019, 9, 1), paid=0),
    existing_account(OWNER_UNKNOWN_ACCOUNT, OWNER_UNKNOWN_OCCUPIED.uprn, start=date(2021, 2, 1), paid=0),
]

# The bill estimate on check answers (tests/browser/test_resident_bill_estimate.py)
PREVIEW_ROAD = "ZY3 6PW"
PREVIEW_MOVE_OUT = _property("100091001601", "1 Preview Row", PREVIEW_ROAD, "D")
PREVIEW_MOVE_IN = _property("100091001602", "2 Preview Row", PREVIEW_ROAD, "C")
PREVIEW_MOVE_OUT_ACCOUNT = "600001601"
PREVIEW_PAID = 30000
PROPERTIES += [PREVIEW_MOVE_OUT, PREVIEW_MOVE_IN]
ACCOUNTS.append(existing_account(PREVIEW_MOVE_OUT_ACCOUNT, PREVIEW_MOVE_OUT.uprn, start=date(2020, 6, 1),
                                 paid=PREVIEW_PAID, paid_year=_this_year()))
