"""The SOAP adapter's step notes: what it reads back from the back office decides what is already done."""

from datetime import UTC, datetime

from adapters.soap.revenues import _applied_from_steps
from adapters.soap.step_notes import StepNote, audit_text_of, read_step, step_text

AT = datetime(2025, 10, 10, 12, 0, tzinfo=UTC)
NID = "1340694e-0580-43a7-a488-28594752c663"


def note(key: str, last: bool, account: str, order: int) -> StepNote:
    text = step_text("Liability ended 2025-09-30.", reference="CTX-7K3M-Q9PD", key=key, last=last, applied_at=AT)
    step = read_step(NID, account, text, order)
    assert step is not None
    return step


def test_a_step_note_reads_back_what_it_says() -> None:
    step = note("end:500000001", False, "500000001", 0)
    assert (step.key, step.last, step.applied_at, step.reference) == ("end:500000001", False, AT, "CTX-7K3M-Q9PD")
    assert audit_text_of(step_text("Opened.", reference="R", key="open:1", last=True, applied_at=AT)) == "Opened."


def test_a_change_is_applied_only_once_its_last_step_is_there() -> None:
    ending, opening = note("end:500000001", False, "500000001", 0), note("open:100090000003", True, "80000001", 1)
    assert _applied_from_steps(NID, {"end:500000001": ending}) is None
    applied = _applied_from_steps(NID, {"open:100090000003": opening, "end:500000001": ending})
    assert applied is not None
    assert applied.account_refs == ("500000001", "80000001")
    assert not applied.newly_applied


def test_notes_that_are_not_ours_are_ignored() -> None:
    assert read_step(NID, "500000001", "Phoned the resident about arrears.", 0) is None
