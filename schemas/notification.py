"""Pydantic models of a change-of-circumstance notification, with the business validation every producer obeys.

The field names and types mirror the Avro contracts in ``schemas/avro`` (a test keeps them in step). The
``kind`` field exists only here: in Avro the union branch's record name says which change it is.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from schemas.formats import (
    MAX_ADDRESS_LINE_LENGTH,
    clean_email,
    clean_name,
    clean_owner_name,
    clean_phone,
    clean_text,
    normalise_account_number,
    normalise_postcode,
    normalise_sort_code,
    normalise_uprn,
)

MAX_RESIDENTS = 12
MAX_ACCOUNT_HOLDER_LENGTH = 60
ADULT_AGE = 18


def _address_line(value: str) -> str:
    return clean_text(value, max_length=MAX_ADDRESS_LINE_LENGTH, what="the first line of the address")


def _optional_line(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return clean_text(value, max_length=MAX_ADDRESS_LINE_LENGTH, what="the second line of the address")


def _town(value: str) -> str:
    return clean_text(value, max_length=60, what="the town or city")


def _account_holder(value: str) -> str:
    name = clean_name(value)
    if len(name) > MAX_ACCOUNT_HOLDER_LENGTH:
        raise ValueError(f"The name on the bank account must be {MAX_ACCOUNT_HOLDER_LENGTH} characters or fewer")
    return name


def _council_code(value: str) -> str:
    return clean_text(value, max_length=12, what="the council code")


Uprn = Annotated[str, AfterValidator(normalise_uprn)]
Postcode = Annotated[str, AfterValidator(normalise_postcode)]
PersonName = Annotated[str, AfterValidator(clean_name)]
OwnerName = Annotated[str, AfterValidator(clean_owner_name)]
Email = Annotated[str, AfterValidator(clean_email)]
Phone = Annotated[str, AfterValidator(clean_phone)]
CouncilCode = Annotated[str, AfterValidator(_council_code)]
AccountReference = Annotated[str, Field(max_length=20, pattern=r"^[A-Za-z0-9/-]+$")]
# A student's council-tax certificate from their university or college: see STUDENT_CERTIFICATE in
# processors/rules/kinds/student_exemption.py for the format that goes straight through; anything else a person
# checks.
CertificateReference = Annotated[str, Field(min_length=1, max_length=30, pattern=r"^[A-Za-z0-9/ -]+$")]
PaymentDay = Annotated[int, Field(ge=1, le=28)]
# The digest of the bill preview the notifier was shown (schemas/bill_preview.py), sent back with the notification.
PreviewDigest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Model(BaseModel):
    """Base for every contract model: immutable, and unknown fields are an error rather than ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_max_length=2000)


class Tenure(StrEnum):
    OWNER_OCCUPIER = "owner_occupier"
    PRIVATE_TENANT = "private_tenant"
    SOCIAL_TENANT = "social_tenant"
    LODGER = "lodger"
    OTHER = "other"


class DisregardReason(StrEnum):
    """Why a resident does not count when adults are counted for discounts (LGFA 1992 Sch. 1)."""

    FULL_TIME_STUDENT = "full_time_student"
    STUDENT_NURSE = "student_nurse"
    APPRENTICE = "apprentice"
    YOUTH_TRAINING = "youth_training"
    SEVERELY_MENTALLY_IMPAIRED = "severely_mentally_impaired"
    CARER = "carer"
    CARE_LEAVER = "care_leaver"
    DIPLOMAT = "diplomat"
    RELIGIOUS_COMMUNITY = "religious_community"
    HOSPITAL_PATIENT = "hospital_patient"
    CARE_HOME_RESIDENT = "care_home_resident"
    PRISONER = "prisoner"


class Channel(StrEnum):
    ONLINE_FORM = "online_form"
    API = "api"
    OFFICER_CORRECTION = "officer_correction"
    LANDLORD_BULK = "landlord_bulk"


class ChangeKind(StrEnum):
    MOVE_IN = "move_in"
    MOVE_OUT = "move_out"
    MOVE_WITHIN = "move_within"
    SINGLE_PERSON_DISCOUNT = "single_person_discount"
    HOUSEHOLD_CHANGE = "household_change"
    STUDENT_EXEMPTION = "student_exemption"
    CHANGE_OF_NAME = "change_of_name"
    PAYMENT_ARRANGEMENT = "payment_arrangement"
    REBILL = "rebill"
    REFUND_DECISION = "refund_decision"

    @property
    def is_move(self) -> bool:
        return self in {ChangeKind.MOVE_IN, ChangeKind.MOVE_OUT, ChangeKind.MOVE_WITHIN}


