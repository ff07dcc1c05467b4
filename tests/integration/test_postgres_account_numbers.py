"""On a real PostgreSQL, a batch taking new account numbers does not hold the counter for the rest of its
transaction: another batch takes the next numbers meanwhile, and no number is given twice."""

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from adapters.revenues_port import RevenuesUnavailableError
from adapters.sql import account_numbers
from adapters.sql.account_numbers import reserve_account_numbers
from adapters.sql.revenues import SqlRevenuesSystem
from tests.postgres_fixtures import fresh_revenues

pytestmark = pytest.mark.postgres


@pytest.fixture
def revenues() -> Iterator[SqlRevenuesSystem]:
    yield from fresh_revenues("-c lock_timeout=2000")  # a lock wait fails after 2 s instead of hanging


def test_a_batch_in_progress_does_not_hold_the_counter(revenues: SqlRevenuesSystem) -> None:
    engine = revenues.engine
    with engine.connect() as first, first.begin() as first_batch:
        assert reserve_account_numbers(engine, first, 2) == 1
        with engine.connect() as second, second.begin():
            assert reserve_account_numbers(engine, second, 3) == 3
        first_batch.rollback()  # the first batch fails: its two numbers stay unused, never given again
    with engine.connect() as third, third.begin():
        assert reserve_account_numbers(engine, third, 1) == 6


def test_a_counter_held_to_the_end_of_a_batch_is_waited_for_a_bounded_time(
    revenues: SqlRevenuesSystem, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker of the previous version holds the counter until its batch commits; a wait on it ends with the
    batch given back as an outage (retried later, its locks released), not with both workers stuck."""
    monkeypatch.setattr(account_numbers, "LOCK_TIMEOUT", "300ms")
    engine = revenues.engine
    with engine.connect() as old_worker, old_worker.begin():
        old_worker.execute(text("UPDATE account_number SET next_number = next_number + 1 WHERE id = 1"))
        with engine.connect() as batch, batch.begin(), pytest.raises(RevenuesUnavailableError):
            reserve_account_numbers(engine, batch, 1)
