"""The SQL adapter: applies account changes to a legacy-style revenues database (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, create_engine, event, insert, select, update
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


def create_revenues_engine(url: str) -> Engine:
    """Create an engine for a database URL; SQLite gets WAL and a busy timeout so readers never block."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
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
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


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
                conn.execute(insert(property_table), property_rows)
            if account_list:
                conn.execute(insert(account_table), [
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
                    conn.execute(insert(liable_person_table), persons)
                charges = [{"account_ref": a.account_ref, **vars(c), "notification_id": None, "superseded": False}
                           for a in account_list for c in a.charges]
                if charges:
                    conn.execute(insert(charge_table), charges)
                instalments = [
                    {"account_ref": a.account_ref, **vars(i), "notification_id": None, "superseded": False}
                    for a in account_list for i in a.instalments
                ]
                if instalments:
                    conn.execute(insert(instalment_table), instalments)

    # -- reads ---------------------------------------------------------------------------------------------

    def property_facts(self, uprn: str) -> PropertyFacts | None:
        with self._connection() as conn:
            prop = conn.execute(select(property_table).where(property_table.c.uprn == uprn)).mappings().first()
            if prop is None:
                return None
            account = conn.execute(
                select(account_table)
                .where(and_(account_table.c.uprn == uprn, account_table.c.liability_end.is_(None)))
                .order_by(account_table.c.liability_start.desc())
            ).mappings().first()
        open_account = None
        if account is not None:
            open_account = OpenAccount(
                account_ref=account["account_ref"],
                liability_start=account["liability_start"],
                discount_code=account["discount_code"],
                discount_percent=account["discount_percent"],
                paid_this_year_pence=account["paid_this_year_pence"],
            )
        return PropertyFacts(uprn=prop["uprn"], postcode=prop["postcode"], band=prop["band"],
                             open_account=open_account)

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
        with self._connection() as conn:
            row = conn.execute(
                select(applied_notification_table)
                .where(applied_notification_table.c.notification_id == notification_id)
            ).mappings().first()
        return _applied_from_row(row) if row else None

    def applied_with_fingerprint(self, change_fingerprint: str) -> AppliedChange | None:
        with self._connection() as conn:
            row = conn.execute(
                select(applied_notification_table)
                .where(applied_notification_table.c.change_fingerprint == change_fingerprint)
                .limit(1)
            ).mappings().first()
        return _applied_from_row(row) if row else None

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
        try:
            with self._transaction() as conn:
                account_refs = self._apply(conn, change, applied_at)
        except IntegrityError:
            # Another worker (or an earlier delivery) applied this notification first: report what it did.
            earlier = self.applied(change.notification_id)
            if earlier is None:
                raise
            return earlier
        return AppliedChange(change.notification_id, change.reference, account_refs, applied_at, True)

    def _apply(self, conn: Connection, change: AccountChange, applied_at: datetime) -> tuple[str, ...]:
        earlier = conn.execute(
            select(applied_notification_table.c.notification_id)
            .where(applied_notification_table.c.notification_id == change.notification_id)
        ).first()
        if earlier is not None:
            raise IntegrityError("already applied", None, Exception(change.notification_id))
        touched: list[str] = []
        notes: list[dict[str, Any]] = []
        for ending in change.endings:
            closed = conn.execute(
                update(account_table)
                .where(and_(
                    account_table.c.account_ref == ending.account_ref,
                    account_table.c.liability_start == ending.expected_liability_start,
                    account_table.c.liability_end.is_(None),
                ))
                .values(liability_end=ending.liability_end)
            ).rowcount
            if closed != 1:
                raise StaleAccountError(
                    f"Account {ending.account_ref} is no longer open as it was when this change was assessed"
                )
            first_year = financial_year_start(ending.liability_end)
            self._supersede(conn, ending.account_ref, first_year, change.notice_date)
            self._insert_lines(conn, ending.account_ref, change.notification_id, ending.charges, ending.instalments)
            touched.append(ending.account_ref)
            notes.append(_note(ending.account_ref, applied_at, change.notification_id, ending_note(change, ending)))
        for opening in change.openings:
            still_open = conn.execute(
                select(account_table.c.account_ref).where(and_(
                    account_table.c.uprn == opening.uprn, account_table.c.liability_end.is_(None)))
            ).first()
            if still_open is not None:
                raise StaleAccountError(
                    f"Property {opening.uprn} still has open account {still_open[0]}; it was not expected"
                )
            account_ref = self._next_account_ref(conn)
            conn.execute(insert(account_table).values(
                account_ref=account_ref, uprn=opening.uprn, liability_start=opening.liability_start,
                liability_end=None, discount_code=opening.discount_code,
                discount_percent=opening.discount_percent, paid_this_year_pence=0,
                opened_by_notification=change.notification_id,
            ))
            conn.execute(insert(liable_person_table), [
                {"account_ref": account_ref, "position": i, "full_name": name}
                for i, name in enumerate(opening.liable_persons, start=1)
            ])
            self._insert_lines(conn, account_ref, change.notification_id, opening.charges, opening.instalments)
            touched.append(account_ref)
            notes.append(_note(account_ref, applied_at, change.notification_id, opening_note(change, opening)))
        if notes:
            conn.execute(insert(audit_note_table), notes)
        conn.execute(insert(applied_notification_table).values(
            notification_id=change.notification_id, reference=change.reference,
            change_fingerprint=change.change_fingerprint, applied_at=applied_at, account_refs=",".join(touched),
        ))
        return tuple(touched)

    def _supersede(self, conn: Connection, account_ref: str, first_year: int, notice_date: date) -> None:
        conn.execute(
            update(charge_table)
            .where(and_(charge_table.c.account_ref == account_ref, charge_table.c.financial_year >= first_year,
                        charge_table.c.superseded.is_(False)))
            .values(superseded=True)
        )
        # Instalments already due are history (paid or being chased); only the future ones are replaced.
        conn.execute(
            update(instalment_table)
            .where(and_(instalment_table.c.account_ref == account_ref,
                        instalment_table.c.financial_year >= first_year,
                        instalment_table.c.due_date >= notice_date,
                        instalment_table.c.superseded.is_(False)))
            .values(superseded=True)
        )

    def _insert_lines(
        self, conn: Connection, account_ref: str, notification_id: str,
        charges: Iterable[ChargeLine], instalments: Iterable[Instalment],
    ) -> None:
        charge_rows = [{**line.model_dump(), "account_ref": account_ref, "notification_id": notification_id,
                        "superseded": False} for line in charges]
        if charge_rows:
            conn.execute(insert(charge_table), charge_rows)
        instalment_rows = [{**i.model_dump(), "account_ref": account_ref, "notification_id": notification_id,
                            "superseded": False} for i in instalments]
        if instalment_rows:
            conn.execute(insert(instalment_table), instalment_rows)

    def _next_account_ref(self, conn: Connection) -> str:
        number = conn.execute(
            update(account_number_table).where(account_number_table.c.id == 1)
            .values(next_number=account_number_table.c.next_number + 1)
            .returning(account_number_table.c.next_number)
        ).scalar_one() - 1
        return f"{self._prefix}{number:0{self._digits}d}"

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