class DiscountAction(StrEnum):
    CLAIM = "claim"
    END = "end"


class SpdReason(StrEnum):
    """Why a single person discount starts or ends."""

    ONLY_ADULT = "only_adult"
    OTHERS_DISREGARDED = "others_disregarded"
    OTHERS_LEFT = "others_left"
    SOMEONE_MOVED_IN = "someone_moved_in"
    SOMEONE_TURNED_18 = "someone_turned_18"
    DISREGARD_ENDED = "disregard_ended"


class HouseholdEvent(StrEnum):
    ADULT_JOINED = "adult_joined"
    ADULT_LEFT = "adult_left"
    DISREGARD_STARTED = "disregard_started"
    DISREGARD_ENDED = "disregard_ended"


class NameChangeReason(StrEnum):
    MARRIAGE = "marriage"
    CIVIL_PARTNERSHIP = "civil_partnership"
    DIVORCE = "divorce"
    DEED_POLL = "deed_poll"
    OTHER = "other"


class Address(Model):
    line_1: Annotated[str, AfterValidator(_address_line)]
    line_2: Annotated[str | None, AfterValidator(_optional_line)] = None
    town: Annotated[str, AfterValidator(_town)]
    postcode: Postcode


class Resident(Model):
    """An adult living at the property; ``disregard`` says why they do not count for discounts, if so."""

    full_name: PersonName
    date_of_birth: date | None = None
    disregard: DisregardReason | None = None


class Contact(Model):
    full_name: PersonName
    email: Email | None = None
    phone: Phone | None = None

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if self.email is None and self.phone is None:
            raise ValueError("Enter an email address or a telephone number so the council can contact you")
        return self


def _check_residents(residents: tuple[Resident, ...], on: date) -> None:
    if not residents:
        raise ValueError("Tell us who lives at the property: at least one adult")
    if len(residents) > MAX_RESIDENTS:
        raise ValueError(f"List at most {MAX_RESIDENTS} adults")
    for number, resident in enumerate(residents, start=1):
        born = resident.date_of_birth
        if born is None:
            continue
        if born > on:
            raise ValueError(f"Resident {number}: date of birth must be in the past")
        if _age_on(born, on) < ADULT_AGE:
            raise ValueError(f"Resident {number}: only list adults aged {ADULT_AGE} or over on the move date")


def _known(*uprns: str | None) -> tuple[str, ...]:
    """The UPRNs the resident chose from the register (None: typed in by hand, not in the register)."""
    return tuple(uprn for uprn in uprns if uprn is not None)


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class MoveIn(Model):
    kind: Literal[ChangeKind.MOVE_IN] = ChangeKind.MOVE_IN
    uprn: Uprn | None
    address: Address
    move_in_date: date
    residents: tuple[Resident, ...]
    tenure: Tenure
    previous_address: Address | None = None
    twelve_instalments: bool = False

    @model_validator(mode="after")
    def _adults(self) -> MoveIn:
        _check_residents(self.residents, self.move_in_date)
        return self

    @property
    def move_date(self) -> date:
        return self.move_in_date

    @property
    def effective_date(self) -> date:
        return self.move_in_date

    @property
    def uprns(self) -> tuple[str, ...]:
        return _known(self.uprn)


class BankAccountDetails(Model):
    """A UK bank account in clear, to refund a credit to: only ever in a request to the intake, which checks it and
    seals it (``schemas/bank_details.py``); it never travels on a topic or rests in a store."""

    account_holder: Annotated[str, AfterValidator(_account_holder)]
    sort_code: Annotated[str, AfterValidator(normalise_sort_code)]
    account_number: Annotated[str, AfterValidator(normalise_account_number)]

    @property
    def masked(self) -> str:
        """What people see of an account: the last two digits of the sort code and last four of the number."""
        return f"sort code **-**-{self.sort_code[-2:]}, account ****{self.account_number[-4:]}"


class SealedBankAccount(Model):
    """A bank account sealed (encrypted) under the council's key by the intake, with the masked form people see."""

    ciphertext: Annotated[str, Field(min_length=1, max_length=1000)]
    masked: Annotated[str, Field(min_length=1, max_length=60)]


