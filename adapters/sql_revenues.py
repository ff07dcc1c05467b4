"""The SQL adapter: applies account changes to a legacy-style revenues database (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    String,
    Table,
    and_,
    any_,
    bindparam,
    create_engine,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from adapters.audit_notes import ending_note, opening_note
from adapters.revenues_port import (
    PROCESSOR_AUTHOR,
    AccountView,
    AppliedChange,
    AuditNote,
    ChargeRow,
    ExistingAccount,
    InstalmentRow,
    RegisterProperty,
    RevenuesUnavailableError,
    StaleAccountError,
)
from adapters.sql_schema import (
    account_number_table,
    account_table,
    applied_notification_table,
    audit_note_table,
    charge_table,
    instalment_table,
    liable_person_table,
    metadata,
    property_table,
)
from schemas.events import AccountChange, ChargeLine, Instalment, OpenAccount, PropertyFacts


def financial_year_start(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def driver_url(url: str) -> str:
    """A ``postgresql://`` URL as SQLAlchemy needs it for psycopg 3; other URLs unchanged."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def create_revenues_engine(url: str) -> Engine:
    """Create an engine for a database URL; SQLite gets WAL and a busy timeout so readers never block."""
    url = driver_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    # No pre-ping: it costs a round trip per checkout, several per batch. A connection the server dropped
    # fails on first use instead; SQLAlchemy then discards the pool, the call raises
    # RevenuesUnavailableError, and the stage runner retries on a fresh connection.
    return create_engine(url, pool_size=5, max_overflow=5)


