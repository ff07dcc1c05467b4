"""The SQL adapter: applies account changes to a legacy-style revenues database (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, inspect, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from adapters.revenues_port import (
    AccountView,
    AppliedChange,
    ApplyResult,
    ExistingAccount,
    RegisterProperty,
    RevenuesUnavailableError,
    StaleAccountError,
)
from adapters.sql.account_numbers import reserve_account_numbers
from adapters.sql.batch_writes import BatchWrites, check, note
from adapters.sql.driver_sql import select_all, select_where_in, where_in
from adapters.sql.engines import create_database_engine
from adapters.sql.hot_update_indexes import upgrade_hot_update_indexes
from adapters.sql.paid_this_year import carry_paid_this_year
from adapters.sql.refund_decisions import decision_rows, refunds_decided, refusal
from adapters.sql.register_facts import liable_persons, read_property_facts
from adapters.sql.register_facts_postgres import read_property_facts_postgres
from adapters.sql.rows import (
    APPLIED_COLUMNS,
    account_view,
    add_missing_columns,
    applied_by_id,
    applied_from_rows,
    applied_from_values,
    applied_query,
)
from adapters.sql.statements import bulk_insert
from adapters.sql.tables import (
    account_number_table,
    account_table,
    applied_notification_table,
    charge_table,
    instalment_table,
    liable_person_table,
    metadata,
    payment_table,
    property_table,
)
from schemas.events import AccountChange, PropertyFacts


class SqlRevenuesSystem:
    """The revenues-system port over a relational database, one transaction per applied notification."""

    def __init__(self, engine: Engine, *, account_ref_prefix: str = "", account_number_digits: int = 9) -> None:
        self._engine = engine
        self._prefix = account_ref_prefix
        self._digits = account_number_digits

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> SqlRevenuesSystem:
        return cls(create_database_engine(url), **kwargs)

    @property
    def engine(self) -> Engine:
        return self._engine

    def create_schema(self) -> None:
        """Create the tables if they are missing (the embedded default; a real council's already exist)."""
        with self._transaction() as conn:
            held = inspect(conn)
            upgrading = held.has_table(account_table.name) and not held.has_table(payment_table.name)
            metadata.create_all(conn)
            add_missing_columns(conn)
            upgrade_hot_update_indexes(conn)
            if upgrading:  # made before payments: its paid-this-year figures become payments, once
                carry_paid_this_year(conn, date.today())  # noqa: DTZ011 - the council's day
            if conn.execute(select(account_number_table.c.id)).first() is None:
                conn.execute(insert(account_number_table).values(id=1, next_number=1))

    def dispose(self) -> None:
        self._engine.dispose()

    # -- seeding -----------------------------------------------------------------------------------------

    def load_register(self, properties: Iterable[RegisterProperty], accounts: Iterable[ExistingAccount]) -> None:
        """Insert a property register and its open accounts (used by seeding and tests)."""
        property_rows = [vars(p) for p in properties]
        account_list = list(accounts)
        with self._transaction() as conn:
            if property_rows:
                bulk_insert(conn, property_table, property_rows)
            if account_list:
                bulk_insert(conn, account_table, [
                    {"account_ref": a.account_ref, "uprn": a.uprn, "liability_start": a.liability_start,
                     "liability_end": None, "discount_code": a.discount_code,
                     "discount_percent": a.discount_percent, "paid_this_year_pence": 0,
                     "opened_by_notification": None, "twelve_instalments": a.twelve_instalments,
                     "payment_day": a.payment_day, "unoccupied_since": a.unoccupied_since}
                    for a in account_list
                ])
                persons = [
                    {"account_ref": a.account_ref, "position": i, "full_name": name}
                    for a in account_list for i, name in enumerate(a.liable_persons, start=1)
                ]
                if persons:
                    bulk_insert(conn, liable_person_table, persons)
                charges = [{"account_ref": a.account_ref, **vars(c), "notification_id": None, "superseded": False}
                           for a in account_list for c in a.charges]
                if charges:
                    bulk_insert(conn, charge_table, charges)
                instalments = [
                    {"account_ref": a.account_ref, **vars(i), "notification_id": None, "superseded": False}
                    for a in account_list for i in a.instalments
                ]
                if instalments:
                    bulk_insert(conn, instalment_table, instalments)
                payments = [{"account_ref": a.account_ref, **vars(p)} for a in account_list for p in a.payments]
                if payments:
                    bulk_insert(conn, payment_table, payments)

    def record_payment(self, account_ref: str, financial_year: int, paid_on: date, amount_pence: int) -> None:
        """Record a payment towards a year of an account, as the back office's cash posting would."""
        with self._transaction() as conn:
            conn.execute(insert(payment_table).values(account_ref=account_ref, financial_year=financial_year,
                                                      paid_on=paid_on, amount_pence=amount_pence))

    # -- reads ---------------------------------------------------------------------------------------------

    def property_facts_many(self, uprns: Collection[str]) -> dict[str, PropertyFacts]:
        """Register facts for many UPRNs (one statement on PostgreSQL, a query per table elsewhere); UPRNs not in
        the register are left out."""
        wanted = sorted(set(uprns))
        if not wanted:
            return {}
        with self._connection() as conn:
            if conn.dialect.name == "postgresql":
                return read_property_facts_postgres(conn, wanted)
            return read_property_facts(conn, wanted)

    def properties_by_postcode(self, postcode: str) -> list[RegisterProperty]:
        with self._connection() as conn:
            rows = conn.execute(
                select(property_table).where(property_table.c.postcode == postcode)
                .order_by(property_table.c.address_line_1)
            ).mappings().all()
        return [RegisterProperty(**dict(row)) for row in rows]

    def register_with_occupancy(self) -> list[tuple[RegisterProperty, tuple[str, ...]]]:
        """Every property with the liable people of its open account, none if vacant (for sample traffic)."""
        with self._connection() as conn:
            rows = conn.execute(select(property_table).order_by(property_table.c.uprn)).mappings().all()
            accounts = conn.execute(select(account_table.c.uprn, account_table.c.account_ref)
                                    .where(account_table.c.liability_end.is_(None))).all()
            held = liable_persons(conn, sorted(ref for _, ref in accounts))
        liable = {uprn: held.get(ref, ("(unnamed)",)) for uprn, ref in accounts}
        return [(RegisterProperty(**{k: row[k] for k in RegisterProperty.__dataclass_fields__}),
                 liable.get(row["uprn"], ())) for row in rows]

    def applied_many(self, notification_ids: Collection[str]) -> dict[str, AppliedChange]:
        """What earlier applies did, for those of these notifications that were applied."""
        wanted = sorted(set(notification_ids))
        if not wanted:
            return {}
        with self._connection() as conn:
            return applied_by_id(conn, wanted)

    def begun_many(self, notification_ids: Collection[str]) -> dict[str, AccountChange]:
        """None: a batch's changes are applied in one transaction, all or nothing."""
        return {}

    def applied_with_fingerprints(self, fingerprints: Collection[str],
                                  uprns: Collection[str] = ()) -> dict[str, AppliedChange]:
        """For each fingerprint already applied, one notification that applied it."""
        wanted = sorted(set(fingerprints))
        if not wanted:
            return {}
        with self._connection() as conn:
            rows = select_where_in(conn, applied_notification_table, ("change_fingerprint", *APPLIED_COLUMNS),
                                   "change_fingerprint", wanted, order_by="applied_at")
        found: dict[str, AppliedChange] = {}
        for fingerprint, *applied in rows:
            if fingerprint not in found:
                found[fingerprint] = applied_from_values(*applied)
        return found

    def account(self, account_ref: str) -> AccountView | None:
        with self._connection() as conn:
            row = conn.execute(
                select(account_table).where(account_table.c.account_ref == account_ref)
            ).mappings().first()
            return account_view(conn, row) if row else None

    def accounts_at(self, uprn: str) -> list[AccountView]:
        with self._connection() as conn:
            rows = conn.execute(
                select(account_table).where(account_table.c.uprn == uprn)
                .order_by(account_table.c.liability_start.desc(), account_table.c.account_ref.desc())
            ).mappings().all()
            return [account_view(conn, row) for row in rows]

    # -- the write ---------------------------------------------------------------------------------------

    def apply_account_changes(
        self, changes: Sequence[AccountChange], applied_at: datetime
    ) -> list[ApplyResult]:
        """Apply many changes in one transaction, in order; each at most once per notification id.

        The properties touched are locked first (SELECT ... FOR UPDATE on PostgreSQL), then every change is
        checked against the accounts as they stand, including the effect of the changes before it in the
        batch. A change whose accounts no longer match gets a StaleAccountError and writes nothing; the
        others are written with a handful of multi-row statements.
        """
        if not changes:
            return []
        for attempt in (1, 2):
            try:
                with self._transaction() as conn:
                    return self._apply_batch(conn, changes, applied_at)
            except IntegrityError:
                # Another worker applied one of these notifications meanwhile; the next pass sees it.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _apply_batch(
        self, conn: Connection, changes: Sequence[AccountChange], applied_at: datetime
    ) -> list[ApplyResult]:
        uprns = sorted({e.uprn for c in changes for e in c.endings} | {o.uprn for c in changes for o in c.openings}
                       | {a.uprn for c in changes for a in c.amendments})
        ending_refs = sorted({e.account_ref for c in changes for e in c.endings}
                             | {a.account_ref for c in changes for a in c.amendments})
        # In one round trip on PostgreSQL, each read after the lock is granted: the lock first, then what it guards.
        _, applied_rows, account_rows, open_rows = select_all(conn, [
            where_in(conn, property_table, ("uprn",), "uprn", uprns, order_by="uprn", for_update=True),
            applied_query(conn, sorted({c.notification_id for c in changes})),
            where_in(conn, account_table, ("account_ref", "uprn", "liability_start", "liability_end"), "account_ref",
                     ending_refs),
            where_in(conn, account_table, ("account_ref", "uprn"), "uprn", uprns, also="liability_end IS NULL"),
        ])
        earlier = applied_from_rows(applied_rows)
        accounts = {ref: (uprn, start, end) for ref, uprn, start, end in account_rows}
        open_at: dict[str, set[str]] = {}
        for ref, uprn in open_rows:
            open_at.setdefault(uprn, set()).add(ref)

        refunds = refunds_decided(conn, [c for c in changes if c.notification_id not in earlier])
        plan = BatchWrites()
        results: list[ApplyResult] = []
        opened_in_batch: dict[str, int] = {}
        for change in changes:
            if change.notification_id in earlier:
                results.append(earlier[change.notification_id])
                continue
            if change.notification_id in plan.applied_ids:
                results.append(plan.result_for(change.notification_id))
                continue
            problem = check(change, accounts, open_at, plan.amended)
            if problem is not None:
                results.append(StaleAccountError(problem))
                continue
            refused = refusal(change, refunds)
            if refused is not None:
                results.append(refused)
                continue
            touched: list[str] = []
            decisions, postings, notes = decision_rows(change, refunds, applied_at, note)
            plan.refund_decisions += decisions
            plan.payments += postings
            plan.notes += notes
            touched += [d.account_ref for d in change.refund_decisions]
            for amendment in change.amendments:
                plan.amend(change, amendment, applied_at)
                touched.append(amendment.account_ref)
            for ending in change.endings:
                account_uprn, start, _ = accounts[ending.account_ref]
                accounts[ending.account_ref] = (account_uprn, start, ending.liability_end)
                open_at.get(account_uprn, set()).discard(ending.account_ref)
                plan.end(change, ending, applied_at)
                touched.append(ending.account_ref)
            for opening in change.openings:
                placeholder = f"@new{len(opened_in_batch)}"
                opened_in_batch[placeholder] = len(opened_in_batch)
                if opening.liability_end is None:
                    open_at.setdefault(opening.uprn, set()).add(placeholder)
                plan.open(change, opening, placeholder, applied_at)
                touched.append(placeholder)
            plan.record(change, touched, applied_at)
            results.append(plan.result_for(change.notification_id))
        if opened_in_batch:
            first = reserve_account_numbers(self._engine, conn, len(opened_in_batch))
            plan.number_accounts({placeholder: f"{self._prefix}{first + index:0{self._digits}d}"
                                  for placeholder, index in opened_in_batch.items()})
        plan.write(conn)
        return [plan.resolve(result) for result in results]

    # -- connections ---------------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        try:
            with self._engine.begin() as conn:
                yield conn
        except OperationalError as error:
            raise RevenuesUnavailableError(f"revenues database unavailable: {describe(error)}") from error

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A connection for reads, outside any transaction: each statement sees what was committed when it
        started, as it would in a READ COMMITTED transaction, without a BEGIN and a ROLLBACK round trip."""
        try:
            with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                yield conn
        except OperationalError as error:
            raise RevenuesUnavailableError(f"revenues database unavailable: {describe(error)}") from error


def describe(error: DBAPIError) -> str:
    return type(error.orig).__name__ if error.orig is not None else type(error).__name__