class MoveOut(Model):
    kind: Literal[ChangeKind.MOVE_OUT] = ChangeKind.MOVE_OUT
    uprn: Uprn | None
    address: Address
    move_out_date: date
    forwarding_address: Address
    account_reference: AccountReference | None = None
    # The landlord or letting agent of a rented home (asked when the register does not know the owner, or named
    # by an officer): liable while it is empty (LGFA 1992 s.6(2)(f)).
    landlord_name: OwnerName | None = None
    # Where to refund a final bill in credit, sealed by the intake (a request carries it in clear as
    # ``refund_bank_account``; one that sends this field itself is refused).
    refund_to: SealedBankAccount | None = None

    @model_validator(mode="after")
    def _forwarding_elsewhere(self) -> MoveOut:
        if self.forwarding_address == self.address:
            raise ValueError("The forwarding address must be different from the address you are leaving")
        return self

    @property
    def move_date(self) -> date:
        return self.move_out_date

    @property
    def effective_date(self) -> date:
        return self.move_out_date

    @property
    def uprns(self) -> tuple[str, ...]:
        return _known(self.uprn)


class MoveWithin(Model):
    kind: Literal[ChangeKind.MOVE_WITHIN] = ChangeKind.MOVE_WITHIN
    from_uprn: Uprn | None
    from_address: Address
    to_uprn: Uprn | None
    to_address: Address
    move_date: date
    residents: tuple[Resident, ...]
    tenure: Tenure
    twelve_instalments: bool = False

    @property
    def effective_date(self) -> date:
        return self.move_date

    @model_validator(mode="after")
    def _two_properties(self) -> MoveWithin:
        same_property = (self.from_uprn == self.to_uprn if self.from_uprn and self.to_uprn
                         else self.from_address == self.to_address)
        if same_property:
            raise ValueError("The new address must be a different property from the old one")
        _check_residents(self.residents, self.move_date)
        return self

    @property
    def uprns(self) -> tuple[str, ...]:
        return _known(self.from_uprn, self.to_uprn)


class SinglePersonDiscount(Model):
    """Claim a single person discount (only one adult counts) from a date, or end it from a date."""

    kind: Literal[ChangeKind.SINGLE_PERSON_DISCOUNT] = ChangeKind.SINGLE_PERSON_DISCOUNT
    uprn: Uprn | None
    address: Address
    account_reference: AccountReference | None = None
    action: DiscountAction
    effective_date: date
    reason: SpdReason

    @model_validator(mode="after")
    def _reason_fits(self) -> SinglePersonDiscount:
        claiming = {SpdReason.ONLY_ADULT, SpdReason.OTHERS_DISREGARDED, SpdReason.OTHERS_LEFT}
        if (self.action is DiscountAction.CLAIM) != (self.reason in claiming):
            raise ValueError(f"'{self.reason.value}' is not a reason to {self.action.value} a single person discount")
        return self

    @property
    def uprns(self) -> tuple[str, ...]:
        return _known(self.uprn)


class HouseholdChange(Model):
    """An adult joins or leaves, or starts or stops being disregarded: who lives there from the date."""

    kind: Literal[ChangeKind.HOUSEHOLD_CHANGE] = ChangeKind.HOUSEHOLD_CHANGE
    uprn: Uprn | None
    address: Address
    account_reference: AccountReference | None = None
    effective_date: date
    event: HouseholdEvent
    residents: tuple[Resident, ...]
    liable_persons: tuple[PersonName, ...]

    @model_validator(mode="after")
    def _household(self) -> HouseholdChange:
        _check_residents(self.residents, self.effective_date)
        names = {r.full_name.casefold() for r in self.residents}
        if not self.liable_persons:
            raise ValueError("Name at least one person who is liable (the owner or tenant living there)")
        for name in self.liable_persons:
            if name.casefold() not in names:
                raise ValueError(f"{name} is named as liable but is not listed as living there")
        return self

    @property
    def uprns(self) -> tuple[str, ...]:
        return _known(self.uprn)


class Student(Model):
    full_name: PersonName
    institution: Annotated[str, AfterValidator(_town)]
    certificate_reference: CertificateReference


class StudentExemption(Model):
    """Every adult living there is a full-time student: exempt (class N) from the date."""

    kind: Literal[ChangeKind.STUDENT_EXEMPTION] = ChangeKind.STUDENT_EXEMPTION
    uprn: Uprn | None
    address: Address
    account_reference: AccountReference | None = None
    effective_date: date
    students: tuple[Student, ...]

    @model_validator(mode="after")
    def _students(self) -> StudentExemption:
        if not self.students:
            raise ValueError("List every student who lives at the property")
        if len(self.students) > MAX_RESIDENTS:
            raise ValueError(f"List at most {MAX_RESIDENTS} students")
        return self

    @property
    def uprns(self) -> tuple[str, ...]:
        return _known(self.uprn)