class SqlRevenuesSystem:
    """The revenues-system port over a relational database, one transaction per applied notification."""

    def __init__(self, engine: Engine, *, account_ref_prefix: str = "", account_number_digits: int = 9) -> None:
        self._engine = engine
        self._prefix = account_ref_prefix
        self._digits = account_number_digits

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> SqlRevenuesSystem:
        return cls(create_revenues_engine(url), **kwargs)

    @property
    def engine(self) -> Engine:
        return self._engine

    def create_schema(self) -> None:
        """Create the tables if they are missing (the embedded default; a real council's already exist)."""
        with self._transaction() as conn:
            metadata.create_all(conn)
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
                _bulk_insert(conn, property_table, property_rows)
            if account_list:
                _bulk_insert(conn, account_table, [
                    {"account_ref": a.account_ref, "uprn": a.uprn, "liability_start": a.liability_start,
                     "liability_end": None, "discount_code": a.discount_code,
                     "discount_percent": a.discount_percent, "paid_this_year_pence": a.paid_this_year_pence,
                     "opened_by_notification": None}
                    for a in account_list
                ])
                persons = [
                    {"account_ref": a.account_ref, "position": i, "full_name": name}
                    for a in account_list for i, name in enumerate(a.liable_persons, start=1)
                ]
                if persons:
                    _bulk_insert(conn, liable_person_table, persons)
                charges = [{"account_ref": a.account_ref, **vars(c), "notification_id": None, "superseded": False}
                           for a in account_list for c in a.charges]
                if charges:
                    _bulk_insert(conn, charge_table, charges)
                instalments = [
                    {"account_ref": a.account_ref, **vars(i), "notification_id": None, "superseded": False}
                    for a in account_list for i in a.instalments
                ]
                if instalments:
                    _bulk_insert(conn, instalment_table, instalments)

    # -- reads ---------------------------------------------------------------------------------------------

    def property_facts(self, uprn: str) -> PropertyFacts | None:
        return self.property_facts_many([uprn]).get(uprn)

    def property_facts_many(self, uprns: Collection[str]) -> dict[str, PropertyFacts]:
        """Register facts for many UPRNs in two queries; UPRNs not in the register are left out."""
        wanted = sorted(set(uprns))
        if not wanted:
            return {}
        with self._connection() as conn:
            props = conn.execute(select(property_table.c.uprn, property_table.c.postcode, property_table.c.band)
                                 .where(_one_of(conn, property_table.c.uprn, wanted))).all()
            accounts = conn.execute(
                select(account_table)
                .where(and_(_one_of(conn, account_table.c.uprn, wanted), account_table.c.liability_end.is_(None)))
                .order_by(account_table.c.liability_start)
            ).mappings().all()
        open_by_uprn = {row["uprn"]: row for row in accounts}  # the latest start wins, as ordered
        facts = {}
        for uprn, postcode, band in props:
            account = open_by_uprn.get(uprn)
            open_account = None if account is None else OpenAccount(
                account_ref=account["account_ref"], liability_start=account["liability_start"],
                discount_code=account["discount_code"], discount_percent=account["discount_percent"],
                paid_this_year_pence=account["paid_this_year_pence"],
            )
            facts[uprn] = PropertyFacts(uprn=uprn, postcode=postcode, band=band, open_account=open_account)
        return facts

    def properties_by_postcode(self, postcode: str) -> list[RegisterProperty]:
        with self._connection() as conn:
            rows = conn.execute(
                select(property_table).where(property_table.c.postcode == postcode)
                .order_by(property_table.c.address_line_1)
            ).mappings().all()
        return [RegisterProperty(**dict(row)) for row in rows]

    def register_with_occupancy(self) -> list[tuple[RegisterProperty, bool]]:
        """Every property with whether it has an open account (for sample traffic and the demo)."""
        open_accounts = (
            select(account_table.c.uprn).where(account_table.c.liability_end.is_(None)).distinct().subquery()
        )
        with self._connection() as conn:
            rows = conn.execute(
                select(property_table, open_accounts.c.uprn.label("open_uprn"))
                .outerjoin(open_accounts, open_accounts.c.uprn == property_table.c.uprn)
                .order_by(property_table.c.uprn)
            ).mappings().all()
        return [
            (RegisterProperty(**{k: row[k] for k in RegisterProperty.__dataclass_fields__}),
             row["open_uprn"] is not None)
            for row in rows
        ]

    def applied(self, notification_id: str) -> AppliedChange | None:
        return self.applied_many([notification_id]).get(notification_id)

    def applied_many(self, notification_ids: Collection[str]) -> dict[str, AppliedChange]:
        """What earlier applies did, for those of these notifications that were applied."""
        wanted = sorted(set(notification_ids))
        if not wanted:
            return {}
        with self._connection() as conn:
            return _applied_by_id(conn, wanted)

    def applied_with_fingerprint(self, change_fingerprint: str) -> AppliedChange | None:
        return self.applied_with_fingerprints([change_fingerprint]).get(change_fingerprint)

    def applied_with_fingerprints(self, fingerprints: Collection[str]) -> dict[str, AppliedChange]:
        """For each fingerprint already applied, one notification that applied it."""
        wanted = sorted(set(fingerprints))
        if not wanted:
            return {}
        with self._connection() as conn:
            rows = conn.execute(
                select(applied_notification_table)
                .where(_one_of(conn, applied_notification_table.c.change_fingerprint, wanted))
                .order_by(applied_notification_table.c.applied_at)
            ).mappings().all()
        found: dict[str, AppliedChange] = {}
        for row in rows:
            found.setdefault(row["change_fingerprint"], _applied_from_row(row))
        return found

    def account(self, account_ref: str) -> AccountView | None:
        with self._connection() as conn:
            row = conn.execute(
                select(account_table).where(account_table.c.account_ref == account_ref)
            ).mappings().first()
            return _account_view(conn, row) if row else None

    def accounts_at(self, uprn: str) -> list[AccountView]:
        with self._connection() as conn:
            rows = conn.execute(
                select(account_table).where(account_table.c.uprn == uprn)
                .order_by(account_table.c.liability_start.desc(), account_table.c.account_ref.desc())
            ).mappings().all()
            return [_account_view(conn, row) for row in rows]

    # -- the write ---------------------------------------------------------------------------------------

    def apply_account_change(self, change: AccountChange, applied_at: datetime) -> AppliedChange:
        result = self.apply_account_changes([change], applied_at)[0]
        if isinstance(result, StaleAccountError):
            raise result
        return result

    def apply_account_changes(
        self, changes: Sequence[AccountChange], applied_at: datetime
    ) -> list[AppliedChange | StaleAccountError]:
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
    ) -> list[AppliedChange | StaleAccountError]:
        uprns = sorted({e.uprn for c in changes for e in c.endings} | {o.uprn for c in changes for o in c.openings})
        conn.execute(select(property_table.c.uprn).where(_one_of(conn, property_table.c.uprn, uprns))
                     .order_by(property_table.c.uprn).with_for_update()).all()
        earlier = _applied_by_id(conn, sorted({c.notification_id for c in changes}))
        ending_refs = sorted({e.account_ref for c in changes for e in c.endings})
        accounts = {row["account_ref"]: (row["uprn"], row["liability_start"], row["liability_end"]) for row in
                    conn.execute(select(account_table.c.account_ref, account_table.c.uprn,
                                        account_table.c.liability_start, account_table.c.liability_end)
                                 .where(_one_of(conn, account_table.c.account_ref, ending_refs))).mappings()}
        open_at: dict[str, set[str]] = {}
        for ref, uprn in conn.execute(select(account_table.c.account_ref, account_table.c.uprn).where(and_(
                _one_of(conn, account_table.c.uprn, uprns), account_table.c.liability_end.is_(None)))).all():
            open_at.setdefault(uprn, set()).add(ref)

        plan = _BatchWrites()
        results: list[AppliedChange | StaleAccountError] = []
        opened_in_batch: dict[str, int] = {}
        for change in changes:
            if change.notification_id in earlier:
                results.append(earlier[change.notification_id])
                continue
            if change.notification_id in plan.applied_ids:
                results.append(plan.result_for(change.notification_id))
                continue
            problem = _check(change, accounts, open_at)
            if problem is not None:
                results.append(StaleAccountError(problem))
                continue
            touched: list[str] = []
            for ending in change.endings:
                account_uprn, start, _ = accounts[ending.account_ref]
                accounts[ending.account_ref] = (account_uprn, start, ending.liability_end)
                open_at.get(account_uprn, set()).discard(ending.account_ref)
                plan.end(change, ending, applied_at)
                touched.append(ending.account_ref)
            for opening in change.openings:
                placeholder = f"@new{len(opened_in_batch)}"
                opened_in_batch[placeholder] = len(opened_in_batch)
                open_at.setdefault(opening.uprn, set()).add(placeholder)
                plan.open(change, opening, placeholder, applied_at)
                touched.append(placeholder)
            plan.record(change, touched, applied_at)
            results.append(plan.result_for(change.notification_id))
        if opened_in_batch:
            first = self._reserve_account_numbers(conn, len(opened_in_batch))
            plan.number_accounts({placeholder: f"{self._prefix}{first + index:0{self._digits}d}"
                                  for placeholder, index in opened_in_batch.items()})
        plan.write(conn)
        return [plan.resolve(result) for result in results]

    def _reserve_account_numbers(self, conn: Connection, count: int) -> int:
        after = conn.execute(
            update(account_number_table).where(account_number_table.c.id == 1)
            .values(next_number=account_number_table.c.next_number + count)
            .returning(account_number_table.c.next_number)
        ).scalar_one()
        return int(after) - count

    # -- connections ---------------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        try:
            with self._engine.begin() as conn:
                yield conn
        except OperationalError as error:
            raise RevenuesUnavailableError(f"revenues database unavailable: {_describe(error)}") from error

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn:
                yield conn
        except OperationalError as error:
            raise RevenuesUnavailableError(f"revenues database unavailable: {_describe(error)}") from error


