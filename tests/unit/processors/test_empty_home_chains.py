"""After every move-out someone is liable from the next day: the next occupier or the owner, in either order.

For a leaver's move-out and a newcomer's move-in with any gap between them, told in either order through both
pipeline shapes, the accounts at the house cover every day from the first occupier's start with no day twice,
the owner pays for exactly the days between (worked out here, not by the rules), and the newcomer's is open.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.events import Status
from tests.builders import OWNER, RULES, move_in, move_out
from tests.unit.processors.test_stages import Pipeline, encode

HOUSE = "100090000002"  # band B, occupied by account 500000001 since 1 March 2021
ONE_DAY = timedelta(days=1)


def owner_pence(first: date, last: date) -> int:
    """Band B (7/9 of Band D) for the days, in the 2025/26 year (no empty-home discount by default)."""
    annual = (Decimal(RULES.band_d_pence[2025]) * 7 / 9).quantize(Decimal(1), ROUND_HALF_UP)
    return int((annual * ((last - first).days + 1) / 365).quantize(Decimal(1), ROUND_HALF_UP))


@settings(max_examples=25, deadline=None)
@given(left=st.dates(date(2025, 8, 1), date(2025, 10, 20)), gap=st.integers(0, 20),
       newcomer_first=st.booleans(), mode=st.sampled_from(["staged", "fused"]))
def test_every_day_after_a_move_out_someone_is_liable(left: date, gap: int, newcomer_first: bool, mode: str) -> None:
    arrives = left + timedelta(days=gap)
    if arrives > date(2025, 10, 24):  # beyond the 14 days ahead a notification may be told
        arrives = date(2025, 10, 24)
        gap = (arrives - left).days
    leaving = encode(change=move_out(uprn=HOUSE, move_date=left), reference="CTX-7K3M-Q9PD")
    arriving = encode(change=move_in(uprn=HOUSE, move_date=arrives), reference="CTX-Q9PD-7K3M")
    pipeline = Pipeline(mode)
    for value in ([arriving, leaving] if newcomer_first else [leaving, arriving]):
        pipeline.submit(value)
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED, Status.APPLIED]
    liable = sorted((a for a in pipeline.revenues.accounts_at(HOUSE)
                     if a.liability_end is None or a.liability_end >= a.liability_start),
                    key=lambda a: a.liability_start)
    assert liable[0].liability_start == date(2021, 3, 1)
    for before, after in pairwise(liable):
        assert before.liability_end is not None
        assert after.liability_start == before.liability_end + ONE_DAY  # no gap, no day twice
    assert liable[-1].liability_end is None
    assert liable[-1].liable_persons == ("Sam Taylor",)
    owners = [a for a in liable if a.liable_persons == (OWNER,)]
    if gap == 0:
        assert owners == []
    else:
        (owner,) = owners
        assert (owner.liability_start, owner.liability_end) == (left, arrives - ONE_DAY)
        assert sum(c.charge_pence for c in owner.charges) == owner_pence(left, arrives - ONE_DAY)


def test_a_move_out_with_no_one_moving_in_leaves_the_owner_liable_from_the_next_day() -> None:
    pipeline = Pipeline("fused")
    pipeline.submit(encode(change=move_out(uprn=HOUSE, move_date=date(2025, 10, 1))))
    tenant, owner = sorted(pipeline.revenues.accounts_at(HOUSE), key=lambda a: a.liability_start)
    assert tenant.liability_end is not None
    assert (owner.liable_persons, owner.liability_start, owner.liability_end) == (
        (OWNER,), tenant.liability_end + ONE_DAY, None)
    assert sum(c.charge_pence for c in owner.charges) == owner_pence(date(2025, 10, 1), date(2026, 3, 31))
