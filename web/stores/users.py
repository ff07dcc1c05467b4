"""The store of staff and ops users: username, display name, role and password hash.

Users live in the web app's own database (``ctax users add``) and may also come from configuration
(``CTAX_STAFF_USERS``, JSON with Argon2 hashes, read-only at run time); the configured ones are read-only.
Who a user is and what a role allows is in :mod:`web.staff_accounts.accounts`. People who sign in through the
council's identity provider are remembered in ``staff_sso_user`` (name and role as of their last sign-in,
no password) under an ``sso:`` username that no local user can have.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Engine, String, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from web.staff_accounts.accounts import ConfiguredUser, Role, StaffUser, UserExistsError, check_username
from web.staff_accounts.passwords import hash_password
from web.stores.database import create_tables, metadata

user_table = Table(
    "staff_user", metadata,
    Column("username", String(60), primary_key=True),
    Column("display_name", String(100), nullable=False),
    Column("role", String(10), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


sso_user_table = Table(
    "staff_sso_user", metadata,
    Column("username", String(60), primary_key=True),
    Column("display_name", String(100), nullable=False),
    Column("role", String(10), nullable=False),
    Column("last_sign_in_at", DateTime(timezone=True), nullable=False),
)
SSO_PREFIX = "sso:"


@dataclass(frozen=True)
class StoredUser:
    user: StaffUser
    password_hash: str  # empty for people who sign in through the identity provider
    from_configuration: bool


class UserStore:
    def __init__(self, engine: Engine, configured: Iterable[ConfiguredUser] = ()) -> None:
        self._engine = engine
        self._configured = {
            entry.username: StoredUser(StaffUser(entry.username, entry.name, entry.role), entry.password_hash, True)
            for entry in configured
        }

    def create_schema(self) -> None:
        create_tables(self._engine, user_table, sso_user_table)

    def add(self, username: str, display_name: str, role: Role, password: str) -> StaffUser:
        """Add a user with a new password (hashed here); raise UserExistsError if the name is taken."""
        check_username(username)
        if username in self._configured:
            raise UserExistsError(username)
        password_hash = hash_password(password)
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(user_table).values(
                    username=username, display_name=display_name.strip() or username, role=role.value,
                    password_hash=password_hash, created_at=datetime.now(UTC),
                ))
        except IntegrityError:
            raise UserExistsError(username) from None
        return StaffUser(username, display_name.strip() or username, role)

    def remember_sso(self, user: StaffUser) -> None:
        """Note a person the identity provider has just proven, with the role their claims map to today."""
        values = {"display_name": user.display_name, "role": user.role.value, "last_sign_in_at": datetime.now(UTC)}
        with self._engine.begin() as conn:
            updated = conn.execute(update(sso_user_table).where(sso_user_table.c.username == user.username)
                                   .values(**values)).rowcount
            if not updated:
                conn.execute(insert(sso_user_table).values(username=user.username, **values))

    def find(self, username: str) -> StoredUser | None:
        if username.startswith(SSO_PREFIX):
            return self._find_sso(username)
        configured = self._configured.get(username)
        if configured is not None:
            return configured
        with self._engine.connect() as conn:
            row = conn.execute(select(user_table).where(user_table.c.username == username)).mappings().first()
        if row is None:
            return None
        return StoredUser(StaffUser(row["username"], row["display_name"], Role(row["role"])),
                          row["password_hash"], False)

    def _find_sso(self, username: str) -> StoredUser | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(sso_user_table).where(sso_user_table.c.username == username)).mappings().first()
        if row is None:
            return None
        return StoredUser(StaffUser(row["username"], row["display_name"], Role(row["role"])), "", True)

    def replace_hash(self, username: str, password_hash: str) -> None:
        """Store a stronger hash of the same password (after a successful sign-in)."""
        with self._engine.begin() as conn:
            conn.execute(update(user_table).where(user_table.c.username == username)
                         .values(password_hash=password_hash))

    def count(self) -> int:
        with self._engine.connect() as conn:
            stored = conn.execute(select(func.count()).select_from(user_table)).scalar_one()
        return int(stored) + len(self._configured)

    def users(self) -> list[StaffUser]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(user_table).order_by(user_table.c.username)).mappings().all()
        stored = [StaffUser(r["username"], r["display_name"], Role(r["role"])) for r in rows]
        return sorted([*stored, *(u.user for u in self._configured.values())], key=lambda u: u.username)
