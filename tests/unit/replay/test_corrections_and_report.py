"""The corrections a replay issues (deterministic, one per open account) and its table and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

from ctax.replay.corrections import correction_id, correction_reference, corrections, rebill_from
from ctax.replay.diff import account_diff
from ctax.replay.recorded import Recorded
from ctax.replay.report import CSV_COLUMNS, render_csv, render_table
from ctax.replay.rerun import Period, ReplayedAccount, ReplayResult
from schemas.notification import Channel, Contact, Rebill
from tests.builders import COUNCIL
from tests.unit.replay.fixtures import (
    APPLIED_AT,
    UPRN,
    account,
    charge,
    instalment,
    register,
    written_charges,
    written_instalments,
)

PERIOD = Period(date(2026, 4, 1), date(2026, 5, 31))
TODAY = date(2026, 6, 15)
OFFICER = Contact(full_name="Pat Officer", email="pat.officer@example.gov.uk")
NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


def _replayed(ref: str = "A2", *, closed: bool = False, charge_bug: bool = False) -> tuple[ReplayedAccount, Recorded]:
    lines = [charge(date(2026, 4, 1), date(2026, 4, 30), 15300),
             charge(date(2026, 5, 1), date(2027, 3, 31), 127650, percent=25, code="SPD")]
    was_lines = [lines[0], lines[1].model_copy(update={"charge_pence": 127600})] if charge_bug else lines
    was = written_instalments(ref, [instalment(1, date(2027, 4, 1), 1000)], "n-1")
    written = written_charges(ref, was_lines, "n-1")
    diff = account_diff(ref, written, lines, was, [instalment(1, date(2027, 3, 1), 1000)], TODAY)
    recorded = Recorded(applied=[], properties={UPRN: register()},
                        accounts=[account(ref, date(2020, 6, 1), end=date(2026, 5, 1) if closed else None)],
                        charges=written, instalments=was)
    return ReplayedAccount("n-1", "CTX-AAAA-BBBB", APPLIED_AT, "move_in", diff, closed=closed), recorded


def test_the_correction_id_depends_only_on_council_period_and_account() -> None:
    first = correction_id(COUNCIL, PERIOD, "A2")
    assert first == correction_id(COUNCIL, PERIOD, "A2")
    assert first != correction_id(COUNCIL, PERIOD, "A3")
    assert first != correction_id(COUNCIL, Period(date(2026, 4, 1), date(2026, 6, 1)), "A2")
    assert re.fullmatch(r"CTX-[0-9A-Z]{4}-[0-9A-Z]{4}", correction_reference(first))
    assert correction_reference(first) == correction_reference(first)


def test_an_instalment_only_difference_rebills_from_the_last_charge_line_in_force() -> None:
    """So the charge is worked out again only where it already stands at the account's present discount."""
    replayed, recorded = _replayed()
    assert rebill_from([replayed], recorded) == date(2026, 5, 1)


def test_a_charge_difference_rebills_from_its_first_day() -> None:
    replayed, recorded = _replayed(charge_bug=True)
    assert rebill_from([replayed], recorded) == date(2026, 5, 1)


def test_one_officer_rebill_per_open_account() -> None:
    replayed, recorded = _replayed()
    (issued,) = corrections([replayed, replayed], recorded, PERIOD, COUNCIL, OFFICER, NOW)
    n = issued.notification
    assert n.channel is Channel.OFFICER_CORRECTION
    assert n.contact == OFFICER
    assert n.notification_id == correction_id(COUNCIL, PERIOD, "A2")
    assert isinstance(n.change, Rebill)
    assert n.change.account_reference == "A2"
    assert n.change.uprn == UPRN
    assert n.change.reason.startswith("replay 2026-04-01..2026-05-31: CTX-AAAA-BBBB")
    assert issued.references == ("CTX-AAAA-BBBB",)


def test_a_closed_account_gets_no_rebill() -> None:
    replayed, recorded = _replayed(closed=True)
    assert corrections([replayed], recorded, PERIOD, COUNCIL, OFFICER, NOW) == []


def test_the_table_and_the_csv_show_each_difference_and_no_names() -> None:
    replayed, _ = _replayed(charge_bug=True)
    result = ReplayResult(PERIOD, 3, (replayed,), ())
    table = render_table(result)
    assert "3 notification(s) replayed; 1 account(s) would change" in table
    assert "Account A2" in table
    assert "needs a Rebill" in table
    assert "2027-04-01 £10.00" in table
    assert "2027-03-01 £10.00" in table
    assert "moved" in table
    rows = list(csv.DictReader(io.StringIO(render_csv(result.accounts))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["item"], r["difference"], r["difference_pence"]) for r in rows] == [
        ("charge", "changed", "50"), ("instalment", "moved", "0")]
    assert "Pat" not in table + render_csv(result.accounts)
