"""The cost model: what a notification cost by the digital route against the phone and re-keying route."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from schemas.events import Status
from schemas.notification import ChangeKind


class CostFigure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    pence: int
    source: str


class CostModel(BaseModel):
    """A versioned set of unit costs, each with where the figure comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    version: str
    web_contact: CostFigure
    phone_contact: CostFigure
    back_office_keying: CostFigure
    officer_review: CostFigure
    # Back-office keying differs by kind of change; the shipped model lists every kind (a test keeps it so); in
    # a council's own file a kind not listed costs ``back_office_keying``.
    keying_by_kind: dict[str, CostFigure] = {}

    def keying_for(self, kind: ChangeKind) -> CostFigure:
        return self.keying_by_kind.get(kind.value, self.back_office_keying)



@dataclass(frozen=True)
class RouteCosts:
    digital_pence: int
    baseline_pence: int

    @property
    def saving_pence(self) -> int:
        return self.baseline_pence - self.digital_pence


def route_costs(model: CostModel, outcome: Status, kind: ChangeKind) -> RouteCosts:
    """Cost of this notification digitally, and of the same notification by phone plus re-keying.

    Straight-through changes cost a web contact. A case a person reviews also costs an officer's time. A
    rejected or duplicate notification costs a web contact; by phone it would have cost a call.
    """
    baseline_full = model.phone_contact.pence + model.keying_for(kind).pence
    if outcome in {Status.APPLIED}:
        return RouteCosts(model.web_contact.pence, baseline_full)
    if outcome is Status.REVIEW:
        return RouteCosts(model.web_contact.pence + model.officer_review.pence, baseline_full)
    return RouteCosts(model.web_contact.pence, model.phone_contact.pence)
