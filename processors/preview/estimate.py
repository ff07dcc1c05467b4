"""The bill preview of one notification, as a pure function of it and the register facts of its properties.

It runs exactly what the worker runs: the validate stage's register checks
(``processors/pipeline/register_checks.py``), then the assessment through the kinds' table
(``processors/rules/assessment.py``), and shows only the notifier's own bills (``own_bills``). Nothing is
written anywhere.

Another household's figures are never shown. A kind whose preview shows an existing account (a move-out's final
bill, an account change's revised bill) needs the notifier's account number, and it must be the account at the
property chosen, whose postcode must match the register; otherwise the answer is ``account_not_confirmed`` with
no figures, the same whether the number was left out, is wrong, or there is no account there. Why a person would
have to decide is not told either (the rules' reasons may name another household's account): only that one would.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from processors.pipeline.register_checks import check_against_register
from processors.preview.own_bills import own_bills
from processors.rules.assessment import assess
from processors.rules.council import CouncilRules
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules
from processors.rules.kinds.table import rules_for
from processors.rules.liability import notice_date_for
from processors.rules.review import NeedsReview
from schemas.bill_preview import BillPreview, PreviewStatus, bills_digest
from schemas.events import PropertyFacts, Reason, StageTimings, ValidatedNotification
from schemas.notification import ChangeNotification

UK = ZoneInfo("Europe/London")
_EXISTING_ACCOUNT = frozenset({BackOfficeRequest.END_LIABILITY, BackOfficeRequest.AMEND_ACCOUNT})
# The rules' reasons that mean the account number given is not the account at the address.
_NOT_THEIR_ACCOUNT = frozenset({"account_reference_mismatch", "no_open_account"})

ACCOUNT_NOT_CONFIRMED = Reason(
    code="account_not_confirmed", field="change.account_reference",
    message="To see an estimate of your bill, give the Council Tax account number for this address, as it is "
            "on your bill. Without it we cannot show an account's figures",
)
NEEDS_A_PERSON = Reason(
    code="needs_review",
    message="A member of staff will need to check this change before your bill is worked out, so we cannot "
            "estimate it now",
)


def estimate(notification: ChangeNotification, register: Mapping[str, PropertyFacts | None], rules: CouncilRules,
             now: datetime) -> BillPreview:
    """What the notification would do to the notifier's own bill if the worker assessed it now."""
    kind_rules = rules_for(notification.kind)
    base = {"kind": notification.kind, "notice_date": notice_date_for(notification.submitted_at)}
    verdict = check_against_register(notification, register, rules, now.astimezone(UK).date())
    if verdict.rejections:
        return BillPreview(status=PreviewStatus.REJECTED, reasons=verdict.rejections, **base)
    if verdict.review:  # about the notifier's own answers (a typed address, a date): safe to say
        return BillPreview(status=PreviewStatus.NEEDS_REVIEW, reasons=verdict.review, **base)
    given = _account_given(notification, kind_rules)
    if given is not None and not _holds_account(notification, kind_rules, register, given):
        return BillPreview(status=PreviewStatus.ACCOUNT_NOT_CONFIRMED, reasons=(ACCOUNT_NOT_CONFIRMED,), **base)
    validated = ValidatedNotification(
        notification=notification, properties=tuple(facts for facts in register.values() if facts is not None),
        timings=StageTimings(submitted_at=notification.submitted_at, validated_at=now))
    assessed = assess(validated, rules, now)
    if isinstance(assessed, NeedsReview):
        if given and any(reason.code in _NOT_THEIR_ACCOUNT for reason in assessed.reasons):
            return BillPreview(status=PreviewStatus.ACCOUNT_NOT_CONFIRMED, reasons=(ACCOUNT_NOT_CONFIRMED,), **base)
        return BillPreview(status=PreviewStatus.NEEDS_REVIEW, reasons=(NEEDS_A_PERSON,), **base)
    bills = own_bills(assessed)
    if given and any((bill.account_ref or "").upper() != given for bill in bills if bill.account_ref is not None):
        return BillPreview(status=PreviewStatus.ACCOUNT_NOT_CONFIRMED, reasons=(ACCOUNT_NOT_CONFIRMED,), **base)
    return BillPreview(status=PreviewStatus.ESTIMATE, bills=bills, digest=bills_digest(bills), **base)


def _account_given(notification: ChangeNotification, kind_rules: KindRules[object]) -> str | None:
    """The account number to confirm, upper-cased: "" when the kind shows an existing account and none was given;
    None when the kind shows no existing account."""
    if not kind_rules.preview_shows & _EXISTING_ACCOUNT:
        return None
    given = getattr(notification.change, "account_reference", None)
    return given.strip().upper() if given else ""


def _holds_account(notification: ChangeNotification, kind_rules: KindRules[object],
                   register: Mapping[str, PropertyFacts | None], given: str) -> bool:
    """Whether every property the change names holds the account numbered ``given`` (open, or the last ended)."""
    if not given:
        return False
    for named in kind_rules.properties(notification.change):
        facts = register.get(named.uprn) if named.uprn is not None else None
        if facts is None:
            return False
        held = {account.account_ref.upper() for account in (facts.open_account, facts.last_ended_account)
                if account is not None}
        if given not in held:
            return False
    return True
