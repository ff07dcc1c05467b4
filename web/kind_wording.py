"""The words for each kind of change, in one table keyed by ``ChangeKind``: resident, staff and ops pages read
them here, so a kind without its words fails a test instead of showing its code.

Also what the pages need to know about a kind's shape: whether residents can choose it (``resident``: None
for a kind only an officer sends, such as a rebill) and which of the change's fields is its date.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.notification import ChangeKind


@dataclass(frozen=True)
class ResidentChoice:
    """How the resident's "What are you telling us about?" page offers a kind."""

    label: str
    hint: str


@dataclass(frozen=True)
class CorrectedProperty:
    """A property an officer may correct on the review case page: its legend and the change's fields."""

    legend: str
    uprn_key: str
    address_key: str


@dataclass(frozen=True)
class CorrectedText:
    """A one-line field of the change an officer may correct beyond the property, the date and the account."""

    key: str
    label: str


THE_PROPERTY = (CorrectedProperty("Property", "uprn", "address"),)


@dataclass(frozen=True)
class KindWording:
    label: str  # staff and ops pages: review queue, case page, account, updates, dashboard
    status_label: str  # the resident's status page: what the notification is about, no personal details
    applied: str  # the status page's "Account updated" explanation for this kind
    date_field: str  # the change's field holding its date (the officer's correction form corrects it)
    date_label: str  # how the correction form names that date
    resident: ResidentChoice | None  # None: no resident journey (only an officer sends this kind)
    properties: tuple[CorrectedProperty, ...] = THE_PROPERTY  # the properties the change names, as corrected
    corrected_text: tuple[CorrectedText, ...] = ()  # what review may be about beyond property, date, account


_BILL = "We will send you a new bill."

KIND_WORDING: dict[ChangeKind, KindWording] = {
    ChangeKind.MOVE_IN: KindWording(
        "Move in", "Moving into the area", "We have opened your Council Tax account. We will send you a bill.",
        "move_in_date", "Move date",
        ResidentChoice("Moving into the area", "You are moving to an address in the area from somewhere else")),
    ChangeKind.MOVE_OUT: KindWording(
        "Move out", "Moving out of the area",
        "We have closed your Council Tax account at the address you left. We will send you a final bill.",
        "move_out_date", "Move date",
        ResidentChoice("Moving out of the area", "You are leaving an address in the area to live somewhere else")),
    ChangeKind.MOVE_WITHIN: KindWording(
        "Move within the area", "Moving within the area",
        "We have moved your Council Tax account to your new address. We will send you a bill.",
        "move_date", "Move date",
        ResidentChoice("Moving from one address to another in the area",
                       "Both your old and new addresses are in the area"),
        properties=(CorrectedProperty("Moving from", "from_uprn", "from_address"),
                    CorrectedProperty("Moving to", "to_uprn", "to_address"))),
    ChangeKind.SINGLE_PERSON_DISCOUNT: KindWording(
        "Single person discount", "Single person discount",
        f"We have changed your single person discount. {_BILL}", "effective_date", "Date of the change",
        ResidentChoice("Single person discount: claim it or stop it",
                       "You get 25% off when only one adult who counts lives there")),
    ChangeKind.HOUSEHOLD_CHANGE: KindWording(
        "Who lives there", "Who lives there", f"We have updated who lives at the property. {_BILL}",
        "effective_date", "Date of the change",
        ResidentChoice("Someone moved in or out, or started or stopped counting for discounts",
                       "Tell us who lives there now and who pays")),
    ChangeKind.STUDENT_EXEMPTION: KindWording(
        "Student exemption", "Student exemption",
        f"We have exempted the property because everyone there is a full-time student. {_BILL}",
        "effective_date", "Date of the change",
        ResidentChoice("Everyone who lives there is a full-time student",
                       "A home where everyone is a full-time student does not pay Council Tax")),
    ChangeKind.CHANGE_OF_NAME: KindWording(
        "Change of name", "Change of name", "We have changed the name on your Council Tax account.",
        "effective_date", "Date of the change",
        ResidentChoice("A change of name", "For example after a marriage or by deed poll"),
        corrected_text=(CorrectedText("previous_name", "Name on the account now"),)),
    ChangeKind.PAYMENT_ARRANGEMENT: KindWording(
        "Payment arrangement", "How you pay",
        "We have changed how you pay. We will send you a new instalment plan.", "requested_on", "Date asked for",
        ResidentChoice("How you pay: 10 or 12 instalments, or another payment day",
                       "Spread your bill over 12 months, or choose the day you pay")),
    ChangeKind.REBILL: KindWording(
        "Rebill", "A new bill", "We have updated your Council Tax account. We will send you a bill.",
        "from_date", "Bill from", resident=None),
    ChangeKind.REFUND_DECISION: KindWording(
        "Refund decision", "A refund of credit", "We have recorded our decision on the refund of your credit.",
        "decided_on", "Decided on", resident=None),
}

# For templates and pages that hold a kind as the string a store or a metric recorded.
STAFF_LABELS = {kind.value: wording.label for kind, wording in KIND_WORDING.items()}
RESIDENT_CHOICES = {kind: wording.resident for kind, wording in KIND_WORDING.items() if wording.resident is not None}


def date_fields() -> frozenset[str]:
    """Every kind's date field."""
    return frozenset(wording.date_field for wording in KIND_WORDING.values())


def wording_for(kind: str) -> KindWording | None:
    """The words for a kind recorded as a string, or None for one this version does not know."""
    try:
        return KIND_WORDING[ChangeKind(kind)]
    except ValueError:
        return None