def _applied_by_id(conn: Connection, notification_ids: list[str]) -> dict[str, AppliedChange]:
    if not notification_ids:
        return {}
    by_id = applied_notification_table.c.notification_id
    rows = conn.execute(select(applied_notification_table).where(_one_of(conn, by_id, notification_ids))).mappings()
    return {row["notification_id"]: _applied_from_row(row) for row in rows}


def _check(
    change: AccountChange,
    accounts: dict[str, tuple[str, date, date | None]],
    open_at: dict[str, set[str]],
) -> str | None:
    """Why the change no longer fits the accounts (as changed by earlier ones in the batch), or None."""
    ending_refs = set()
    for ending in change.endings:
        found = accounts.get(ending.account_ref)
        if found is None or found[2] is not None or found[1] != ending.expected_liability_start:
            return f"Account {ending.account_ref} is no longer open as it was when this change was assessed"
        ending_refs.add(ending.account_ref)
    for opening in change.openings:
        still_open = open_at.get(opening.uprn, set()) - ending_refs
        if still_open:
            shown = sorted(ref for ref in still_open if not ref.startswith("@"))
            return (f"Property {opening.uprn} still has open account {', '.join(shown) or '(opened just now)'}; "
                    "it was not expected")
    return None


class _BatchWrites:
    """The rows a batch of changes writes, gathered so each table gets one multi-row statement."""

    def __init__(self) -> None:
        self.applied_ids: dict[str, AppliedChange] = {}
        self.supersede: list[dict[str, Any]] = []
        self.accounts: list[dict[str, Any]] = []
        self.persons: list[dict[str, Any]] = []
        self.charges: list[dict[str, Any]] = []
        self.instalments: list[dict[str, Any]] = []
        self.notes: list[dict[str, Any]] = []
        self.applied_rows: list[dict[str, Any]] = []
        self._refs: dict[str, str] = {}

    def end(self, change: AccountChange, ending: Any, applied_at: datetime) -> None:
        self.supersede.append({"ref": ending.account_ref, "end": ending.liability_end,
                               "first_year": financial_year_start(ending.liability_end),
                               "notice": change.notice_date})
        self._lines(ending.account_ref, change.notification_id, ending.charges, ending.instalments)
        self.notes.append(_note(ending.account_ref, applied_at, change.notification_id, ending_note(change, ending)))

    def open(self, change: AccountChange, opening: Any, placeholder: str, applied_at: datetime) -> None:
        self.accounts.append({
            "account_ref": placeholder, "uprn": opening.uprn, "liability_start": opening.liability_start,
            "liability_end": None, "discount_code": opening.discount_code,
            "discount_percent": opening.discount_percent, "paid_this_year_pence": 0,
            "opened_by_notification": change.notification_id,
        })
        self.persons.extend({"account_ref": placeholder, "position": i, "full_name": name}
                            for i, name in enumerate(opening.liable_persons, start=1))
        self._lines(placeholder, change.notification_id, opening.charges, opening.instalments)
        self.notes.append(_note(placeholder, applied_at, change.notification_id, opening_note(change, opening)))

    def _lines(self, ref: str, notification_id: str, charges: Iterable[ChargeLine],
               instalments: Iterable[Instalment]) -> None:
        self.charges.extend({**line.model_dump(), "account_ref": ref, "notification_id": notification_id,
                             "superseded": False} for line in charges)
        self.instalments.extend({**i.model_dump(), "account_ref": ref, "notification_id": notification_id,
                                 "superseded": False} for i in instalments)

    def record(self, change: AccountChange, touched: list[str], applied_at: datetime) -> None:
        self.applied_ids[change.notification_id] = AppliedChange(
            change.notification_id, change.reference, tuple(touched), applied_at, True)
        self.applied_rows.append({"notification_id": change.notification_id, "reference": change.reference,
                                  "change_fingerprint": change.change_fingerprint, "applied_at": applied_at,
                                  "account_refs": touched})

    def result_for(self, notification_id: str) -> AppliedChange:
        return self.applied_ids[notification_id]

    def number_accounts(self, refs: dict[str, str]) -> None:
        self._refs = refs
        for rows in (self.accounts, self.persons, self.charges, self.instalments, self.notes):
            for row in rows:
                row["account_ref"] = refs.get(row["account_ref"], row["account_ref"])

    def resolve(self, result: AppliedChange | StaleAccountError) -> AppliedChange | StaleAccountError:
        if isinstance(result, AppliedChange) and result.newly_applied:
            return replace(result, account_refs=tuple(self._refs.get(r, r) for r in result.account_refs))
        return result

    def write(self, conn: Connection) -> None:
        """Write everything with a few statements: one UPDATE per kind of change, multi-row INSERTs."""
        if self.supersede:
            _supersede(conn, self.supersede)
        applied_rows = [{**row, "account_refs": ",".join(self._refs.get(r, r) for r in row["account_refs"])}
                        for row in self.applied_rows]
        for table, rows in ((account_table, self.accounts), (liable_person_table, self.persons),
                            (charge_table, self.charges), (instalment_table, self.instalments),
                            (audit_note_table, self.notes), (applied_notification_table, applied_rows)):
            if rows:
                _bulk_insert(conn, table, rows)


