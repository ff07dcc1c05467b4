"""Everyone living there is a full-time student: exempt (class N, Council Tax (Exempt Dwellings) Order 1992)."""

from __future__ import annotations

import re
from datetime import date

from processors.rules.amendments import _account_for, _discount_change
from processors.rules.council import CouncilRules
from processors.rules.discounts import STUDENT_EXEMPTION
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules, the_address
from processors.rules.review import Effects, Review
from schemas.events import ValidatedNotification
from schemas.notification import ChangeKind, StudentExemption

# A student council-tax certificate reference that goes straight through: the institution's code (2 to 10
# capital letters) and the certificate number (4 to 12 digits), joined by "/" or "-", e.g. UOE/20251234.
# Anything else (a typed description, a missing number) goes to a person to check with the institution.
STUDENT_CERTIFICATE = re.compile(r"^[A-Z]{2,10}[/-][0-9]{4,12}$")


def assess(change: StudentExemption, validated: ValidatedNotification, notice: date, rules: CouncilRules) -> Effects:
    facts = validated.facts_for(change.uprn)
    account = _account_for(facts, change.account_reference)
    unchecked = [s.certificate_reference for s in change.students
                 if not STUDENT_CERTIFICATE.match(s.certificate_reference.strip())]
    if unchecked:
        raise Review("student_certificate_unverified",
                     f"{len(unchecked)} student certificate reference(s) are not in the format the council "
                     "can accept without checking (institution code and number, e.g. UOE/20251234)",
                     "students")
    return (), (), (_discount_change(facts, account, change.effective_date, STUDENT_EXEMPTION, notice, rules,
                                     f"Exempt (class N): {len(change.students)} full-time student(s), certificates "
                                     + ", ".join(s.certificate_reference for s in change.students)),)


RULES = KindRules(
    kind=ChangeKind.STUDENT_EXEMPTION, change_type=StudentExemption,
    asks_back_office=frozenset({BackOfficeRequest.AMEND_ACCOUNT}), properties=the_address, assess=assess,
    preview_shows=frozenset({BackOfficeRequest.AMEND_ACCOUNT}),
)
