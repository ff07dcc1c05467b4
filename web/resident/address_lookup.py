"""Finding addresses for the resident pages in the council's property register (through the revenues port)."""

from __future__ import annotations

from adapters.revenues_port import RegisterProperty


class EmptyRegister:
    """A register with nothing in it: every search finds nothing and residents type their address."""

    def properties_by_postcode(self, postcode: str) -> list[RegisterProperty]:
        return []


def one_line(prop: RegisterProperty) -> str:
    """An address on one line, as the 'Select your address' list shows it."""
    return ", ".join(part for part in (prop.address_line_1, prop.address_line_2, prop.town, prop.postcode) if part)
