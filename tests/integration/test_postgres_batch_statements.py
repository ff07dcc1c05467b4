"""The SQL adapter's batch statements on a real PostgreSQL: the one-statement register read answers what the
table-by-table read answers, and the pipelined batch write fails whole, with the errors the apply acts on."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Table, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from adapters.revenues_port import RevenuesUnavailableError
from adapters.sql.batch_writes_postgres import insert_rows, owners_statement
from adapters.sql.driver_sql import Statement, array_of, run, run_all
from adapters.sql.engines import create_database_engine
from adapters.sql.register_facts import read_property_facts
from adapters.sql.register_facts_postgres import read_property_facts_postgres
from adapters.sql.revenues import SqlRevenuesSystem
from adapters.sql.tables import (
    account_table,
    applied_notification_table,
    audit_note_table,
    liable_person_table,
    property_table,
)
from ctax.benchmark.scenario import seed_workload
from ctax.running.components import council_rules, stage_context
from ctax.settings import Settings
from processors.pipeline.context import SourceRecord
from processors.pipeline.fused import BatchOptions, process_batch
from schemas.codec import shared_codec
from schemas.topics import SUBMITTED
from tests.integration.tcp_proxy import CuttableProxy
from tests.postgres_fixtures import fresh_revenues

pytestmark = pytest.mark.postgres


@pytest.fixture
def revenues() -> Iterator[SqlRevenuesSystem]:
    yield from fresh_revenues()


def _apply_workload(revenues: SqlRevenuesSystem, count: int) -> None:
    """A register with a sample of notifications of every kind applied through the fused pipeline."""
    settings = Settings()
    workload = seed_workload(revenues, council_rules(settings), count)
    codec = shared_codec()
    records = [SourceRecord(SUBMITTED.name, n.notification_id.encode(), codec.encode(n), 0, offset)
               for offset, n in enumerate(workload.notifications)]
    ctx = stage_context(settings, revenues)
    for start in range(0, len(records), 100):
        process_batch(ctx, records[start:start + 100], BatchOptions(publish_assessed=False))


def _ended(ref: str, uprn: str, start: date, end: date) -> dict[str, Any]:
    return {"account_ref": ref, "uprn": uprn, "liability_start": start, "liability_end": end, "discount_percent": 0}


def _add_edge_cases(revenues: SqlRevenuesSystem, uprns: list[str]) -> None:
    """Ended accounts that tie on their end (then on their start), and a last note by a notification that was never
    applied: the cases where which account and which reference are read depends on the order."""
    tie_on_end, tie_on_start, unapplied = uprns[:3]
    with revenues.engine.begin() as conn:
        conn.execute(insert(account_table), [
            _ended("TIE-END-A", tie_on_end, date(2020, 4, 1), date(2023, 3, 31)),
            _ended("TIE-END-B", tie_on_end, date(2021, 4, 1), date(2023, 3, 31)),
            _ended("TIE-START-B", tie_on_start, date(2021, 4, 1), date(2023, 3, 31)),
            _ended("TIE-START-A", tie_on_start, date(2021, 4, 1), date(2023, 3, 31)),
            _ended("UNAPPLIED", unapplied, date(2021, 4, 1), date(2030, 3, 31)),
        ])
        conn.execute(insert(liable_person_table), [
            {"account_ref": "TIE-END-B", "position": 2, "full_name": "Second Named"},
            {"account_ref": "TIE-END-B", "position": 1, "full_name": "First Named"},
        ])
        conn.execute(insert(audit_note_table), [
            {"account_ref": "UNAPPLIED", "noted_at": datetime.now(UTC), "author": "test", "notification_id": "gone",
             "note": "a note by a notification the register never recorded"}])


def test_the_one_statement_read_answers_what_the_table_by_table_read_answers(revenues: SqlRevenuesSystem) -> None:
    _apply_workload(revenues, 300)
    with revenues.engine.connect() as conn:
        uprns = sorted(conn.execute(select(property_table.c.uprn)).scalars())
    _add_edge_cases(revenues, uprns)
    wanted = [*uprns, "999999999999"]  # and one the register does not hold
    with revenues.engine.connect() as conn:
        by_table = read_property_facts(conn, wanted)
        by_statement = read_property_facts_postgres(conn, wanted)
    assert by_statement == by_table  # (in uprn order; the table-by-table read's order is the heap's)
    assert list(by_statement) == sorted(by_statement)
    held = by_statement.values()
    assert sum(f.last_ended_account is not None and f.last_ended_account.ended_by_reference is not None
               for f in held) > 10, "the workload ended accounts by notification"
    assert sum(f.open_account is not None and len(f.open_account.instalments) > 0 for f in held) > 100
    tie_on_end, tie_on_start, unapplied = (by_statement[uprn].last_ended_account for uprn in uprns[:3])
    assert tie_on_end is not None
    assert tie_on_start is not None
    assert unapplied is not None
    assert (tie_on_end.account_ref, tie_on_start.account_ref) == ("TIE-END-B", "TIE-START-B")
    assert unapplied.ended_by_reference is None


def _inserting(tables: list[tuple[Table, list[dict[str, Any]]]]) -> Statement:
    statement = insert_rows(tables)
    assert statement is not None
    return statement


def _applied(count: int) -> list[dict[str, Any]]:
    return [{"notification_id": f"n{i}", "reference": f"CTX-{i}", "change_fingerprint": f"f{i}",
             "applied_at": datetime.now(UTC), "account_refs": ""} for i in range(count)]


def test_a_batch_write_that_breaks_a_constraint_writes_nothing_and_is_sqlalchemys_integrity_error(
        revenues: SqlRevenuesSystem) -> None:
    statement = _inserting([(applied_notification_table, _applied(3))])
    with revenues.engine.begin() as conn:
        run_all(conn, [statement])
    with pytest.raises(IntegrityError), revenues.engine.begin() as conn:  # the apply retries on this one
        run_all(conn, [_inserting([(applied_notification_table, _applied(5)[3:])]), statement])
    assert sorted(revenues.applied_many([f"n{i}" for i in range(5)])) == ["n0", "n1", "n2"]


def test_a_new_rows_foreign_key_is_checked_once_every_table_of_the_statement_is_in(
        revenues: SqlRevenuesSystem) -> None:
    row = {"account_ref": "NEW-1", "uprn": "100000000001", "liability_start": date(2025, 4, 1),
           "liability_end": None, "discount_percent": 0, "paid_this_year_pence": 0}
    with revenues.engine.begin() as conn:
        conn.execute(insert(property_table).values(uprn="100000000001", property_ref="P1", address_line_1="1 Road",
                                                   town="Town", postcode="AB1 2CD", band="C"))
    person = {"account_ref": "NEW-1", "position": 1, "full_name": "A Person"}
    with revenues.engine.begin() as conn:
        run_all(conn, [_inserting([(account_table, [row]), (liable_person_table, [person])])])
    with pytest.raises(IntegrityError), revenues.engine.begin() as conn:
        run_all(conn, [_inserting([(liable_person_table, [{**person, "account_ref": "NO-SUCH"}])])])
    account = revenues.account("NEW-1")
    assert account is not None
    assert account.liable_persons == ("A Person",)


def test_the_last_owner_named_for_a_home_in_a_batch_is_the_registers(revenues: SqlRevenuesSystem) -> None:
    with revenues.engine.begin() as conn:
        conn.execute(insert(property_table).values(uprn="100000000001", property_ref="P1", address_line_1="1 Road",
                                                   town="Town", postcode="AB1 2CD", band="C"))
        run_all(conn, [owners_statement([{"b_uprn": "100000000001", "b_owner": "First Owner"},
                                         {"b_uprn": "100000000001", "b_owner": "Last Owner"}])])
    with revenues.engine.connect() as conn:
        assert conn.execute(select(property_table.c.owner_name)).scalar() == "Last Owner"


def test_a_connection_dropped_under_a_pipelined_write_is_unavailable_then_replaced(
        revenues: SqlRevenuesSystem) -> None:
    parsed = make_url(str(revenues.engine.url.render_as_string(hide_password=False)))
    proxy = CuttableProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
    through = SqlRevenuesSystem(create_database_engine(
        parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), pool_size=1))
    try:
        assert through.applied_many(["n0"]) == {}  # one connection pooled
        proxy.cut()
        proxy.restore()
        statement = _inserting([(applied_notification_table, _applied(2))])
        with pytest.raises(RevenuesUnavailableError), through.engine.begin() as conn:
            run_all(conn, [statement])
        with through.engine.begin() as conn:
            run_all(conn, [statement])
        assert sorted(through.applied_many(["n0", "n1"])) == ["n0", "n1"]
    finally:
        through.dispose()
        proxy.close()


def test_strings_sent_as_one_array_come_back_as_they_went(revenues: SqlRevenuesSystem) -> None:
    awkward = ['plain', 'with "quotes"', "back\\slash", "comma, and {braces}", " spaced ", "NULL", "", "£ and é"]
    with revenues.engine.connect() as conn:
        [(back,)] = run(conn, "SELECT CAST(%s AS text[])", [array_of(awkward)])
    assert back == awkward
