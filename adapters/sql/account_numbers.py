"""New account numbers for a batch, taken from the back office's one counter row (``account_number``).

On PostgreSQL the numbers are taken in a statement of their own, committed at once on another connection,
rather than in the batch's transaction: an UPDATE of the counter row holds that row's lock until its
transaction ends, so inside the batch's transaction every other worker opening an account waited for the whole
of this batch's writes and its commit (measured with two workers on one database: about one sample in twenty
of their database time was that wait). Taken apart, the lock is held for one statement. The price: numbers
taken by a batch whose transaction then fails (a lost connection, a crash, another worker applying the same
notification first) are never used, as a database sequence leaves them; no number is ever given twice.

On SQLite (one writer at a time, and a second connection would wait for the batch's own write lock) they are
taken in the batch's transaction, as before.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from adapters.revenues_port import RevenuesUnavailableError
from adapters.sql.driver_sql import Statement, run_all

LOCK_TIMEOUT = "5s"
_TAKE = "UPDATE account_number SET next_number = next_number + {0} WHERE id = 1 RETURNING next_number"


def reserve_account_numbers(engine: Engine, conn: Connection, count: int) -> int:
    """Take ``count`` numbers and return the first; ``conn`` is the batch's connection (used on SQLite)."""
    if conn.dialect.name != "postgresql":
        return _take(conn, count, "?")
    try:
        with engine.begin() as own:
            # A wait on the counter is one statement long between workers of this version. A worker of the
            # previous version holds it to the end of its batch, possibly while waiting for a property this
            # batch holds: a deadlock the server cannot see (this batch waits in Python, not in the server),
            # so the wait is bounded and the batch is retried, its locks released, as after an outage.
            return _take(own, count, "%s", [Statement(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'", [])])
    except OperationalError as error:
        raise RevenuesUnavailableError(f"revenues database unavailable: {type(error.orig).__name__}") from error


def _take(conn: Connection, count: int, placeholder: str, before: list[Statement] | None = None) -> int:
    answers = run_all(conn, [*(before or []), Statement(_TAKE.format(placeholder), [count])])
    [(after,)] = answers[-1]
    return int(after) - count