class NameChange(Model):
    """A liable person's name changed (marriage, civil partnership, deed poll)."""

    kind: Literal[ChangeKind.CHANGE_OF_NAME] = ChangeKind.CHANGE_OF_NAME
    uprn: Uprn | None
    address: Address
    account_reference: AccountReference | None = None
    previous_name: PersonName
    new_name: PersonName
    reason: NameChangeReason
    effective_date: date

    @model_validator(mode="after")
    def _different(self) -> NameChange:
        if self.previous_name == self.new_name:
            raise ValueError("The new name must be different from the previous name")
        return self

    @property
    def uprns(self) -> tuple[str, ...]:
        return _known(self.uprn)


class PaymentArrangement(Model):
    """Pay in 12 monthly instalments instead of 10, or on another day of the month."""

    kind: Literal[ChangeKind.PAYMENT_ARRANGEMENT] = ChangeKind.PAYMENT_ARRANGEMENT
    uprn: Uprn | None
    address: Address
    account_reference: AccountReference | None = None
    twelve_instalments: bool
    payment_day: PaymentDay | None = None
    requested_on: date

    @property
    def effective_date(self) -> date:
        return self.requested_on

    @property
    def uprns(self) -> tuple[str, ...]:
        return _known(self.uprn)


class Rebill(Model):
    """An officer's correction: the account's charge from a date, and the year's plan, under the current rules."""

    kind: Literal[ChangeKind.REBILL] = ChangeKind.REBILL
    uprn: Uprn | None
    address: Address
    account_reference: AccountReference | None = None
    from_date: date
    reason: Annotated[str, Field(min_length=1, max_length=300)]

    @property
    def effective_date(self) -> date:
        return self.from_date

    @property
    def uprns(self) -> tuple[str, ...]:
        return _known(self.uprn)


class RefundDecision(Model):
    """An officer's decision on a refund held for approval (officers only): release it to the bank account the
    mover gave, or keep the credit on the account. A refund is one account's one year."""

    kind: Literal[ChangeKind.REFUND_DECISION] = ChangeKind.REFUND_DECISION
    uprn: Uprn | None
    address: Address
    account_reference: AccountReference
    financial_year: Annotated[int, Field(ge=1990, le=2200)]
    approved: bool
    decided_on: date
    reason: Annotated[str, Field(min_length=1, max_length=300)]

    @property
    def effective_date(self) -> date:
        return self.decided_on

    @property
    def uprns(self) -> tuple[str, ...]:
        return _known(self.uprn)


AccountChangeKind = (SinglePersonDiscount | HouseholdChange | StudentExemption | NameChange | PaymentArrangement
                     | Rebill | RefundDecision)
Change = Annotated[MoveIn | MoveOut | MoveWithin | SinglePersonDiscount | HouseholdChange | StudentExemption
                   | NameChange | PaymentArrangement | Rebill | RefundDecision, Field(discriminator="kind")]


class NotificationRequest(Model):
    """What a resident or a client system sends to the intake API."""

    council_code: CouncilCode | None = None
    contact: Contact
    change: Change
    preview_digest: PreviewDigest | None = None  # from POST /api/v1/notifications/preview, when one was shown
    # A move-out may say where to refund a final bill in credit (checked and sealed at intake).
    refund_bank_account: BankAccountDetails | None = Field(
        None, description="Move-outs only: a UK bank account to refund a final bill in credit to. Checked with "
        "Vocalink's modulus rules (422 naming the field when the numbers do not belong together), then sealed: it "
        "is never stored or passed on in clear. Refused (422 refunds_not_offered) where the council takes none.")

    @model_validator(mode="after")
    def _refund_for_a_move_out(self) -> NotificationRequest:
        if self.refund_bank_account is not None and self.change.kind is not ChangeKind.MOVE_OUT:
            raise ValueError("Bank details for a refund are only taken with a move out of the area")
        return self


class ChangeNotification(Model):
    """A notification accepted at intake: the request plus the envelope the intake stamps on it."""

    notification_id: Annotated[str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    reference: Annotated[str, Field(pattern=r"^CTX-[0-9A-Z]{4}-[0-9A-Z]{4}$")]
    submitted_at: datetime
    channel: Channel
    council_code: CouncilCode
    contact: Contact
    corrects_notification_id: str | None = None
    change: Change
    preview_digest: PreviewDigest | None = None

    @property
    def kind(self) -> ChangeKind:
        return self.change.kind

    @cached_property
    def change_fingerprint(self) -> str:
        """A digest of what changed (not who sent it or when): equal for the same move told twice.

        Computed once per notification (every stage that needs it reads the same value)."""
        # The sealed bank details differ every time they are sealed: they are not part of what changed.
        content = f"{self.council_code}|{self.change.model_dump_json(exclude={'refund_to'})}".casefold()
        return hashlib.sha256(content.encode("utf-8")).hexdigest()
