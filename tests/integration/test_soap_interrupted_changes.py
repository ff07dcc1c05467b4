"""A change the SOAP back office takes in several calls, interrupted after any of them, is finished as assessed.

The worker is "killed" (an exception no code of ours catches) after k of a change's calls, then the same
notification is processed again, as Kafka redelivers it after a crash. For every k the statuses, the money told
to the resident and every account in the back office must be those of an apply never interrupted. Before the
plans were kept a redelivered move within was assessed again against a register holding half of it: a credit
already moved off the old account was not moved onto the new one, or the account this very change opened was
taken for a previous occupier's and the change went to review with its last step never made.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from adapters.soap.revenues import SoapRevenuesSystem
from processors.pipeline.context import StageContext
from schemas.events import Status
from tests.builders import RULES, existing_account, move_in, move_out, move_within, register_property
from tests.legacy_back_office import SeededSoapRevenues, back_office
from tests.unit.processors.test_stages import NOW, Pipeline, encode

LEAVING, OCCUPIED, VACANT = "100090000004", "100090000005", "100090000006"
CHANGES = {
    "move within, into an occupied home, with credit": move_within(from_uprn=LEAVING, to_uprn=OCCUPIED),
    "move within, into an empty home, with credit": move_within(from_uprn=LEAVING, to_uprn=VACANT),
    "move in to an occupied home": move_in(uprn=OCCUPIED),
    "move out": move_out(uprn=LEAVING),
}


class Killed(BaseException):
    """The worker dying: nothing in the pipeline or the adapter catches it."""


@contextmanager
def killed_after(calls: int | None, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The worker dies as it is about to make a change's step after ``calls`` of them (None: never)."""
    made = [0]
    send = SoapRevenuesSystem._send_step

    def counting(self: SoapRevenuesSystem, *args: Any) -> str:
        if calls is not None and made[0] >= calls:
            raise Killed
        made[0] += 1
        return send(self, *args)

    with monkeypatch.context() as patch:
        patch.setattr(SoapRevenuesSystem, "_send_step", counting)
        yield made


def noted_twice(database: Path) -> list[Any]:
    """Notes of one reference on one account more than once (markers aside): a write made twice, or a plan kept
    twice where once would do."""
    with closing(sqlite3.connect(database)) as conn:
        return conn.execute("SELECT reference, account_no FROM note WHERE reference NOT LIKE 'fp:%' "
                            "GROUP BY reference, account_no HAVING count(*) > 1").fetchall()


def run(folder: Path, mode: str, change: dict[str, Any], kill_after: int | None,
        monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], list[Any], int]:
    """The final statuses and the accounts at the three homes; and how many steps the first try made."""
    with back_office(folder, "soap") as running:
        soap = SeededSoapRevenues(running, 5.0)
        try:
            soap.load_register(
                [register_property(LEAVING), register_property(OCCUPIED, line_1="5 Acacia Avenue"),
                 register_property(VACANT, line_1="6 Acacia Avenue")],
                [existing_account("500000001", LEAVING, start=date(2021, 3, 1), paid=200000),
                 existing_account("500000002", OCCUPIED, start=date(2022, 3, 1))])
            pipeline = Pipeline(mode)
            pipeline.revenues = soap  # type: ignore[assignment]
            pipeline.ctx = StageContext(revenues=soap, rules=RULES, cost_model=pipeline.ctx.cost_model,
                                        clock=lambda: NOW)
            value = encode(change=change, reference="CTX-AAAA-BBBB")
            with killed_after(kill_after, monkeypatch) as made:
                try:
                    pipeline.submit(value)
                except Killed:
                    pipeline.published.clear()  # a killed worker publishes nothing
            if kill_after is not None:
                pipeline.submit(value)  # redelivered
            finals = [(s.status, [r.code for r in s.reasons], s.year_bills, s.credits) for s in pipeline.finals()]
            accounts = [(a.uprn, a.liability_start, a.liability_end, a.liable_persons, a.charges, a.instalments)
                        for uprn in (LEAVING, OCCUPIED, VACANT) for a in soap.accounts_at(uprn)]
            assert noted_twice(running.database) == []
            return finals, accounts, made[0]
        finally:
            soap.close()


@pytest.mark.parametrize("mode", ["fused", "staged"])
@pytest.mark.parametrize("case", list(CHANGES))
def test_a_change_interrupted_after_any_of_its_steps_ends_as_if_never_interrupted(
        case: str, mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole, accounts, steps = run(tmp_path / "whole", mode, CHANGES[case], None, monkeypatch)
    assert steps >= 2, "a change of one step cannot be interrupted part-way"
    assert [status for status, *_ in whole] == [Status.APPLIED]
    for kill_after in range(steps):  # 0: killed after its plan was kept, before its first step
        finished = run(tmp_path / f"killed-{kill_after}", mode, CHANGES[case], kill_after, monkeypatch)
        assert finished[:2] == (whole, accounts), f"killed after {kill_after} of {steps} steps"
