"""The address questions of "Tell us you're moving": postcode, pick from the register, or type it in.

Addresses picked from the property register carry their UPRN; one typed in (the resident's address is
not listed, or they do not know the postcode) has none, and the notification then goes to review.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from schemas.notification import ChangeKind
from web.http.page_templates import render_page
from web.in_thread import in_thread
from web.resident.address_lookup import one_line
from web.resident.answers import AddressRole, ChosenAddress
from web.resident.forms import (
    FormErrors,
    address_field_values,
    echo,
    form_fields,
    parse_choice,
    parse_manual_address,
    parse_postcode,
)
from web.resident.question_order import address_question, address_roles, asks
from web.resident.session import Journey, back_to_start, current_journey, save_and_continue, services

router = APIRouter(prefix="/moving", include_in_schema=False)


def _role(raw: str) -> AddressRole | None:
    try:
        return AddressRole(raw)
    except ValueError:
        return None


async def _asking(request: Request, raw_role: str) -> tuple[Journey, AddressRole] | None:
    """The journey and the address role, if this kind of move asks about that address."""
    journey = await current_journey(request)
    role = _role(raw_role)
    if journey is None or journey.answers.submitted or journey.answers.kind is None or role is None:
        return None
    if role not in address_roles(journey.answers.kind):
        return None
    return journey, role


def _back_from_postcode(kind: ChangeKind, role: AddressRole) -> str:
    roles = address_roles(kind)
    index = roles.index(role)
    return "/moving/kind" if index == 0 else f"/moving/address/{roles[index - 1].value}/postcode"


# -- postcode -----------------------------------------------------------------------------------------------

@router.get("/address/{role}/postcode")
async def postcode_page(request: Request, role: str) -> Response:
    asking = await _asking(request, role)
    if asking is None:
        return back_to_start()
    journey, address_role = asking
    return _postcode_form(request, journey, address_role, journey.answers.searched_postcode.get(address_role, ""),
                          FormErrors())


@router.post("/address/{role}/postcode")
async def postcode_answer(request: Request, role: str) -> Response:
    asking = await _asking(request, role)
    if asking is None:
        return back_to_start()
    journey, address_role = asking
    form = await form_fields(request)
    errors = FormErrors()
    postcode = parse_postcode(form, errors)
    if postcode is None:
        return _postcode_form(request, journey, address_role, echo(form).get("postcode", ""), errors)
    journey.answers.searched_postcode[address_role] = postcode
    return await save_and_continue(request, journey, f"/moving/address/{address_role.value}/select")


def _postcode_form(request: Request, journey: Journey, role: AddressRole, postcode: str,
                   errors: FormErrors) -> Response:
    assert journey.answers.kind is not None
    return render_page(request, "resident/postcode.html", {
        "errors": errors, "role": role.value, "postcode": postcode,
        "address_name": address_question(journey.answers.kind, role),
        "back": _back_from_postcode(journey.answers.kind, role),
    }, status_code=400 if errors else 200)


# -- select from the register -------------------------------------------------------------------------------

@router.get("/address/{role}/select")
async def select_page(request: Request, role: str) -> Response:
    asking = await _asking(request, role)
    if asking is None:
        return back_to_start()
    journey, address_role = asking
    return await _select_form(request, journey, address_role, FormErrors())


@router.post("/address/{role}/select")
async def select_answer(request: Request, role: str) -> Response:
    asking = await _asking(request, role)
    if asking is None:
        return back_to_start()
    journey, address_role = asking
    postcode = journey.answers.searched_postcode.get(address_role)
    if postcode is None:
        return await save_and_continue(request, journey, f"/moving/address/{address_role.value}/postcode")
    found = await in_thread(services(request).register.properties_by_postcode, postcode)
    form = await form_fields(request)
    errors = FormErrors()
    chosen_uprn = parse_choice(form, errors, "uprn", {p.uprn for p in found}, "Select an address")
    chosen = next((p for p in found if p.uprn == chosen_uprn), None)
    if chosen is not None and _same_as_other(journey, address_role, chosen.uprn):
        errors.add("uprn", "Select a different address: your new address must not be the one you are leaving")
    if errors or chosen is None:
        return await _select_form(request, journey, address_role, errors)
    journey.answers.addresses[address_role] = ChosenAddress(
        uprn=chosen.uprn, line_1=chosen.address_line_1, line_2=chosen.address_line_2, town=chosen.town,
        postcode=chosen.postcode, owner_known=chosen.owner_name is not None)
    return await save_and_continue(request, journey)


def _same_as_other(journey: Journey, role: AddressRole, uprn: str | None) -> bool:
    other = AddressRole.LEAVING if role == AddressRole.NEW else AddressRole.NEW
    if uprn is None or not _asks_both(journey):
        return False
    chosen = journey.answers.addresses.get(other)
    return chosen is not None and chosen.uprn == uprn


def _asks_both(journey: Journey) -> bool:
    """Whether the journey asks for both the address left and the one moved into (they must differ)."""
    kind = journey.answers.kind
    return kind is not None and {AddressRole.LEAVING, AddressRole.NEW} <= set(address_roles(kind))


async def _select_form(request: Request, journey: Journey, role: AddressRole, errors: FormErrors) -> Response:
    postcode = journey.answers.searched_postcode.get(role)
    if postcode is None:
        return await save_and_continue(request, journey, f"/moving/address/{role.value}/postcode")
    found = await in_thread(services(request).register.properties_by_postcode, postcode)
    back = f"/moving/address/{role.value}/postcode"
    if not found:
        return render_page(request, "resident/no_addresses.html",
                           {"postcode": postcode, "role": role.value, "back": back})
    current = journey.answers.addresses.get(role)
    options = [{"value": p.uprn, "text": one_line(p), "checked": current is not None and current.uprn == p.uprn}
               for p in found]
    return render_page(request, "resident/select_address.html", {
        "errors": errors, "role": role.value, "postcode": postcode, "options": options, "back": back,
        "address_name": address_question(journey.answers.kind, role),
    }, status_code=400 if errors else 200)


# -- typed in by hand ---------------------------------------------------------------------------------------

@router.get("/address/{role}/manual")
async def manual_page(request: Request, role: str) -> Response:
    asking = await _asking(request, role)
    if asking is None:
        return back_to_start()
    journey, address_role = asking
    current = journey.answers.addresses.get(address_role)
    values = address_field_values(current) if current is not None and current.uprn is None else {
        "address-postcode": journey.answers.searched_postcode.get(address_role, "")}
    return _manual_form(request, journey, address_role, values, FormErrors())


@router.post("/address/{role}/manual")
async def manual_answer(request: Request, role: str) -> Response:
    asking = await _asking(request, role)
    if asking is None:
        return back_to_start()
    journey, address_role = asking
    form = await form_fields(request)
    errors = FormErrors()
    address = parse_manual_address(form, errors)
    if address is not None:
        other = journey.answers.addresses.get(AddressRole.LEAVING if address_role == AddressRole.NEW
                                              else AddressRole.NEW)
        if (_asks_both(journey) and other is not None
                and other.as_address() == address.as_address()):
            errors.add("address-line-1", "Your new address must be different from the address you are leaving")
    if errors or address is None:
        return _manual_form(request, journey, address_role, echo(form), errors)
    journey.answers.addresses[address_role] = address
    return await save_and_continue(request, journey)


def _manual_form(request: Request, journey: Journey, role: AddressRole, values: dict[str, str],
                 errors: FormErrors) -> Response:
    name = address_question(journey.answers.kind, role)
    return render_page(request, "resident/manual_address.html", {
        "errors": errors, "values": values, "page_title": f"Enter {name}", "explain_review": True,
        "autocomplete": role == AddressRole.NEW, "back": f"/moving/address/{role.value}/select",
    }, status_code=400 if errors else 200)


# -- forwarding address (moving out of the area) ------------------------------------------------------------

@router.get("/forwarding-address")
async def forwarding_page(request: Request) -> Response:
    journey = await current_journey(request)
    if journey is None or journey.answers.submitted or not asks(journey.answers, "/moving/forwarding-address"):
        return back_to_start()
    current = journey.answers.forwarding_address
    return _forwarding_form(request, address_field_values(current), FormErrors())


@router.post("/forwarding-address")
async def forwarding_answer(request: Request) -> Response:
    journey = await current_journey(request)
    if journey is None or journey.answers.submitted or not asks(journey.answers, "/moving/forwarding-address"):
        return back_to_start()
    form = await form_fields(request)
    errors = FormErrors()
    address = parse_manual_address(form, errors)
    leaving = journey.answers.addresses.get(AddressRole.LEAVING)
    if address is not None and leaving is not None and leaving.as_address() == address.as_address():
        errors.add("address-line-1", "Your new address must be different from the address you are leaving")
    if errors or address is None:
        return _forwarding_form(request, echo(form), errors)
    journey.answers.forwarding_address = address
    return await save_and_continue(request, journey)


def _forwarding_form(request: Request, values: dict[str, str], errors: FormErrors) -> Response:
    return render_page(request, "resident/manual_address.html", {
        "errors": errors, "values": values, "page_title": "What is your new address?", "explain_review": False,
        "autocomplete": True, "back": "/moving/date",
    }, status_code=400 if errors else 200)


# -- helpers ------------------------------------------------------------------------------------------------
