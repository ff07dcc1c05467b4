"""What an account held (charge lines) and still demanded (instalments) just before a notification, from the rows
the revenues database keeps."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from adapters.sql.history import WrittenInstalment
from ctax.replay.facts import instalments_before, lines_before
from ctax.replay.recorded import Recorded
from tests.unit.replay.fixtures import (
    UPRN,
    account,
    applied,
    charge,
    instalment,
    register,
    written_charges,
    written_instalments,
)

SEEDED = written_instalments("A1", [instalment(1, date(2026, 4, 1), 100), instalment(2, date(2026, 5, 1), 100),
                                    instalment(3, date(2026, 6, 1), 100)], None)
REVISED = written_instalments("A1", [instalment(4, date(2026, 6, 1), 90)], "n-1")


def _recorded(seeded: list[WrittenInstalment], revised: list[WrittenInstalment]) -> Recorded:
    return Recorded(applied=[applied("n-1", "A1"), applied("n-2", "A1")], properties={UPRN: register()},
                    accounts=[account("A1", date(2020, 6, 1))], instalments=[*seeded, *revised])


def test_rows_superseded_by_a_later_notification_were_still_demanded_before_it() -> None:
    """n-1 superseded June; n-2 then superseded May and n-1's June: before n-2, April, May and n-1's June were
    demanded. The database says who superseded each row, so this is exact."""
    seeded = [SEEDED[0], replace(SEEDED[1], superseded=True, superseded_by="n-2"),
              replace(SEEDED[2], superseded=True, superseded_by="n-1")]
    revised = [replace(REVISED[0], superseded=True, superseded_by="n-2")]
    before = instalments_before("A1", "n-2", _recorded(seeded, revised))
    assert [(i.sequence, i.notification_id) for i in before] == [(1, None), (2, None), (4, "n-1")]
    assert [i.sequence for i in instalments_before("A1", "n-1", _recorded(seeded, revised))] == [1, 2, 3]


def test_rows_superseded_before_the_database_recorded_by_whom_fall_back_to_the_last_writer() -> None:
    seeded = [SEEDED[0], replace(SEEDED[1], superseded=True), replace(SEEDED[2], superseded=True)]
    revised = [replace(REVISED[0], superseded=True)]
    before = instalments_before("A1", "n-2", _recorded(seeded, revised))
    assert [(i.sequence, i.notification_id) for i in before] == [(1, None), (4, "n-1")]  # May left out


def test_lines_superseded_without_being_written_again_are_told_apart_by_who_superseded_them() -> None:
    """n-1 (a move-out dated into the year before, later brought back) superseded 2026's lines without writing
    new ones; before n-1 they were current, after it not: the last-writer reading alone would keep them."""
    seeded = written_charges("A1", [charge(date(2026, 4, 1), date(2027, 3, 31), 159600)], None, superseded=True)
    recorded = Recorded(applied=[applied("n-1", "A1"), applied("n-2", "A1")], properties={UPRN: register()},
                        accounts=[account("A1", date(2020, 6, 1))],
                        charges=[replace(line, superseded_by="n-1") for line in seeded])
    assert [c.financial_year for c in lines_before("A1", "n-1", recorded)] == [2026]
    assert lines_before("A1", "n-2", recorded) == []
    unrecorded = Recorded(applied=recorded.applied, properties=recorded.properties, accounts=recorded.accounts,
                          charges=seeded)
    assert [c.financial_year for c in lines_before("A1", "n-2", unrecorded)] == [2026]  # the approximation
