"""Bank details for a refund at intake: checked with the modulus rules, then sealed before anything keeps them."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.bank_details import BankDetailsSealer
from schemas.modulus_check import ModulusTables
from schemas.notification import BankAccountDetails, MoveOut, NotificationRequest, SealedBankAccount

NOT_A_UK_ACCOUNT = ("The sort code and account number do not belong together: check them against a bank "
                    "statement or card")


class BankDetailsRefusedError(ValueError):
    """Bank details the intake will not take, with the field to correct (``loc``) and a code."""

    def __init__(self, code: str, loc: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.code, self.loc = code, loc


@dataclass(frozen=True)
class RefundDetails:
    """The council's key and modulus tables: refunds to a bank account are offered only when both are set."""

    sealer: BankDetailsSealer
    tables: ModulusTables

    def check(self, details: BankAccountDetails) -> None:
        """Raise BankDetailsRefusedError when the account number fails its sort code's modulus checks."""
        if not self.tables.is_valid(details.sort_code, details.account_number):
            raise BankDetailsRefusedError("modulus_check_failed", ("account_number",), NOT_A_UK_ACCOUNT)

    def seal(self, details: BankAccountDetails) -> SealedBankAccount:
        return self.sealer.seal(details)


def check_request(refunds: RefundDetails | None, request: NotificationRequest) -> None:
    """Refuse what a client may not send: sealed details of its own, or bank details the council cannot take."""
    where = ("body", "refund_bank_account")
    if isinstance(request.change, MoveOut) and request.change.refund_to is not None:
        raise BankDetailsRefusedError("refund_to_given", ("body", "change", "refund_to"),
                                      "Send bank details for a refund as refund_bank_account; refund_to is set by "
                                      "the council")
    if request.refund_bank_account is None:
        return
    if refunds is None:
        raise BankDetailsRefusedError("refunds_not_offered", where,
                                      "This service does not take bank details for refunds: the council will "
                                      "contact you about any credit")
    try:
        refunds.check(request.refund_bank_account)
    except BankDetailsRefusedError as refused:
        raise BankDetailsRefusedError(refused.code, (*where, *refused.loc), str(refused)) from None


def sealed_change(refunds: RefundDetails | None, request: NotificationRequest) -> NotificationRequest:
    """The request with its bank details (checked already) sealed into the move-out, and no longer in clear."""
    details = request.refund_bank_account
    if details is None:
        return request
    if refunds is None or not isinstance(request.change, MoveOut):  # check_request refused these already
        raise BankDetailsRefusedError("refunds_not_offered", ("body", "refund_bank_account"),
                                      "This service does not take bank details for refunds")
    change = request.change.model_copy(update={"refund_to": refunds.seal(details)})
    return request.model_copy(update={"change": change, "refund_bank_account": None})
