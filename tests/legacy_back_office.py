"""Start the simulated legacy back office (``ctax legacy serve``) as a real process for a test, and seed it.

The back office is seeded straight into its own database, as a council's data migration would; after that
the adapters only reach it through its SOAP service or its import inbox.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from adapters.revenues_port import ExistingAccount, RegisterProperty
from legacy.database import connect, create_schema
from legacy.ledger import load_register
from legacy.records import Account, Charge, Instalment

NEW_ACCOUNT_REFS = ("80000001", "80000002")  # the back office numbers new accounts its own way


@dataclass(frozen=True)
class RunningBackOffice:
    process: subprocess.Popen[str]
    database: Path
    address: str  # SOAP: the service URL; files: the inbox folder
    results: Path | None = None
    maintenance_flag: Path | None = None
    stall_flag: Path | None = None

    def seed(self, properties: Iterable[RegisterProperty], accounts: Iterable[ExistingAccount]) -> None:
        seed_back_office(self.database, properties, accounts)


def seed_back_office(database: Path, properties: Iterable[RegisterProperty],
                     accounts: Iterable[ExistingAccount]) -> None:
    create_schema(database)
    conn = connect(database)
    try:
        load_register(conn, [vars(p) for p in properties], [_migrated(a) for a in accounts])
    finally:
        conn.close()


def _migrated(a: ExistingAccount) -> Account:
    return Account(a.account_ref, a.uprn, a.liability_start.isoformat(), None, a.discount_code, a.discount_percent,
                   a.paid_this_year_pence, a.liable_persons,
                   tuple(Charge(**vars(c)) for c in a.charges), tuple(Instalment(**vars(i)) for i in a.instalments))


@contextmanager
def back_office(folder: Path, style: str, *extra: str) -> Iterator[RunningBackOffice]:
    """Run ``ctax legacy serve --style <style>`` with its database and folders under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    database, flag, stall = folder / "back-office.db", folder / "maintenance", folder / "stall"
    create_schema(database)
    command = [sys.executable, "-m", "ctax", "legacy", "serve", "--style", style, "--database", str(database),
               "--maintenance-flag", str(flag), "--stall-flag", str(stall), "--stall-seconds", "3", *extra]
    if style == "soap":
        command += ["--port", "0"]
    else:
        command += ["--inbox", str(folder / "inbox"), "--results", str(folder / "results"), "--poll-seconds", "0.05"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stdout is not None
        announced = process.stdout.readline().split()
        if len(announced) < 2:
            raise RuntimeError(f"the back office did not start (exit {process.poll()})")
        yield RunningBackOffice(process, database, announced[1],
                                Path(announced[2]) if style == "files" else None, flag, stall)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
