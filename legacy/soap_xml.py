"""SOAP 1.1 envelopes of the back office's web service: read a request body, write responses and faults."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from lxml import etree

from legacy.records import (
    Account,
    Amendment,
    Charge,
    Ending,
    Instalment,
    Note,
    NoteInput,
    Opening,
    Payment,
    Refund,
    RefundDecisionInput,
)

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "urn:example:legacy-revenues:1"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True)


class BadRequestError(Exception):
    """The envelope is not one the service understands (a client fault without a refusal code)."""


def operation_of(body: bytes) -> tuple[str, Any]:
    """The operation named by the first element of the SOAP body, and that element."""
    try:
        envelope = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as error:
        raise BadRequestError(f"not XML: {error}") from None
    soap_body = envelope.find(f"{{{SOAP_ENV}}}Body")
    if soap_body is None or len(soap_body) == 0:
        raise BadRequestError("no SOAP body")
    request = soap_body[0]
    return etree.QName(request).localname, request


def text(element: Any, name: str) -> str:
    found = element.find(f"{{{NS}}}{name}")
    if found is None or found.text is None:
        raise BadRequestError(f"{name} is missing")
    return str(found.text)


def optional_text(element: Any, name: str) -> str | None:
    found = element.find(f"{{{NS}}}{name}")
    return None if found is None or found.text is None else str(found.text)


def texts(element: Any, name: str) -> list[str]:
    return [str(e.text or "") for e in element.findall(f"{{{NS}}}{name}")]


def day(element: Any, name: str) -> date:
    return date.fromisoformat(text(element, name)[:10])


def optional_day(element: Any, name: str) -> date | None:
    found = optional_text(element, name)
    return None if found is None else date.fromisoformat(found[:10])


def optional_int(element: Any, name: str) -> int | None:
    found = optional_text(element, name)
    return None if found is None else int(found)


def flag(element: Any, name: str) -> bool:
    """An xsd:boolean (absent is false)."""
    found = optional_text(element, name)
    if found not in {None, "true", "false", "1", "0"}:
        raise BadRequestError(f"{name} is not a boolean")
    return found in {"true", "1"}


def _charges(element: Any) -> tuple[Charge, ...]:
    return tuple(Charge(int(text(c, "FinancialYear")), day(c, "PeriodStart"), day(c, "PeriodEnd"),
                        int(text(c, "Days")), text(c, "Band"), int(text(c, "AnnualChargePence")),
                        optional_text(c, "DiscountCode"), int(text(c, "DiscountPercent")), int(text(c, "ChargePence")))
                 for c in element.findall(f"{{{NS}}}Charge"))


def _instalments(element: Any) -> tuple[Instalment, ...]:
    return tuple(Instalment(int(text(i, "FinancialYear")), int(text(i, "Sequence")), day(i, "DueDate"),
                            int(text(i, "AmountPence")))
                 for i in element.findall(f"{{{NS}}}Instalment"))


def _credit_transfers(element: Any) -> tuple[Payment, ...]:
    return tuple(Payment(int(text(t, "FinancialYear")), day(t, "PaidOn"), int(text(t, "AmountPence")))
                 for t in element.findall(f"{{{NS}}}CreditTransfer"))


def _refunds(element: Any) -> tuple[Refund, ...]:
    return tuple(Refund(int(text(r, "FinancialYear")), int(text(r, "AmountPence")), text(r, "AccountHolder"),
                        text(r, "SortCode"), text(r, "AccountNumber"), day(r, "InstructedOn"),
                        held_for_approval=flag(r, "HeldForApproval"))
                 for r in element.findall(f"{{{NS}}}Refund"))


def note_input(element: Any) -> NoteInput:
    note = element.find(f"{{{NS}}}Note")
    if note is None:
        raise BadRequestError("Note is missing")
    return NoteInput(text(note, "Reference"), text(note, "Text"))


def ending(element: Any) -> Ending:
    return Ending(text(element, "AccountNumber"), day(element, "ExpectedLiabilityStart"),
                  day(element, "LiabilityEnd"), int(text(element, "ReplaceFromYear")), day(element, "InstalmentsFrom"),
                  _charges(element), _instalments(element), note_input(element),
                  expected_liability_end=optional_day(element, "ExpectedLiabilityEnd"),
                  credit_transfers=_credit_transfers(element), refunds=_refunds(element))


def refund_decision(element: Any) -> RefundDecisionInput:
    decision = text(element, "Decision")
    if decision not in {"approved", "rejected"}:
        raise BadRequestError("Decision is approved or rejected")
    return RefundDecisionInput(text(element, "AccountNumber"), int(text(element, "FinancialYear")),
                               decision == "approved", day(element, "DecidedOn"), note_input(element))


def opening(element: Any) -> Opening:
    return Opening(text(element, "Uprn"), day(element, "LiabilityStart"), tuple(texts(element, "LiablePerson")),
                   optional_text(element, "DiscountCode"), int(text(element, "DiscountPercent")),
                   _charges(element), _instalments(element), note_input(element),
                   twelve_instalments=flag(element, "TwelveInstalments"),
                   payment_day=optional_int(element, "PaymentDay"),
                   unoccupied_since=optional_day(element, "UnoccupiedSince"),
                   liability_end=optional_day(element, "LiabilityEnd"), credit_transfers=_credit_transfers(element))


def amendment(element: Any) -> Amendment:
    return Amendment(
        account_no=text(element, "AccountNumber"), expected_liability_start=day(element, "ExpectedLiabilityStart"),
        effective_date=day(element, "EffectiveDate"), replace_liable_persons=flag(element, "ReplaceLiablePersons"),
        liable_persons=tuple(texts(element, "LiablePerson")), discount_code=optional_text(element, "DiscountCode"),
        discount_percent=int(text(element, "DiscountPercent")), twelve_instalments=flag(element, "TwelveInstalments"),
        payment_day=optional_int(element, "PaymentDay"), recharge_from_year=optional_int(element, "RechargeFromYear"),
        charges=_charges(element), replan_years=tuple(int(year) for year in texts(element, "ReplanYear")),
        instalments_from=day(element, "InstalmentsFrom"), instalments=_instalments(element),
        note=note_input(element))


# -- responses -------------------------------------------------------------------------------------------------

def _add(parent: Any, name: str, value: object) -> None:
    if value is not None:
        etree.SubElement(parent, f"{{{NS}}}{name}").text = str(value)


def _envelope(payload: Any) -> bytes:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV, "r": NS})
    etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body").append(payload)
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))


def response(operation: str, fill: Any = None) -> bytes:
    payload = etree.Element(f"{{{NS}}}{operation}Response")
    if fill is not None:
        fill(payload)
    return _envelope(payload)


def properties_response(rows: Iterable[Any]) -> bytes:
    def fill(payload: Any) -> None:
        for row in rows:
            prop = etree.SubElement(payload, f"{{{NS}}}Property")
            for name, column in (("Uprn", "uprn"), ("PropertyRef", "property_ref"), ("AddressLine1", "address_line_1"),
                                 ("AddressLine2", "address_line_2"), ("Town", "town"), ("Postcode", "postcode"),
                                 ("Band", "band"), ("OwnerName", "owner_name"),
                                 ("PremiumException", "premium_exception"),
                                 ("PremiumExceptionFrom", "premium_exception_from")):
                _add(prop, name, row[column])
            _add(prop, "Furnished", "true" if row["furnished"] else "false")
    return response("SearchProperties", fill)


def _summary(parent: Any, account: Account) -> None:
    _add(parent, "AccountNumber", account.account_no)
    _add(parent, "Uprn", account.uprn)
    _add(parent, "LiabilityStart", account.liability_start)
    _add(parent, "LiabilityEnd", account.liability_end)
    _add(parent, "DiscountCode", account.discount_code)
    _add(parent, "DiscountPercent", account.discount_percent)
    _add(parent, "TwelveInstalments", "true" if account.twelve_instalments else "false")
    _add(parent, "PaymentDay", account.payment_day)
    if account.ended_by_note is not None:
        _note(parent, account.ended_by_note, "EndedByNote")
    _add(parent, "UnoccupiedSince", account.unoccupied_since)


def _note(parent: Any, note: Note, name: str = "Note") -> None:
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    for name, value in (("AccountNumber", note.account_no), ("Reference", note.reference), ("Text", note.text),
                        ("CreatedBy", note.created_by), ("CreatedAt", note.created_at)):
        _add(element, name, value)


def summaries_response(accounts: Iterable[Account]) -> bytes:
    def fill(payload: Any) -> None:
        for account in accounts:
            _summary(etree.SubElement(payload, f"{{{NS}}}Account"), account)
    return response("FindAccountsAtProperty", fill)


def account_response(account: Account | None) -> bytes:
    def fill(payload: Any) -> None:
        if account is None:
            return
        element = etree.SubElement(payload, f"{{{NS}}}Account")
        _summary(element, account)
        for person in account.liable_persons:
            _add(element, "LiablePerson", person)
        for c in account.charges:
            charge = etree.SubElement(element, f"{{{NS}}}Charge")
            for name, value in (("FinancialYear", c.financial_year), ("PeriodStart", c.period_start),
                                ("PeriodEnd", c.period_end), ("Days", c.days), ("Band", c.band),
                                ("AnnualChargePence", c.annual_charge_pence), ("DiscountCode", c.discount_code),
                                ("DiscountPercent", c.discount_percent), ("ChargePence", c.charge_pence)):
                _add(charge, name, value)
        for i in account.instalments:
            _instalment(element, i, "Instalment")
        for p in account.payments:
            payment = etree.SubElement(element, f"{{{NS}}}Payment")
            for name, value in (("FinancialYear", p.financial_year), ("PaidOn", p.paid_on),
                                ("AmountPence", p.amount_pence)):
                _add(payment, name, value)
        for r in account.refunds:
            refund = etree.SubElement(element, f"{{{NS}}}Refund")
            for name, value in (("FinancialYear", r.financial_year), ("AmountPence", r.amount_pence),
                                ("MaskedBankAccount", r.masked), ("InstructedOn", r.instructed_on),
                                ("HeldForApproval", "true" if r.held_for_approval else "false"),
                                ("Decision", r.decision), ("DecidedOn", r.decided_on)):
                _add(refund, name, value)
        for note in account.notes:
            _note(element, note)
        for i in account.superseded_instalments:
            _instalment(element, i, "SupersededInstalment")
    return response("GetAccount", fill)


def _instalment(parent: Any, i: Instalment, name: str) -> None:
    instalment = etree.SubElement(parent, f"{{{NS}}}{name}")
    for field, value in (("FinancialYear", i.financial_year), ("Sequence", i.sequence), ("DueDate", i.due_date),
                         ("AmountPence", i.amount_pence)):
        _add(instalment, field, value)


def account_number_response(operation: str, account_no: str) -> bytes:
    return response(operation, lambda payload: _add(payload, "AccountNumber", account_no))


def notes_response(notes: Iterable[Note]) -> bytes:
    def fill(payload: Any) -> None:
        for note in notes:
            _note(payload, note)
    return response("ListNotesByReference", fill)


def fault(code: str, message: str, refusal_code: str | None = None) -> bytes:
    """A SOAP fault: ``soap:Client`` with a RefusalCode when refused, ``soap:Server`` when the caller may retry."""
    body = etree.Element(f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(body, "faultcode").text = f"soap:{code}"
    etree.SubElement(body, "faultstring").text = message
    if refusal_code is not None:
        detail = etree.SubElement(body, "detail")
        etree.SubElement(detail, f"{{{NS}}}RefusalCode").text = refusal_code
    return _envelope(body)
