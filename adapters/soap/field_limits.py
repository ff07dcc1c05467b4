"""The field widths the WSDL declares (``xsd:maxLength``), checked before the first call of a change.

A change whose values do not fit is refused before anything is sent, so it is never half made (an ending
made, then the opening refused for a name too long) and never cut short.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from lxml import etree

from adapters.audit_notes import amendment_note, ending_note, opening_note
from adapters.revenues_port import RefusedChangeError
from schemas.events import AccountChange

XSD = "http://www.w3.org/2001/XMLSchema"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@cache
def declared_widths() -> dict[str, int]:
    """Simple type name -> maxLength, from the WSDL in this folder."""
    wsdl = etree.fromstring(files("adapters.soap").joinpath("revenues.wsdl").read_bytes(), _PARSER)
    widths = {}
    for simple in wsdl.iter(f"{{{XSD}}}simpleType"):
        length = simple.find(f".//{{{XSD}}}maxLength")
        if length is not None:
            widths[str(simple.get("name"))] = int(length.get("value"))
    return widths


def check_fits(change: AccountChange, note_suffix_length: int) -> None:
    """Raise RefusedChangeError when a value is wider than the service's field."""
    widths = declared_widths()
    values = [("PersonName", "a liable person's name", name) for o in change.openings for name in o.liable_persons]
    values += [("PersonName", "a liable person's name", name) for a in change.amendments
               if a.replaces_liable_persons for name in a.liable_persons]
    values += [("DiscountCode", "a discount code", o.discount_code or "") for o in change.openings]
    values += [("DiscountCode", "a discount code", a.discount_code or "") for a in change.amendments]
    values += [("NoteText", "an account note", amendment_note(change, a) + " " * note_suffix_length)
               for a in change.amendments]
    values += [("NoteText", "an account note", ending_note(change, e) + " " * note_suffix_length)
               for e in change.endings]
    values += [("NoteText", "an account note", opening_note(change, o) + " " * note_suffix_length)
               for o in change.openings]
    for type_name, what, value in values:
        width = widths.get(type_name)
        if width is not None and len(value) > width:
            raise RefusedChangeError(
                f"{what.capitalize()} is {len(value)} characters; the revenues service takes at most {width}, so "
                "nothing of this change was sent (nothing is cut short)", "FIELD_TOO_LONG")