def _supersede(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """End the accounts and supersede their charges from the first year affected and their instalments not
    yet due. On PostgreSQL one set-based statement per table (arrays unnested; the ``= ANY`` keeps the
    planner on the account_ref indexes rather than hashing whole tables), elsewhere executemany."""
    if conn.dialect.name == "postgresql":
        arrays = {"refs": [r["ref"] for r in rows], "ends": [r["end"] for r in rows],
                  "first_years": [r["first_year"] for r in rows], "notices": [r["notice"] for r in rows]}
        conn.execute(text(
            "UPDATE account SET liability_end = v.end_date"
            " FROM unnest(CAST(:refs AS text[]), CAST(:ends AS date[])) AS v(ref, end_date)"
            " WHERE account.account_ref = ANY(CAST(:refs AS text[])) AND account.account_ref = v.ref"), arrays)
        conn.execute(text(
            "UPDATE charge SET superseded = true"
            " FROM unnest(CAST(:refs AS text[]), CAST(:first_years AS integer[])) AS v(ref, first_year)"
            " WHERE charge.account_ref = ANY(CAST(:refs AS text[])) AND charge.account_ref = v.ref"
            " AND charge.financial_year >= v.first_year"
            " AND charge.superseded = false"), arrays)
        # Instalments already due are history (paid or being chased); only future ones are replaced.
        conn.execute(text(
            "UPDATE instalment SET superseded = true"
            " FROM unnest(CAST(:refs AS text[]), CAST(:first_years AS integer[]), CAST(:notices AS date[]))"
            " AS v(ref, first_year, notice)"
            " WHERE instalment.account_ref = ANY(CAST(:refs AS text[])) AND instalment.account_ref = v.ref"
            " AND instalment.financial_year >= v.first_year"
            " AND instalment.due_date >= v.notice AND instalment.superseded = false"), arrays)
        return
    conn.execute(update(account_table).where(account_table.c.account_ref == bindparam("ref"))
                 .values(liability_end=bindparam("end")), rows)
    conn.execute(update(charge_table).where(and_(
        charge_table.c.account_ref == bindparam("ref"),
        charge_table.c.financial_year >= bindparam("first_year"),
        charge_table.c.superseded.is_(False))).values(superseded=True), rows)
    conn.execute(update(instalment_table).where(and_(
        instalment_table.c.account_ref == bindparam("ref"),
        instalment_table.c.financial_year >= bindparam("first_year"),
        instalment_table.c.due_date >= bindparam("notice"),
        instalment_table.c.superseded.is_(False))).values(superseded=True), rows)


def _one_of(conn: Connection, column: Any, values: Sequence[str]) -> Any:
    """``column IN values``; on PostgreSQL as ``= ANY(array)``, one statement text whatever the count, so
    both SQLAlchemy and the server reuse the prepared form."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(String)))
    return column.in_(values)


def _bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in the current transaction: COPY on PostgreSQL (one stream, no per-row statements),
    executemany elsewhere (SQLite runs in-process, where that is already cheap)."""
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = [c.name for c in table.columns if c.name in rows[0]]
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(
        f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row(tuple(row[c] for c in columns))


def _describe(error: DBAPIError) -> str:
    return type(error.orig).__name__ if error.orig is not None else type(error).__name__


def _note(account_ref: str, noted_at: datetime, notification_id: str, text: str) -> dict[str, Any]:
    return {"account_ref": account_ref, "noted_at": noted_at, "author": PROCESSOR_AUTHOR,
            "notification_id": notification_id, "note": text}


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _applied_from_row(row: Any) -> AppliedChange:
    refs = tuple(ref for ref in row["account_refs"].split(",") if ref)
    return AppliedChange(row["notification_id"], row["reference"], refs, _utc(row["applied_at"]), False)


def _account_view(conn: Connection, row: Any) -> AccountView:
    ref = row["account_ref"]
    persons = conn.execute(
        select(liable_person_table.c.full_name).where(liable_person_table.c.account_ref == ref)
        .order_by(liable_person_table.c.position)
    ).scalars().all()
    charges = conn.execute(
        select(charge_table).where(and_(charge_table.c.account_ref == ref, charge_table.c.superseded.is_(False)))
        .order_by(charge_table.c.financial_year, charge_table.c.period_start)
    ).mappings().all()
    instalments = conn.execute(
        select(instalment_table)
        .where(and_(instalment_table.c.account_ref == ref, instalment_table.c.superseded.is_(False)))
        .order_by(instalment_table.c.due_date, instalment_table.c.id)
    ).mappings().all()
    notes = conn.execute(
        select(audit_note_table).where(audit_note_table.c.account_ref == ref).order_by(audit_note_table.c.id)
    ).mappings().all()
    return AccountView(
        account_ref=ref, uprn=row["uprn"], liability_start=row["liability_start"],
        liability_end=row["liability_end"], liable_persons=tuple(persons),
        discount_code=row["discount_code"], discount_percent=row["discount_percent"],
        paid_this_year_pence=row["paid_this_year_pence"],
        charges=tuple(ChargeRow(**{k: c[k] for k in ChargeRow.__dataclass_fields__}) for c in charges),
        instalments=tuple(InstalmentRow(**{k: i[k] for k in InstalmentRow.__dataclass_fields__})
                          for i in instalments),
        audit_notes=tuple(AuditNote(_utc(n["noted_at"]), n["author"], n["notification_id"], n["note"])
                          for n in notes),
    )
