"""Load a property register and its open accounts into the simulated back office's own database.

A council's migration would do this once; the adapters then only reach the back office through its SOAP
service or its import inbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from adapters.revenues_port import ExistingAccount, RegisterProperty
from ctax.seeding.synthetic_register import generate_register
from legacy.database import connect, create_schema
from legacy.ledger import load_register
from legacy.records import Account, Charge, Instalment, Payment
from processors.rules.council import CouncilRules


def seed_back_office(database: Path, properties: Iterable[RegisterProperty],
                     accounts: Iterable[ExistingAccount]) -> None:
    create_schema(database)
    conn = connect(database)
    try:
        load_register(conn, [vars(p) for p in properties], [_migrated(a) for a in accounts])
    finally:
        conn.close()


def seed_back_office_register(database: Path, rules: CouncilRules, *, properties: int, seed: int,
                              as_of: date) -> tuple[int, int] | None:
    """The synthetic register (as ``ctax seed`` makes it), unless the back office already has one."""
    create_schema(database)
    conn = connect(database)
    try:
        if conn.execute("SELECT count(*) FROM property").fetchone()[0]:
            return None
    finally:
        conn.close()
    register = generate_register(rules, properties=properties, seed=seed, as_of=as_of)
    seed_back_office(database, register.properties, register.accounts)
    return len(register.properties), len(register.accounts)


def _migrated(a: ExistingAccount) -> Account:
    return Account(a.account_ref, a.uprn, a.liability_start.isoformat(), None, a.discount_code, a.discount_percent,
                   a.liable_persons, tuple(Charge(**vars(c)) for c in a.charges),
                   tuple(Instalment(**vars(i)) for i in a.instalments), tuple(Payment(**vars(p)) for p in a.payments),
                   twelve_instalments=a.twelve_instalments, payment_day=a.payment_day,
                   unoccupied_since=a.unoccupied_since.isoformat() if a.unoccupied_since else None)
