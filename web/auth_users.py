"""Staff and ops users: who they are, their role, and their password hash.

Users live in the web app's own database (``ctax users add``) and may also come from configuration
(``CTAX_STAFF_USERS``, JSON with Argon2 hashes, read-only at run time). On first start with no users at
all, one administrator is created and its generated password is written once to the console.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TextIO

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from web.auth_passwords import generate_password, hash_password

FIRST_ADMIN = "admin"
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")

metadata = MetaData()

user_table = Table(
    "staff_user", metadata,
    Column("username", String(60), primary_key=True),
    Column("display_name", String(100), nullable=False),
    Column("role", String(10), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


class Role(StrEnum):
    """What a person may do: revenues officers (staff), operations (ops), or both plus users (admin)."""

    STAFF = "staff"
    OPS = "ops"
    ADMIN = "admin"


class UserExistsError(Exception):
    """A user with that username already exists."""


class InvalidUsernameError(ValueError):
    """The username has characters or a length we do not accept."""


@dataclass(frozen=True)
class StaffUser:
    """A signed-in person as the pages see them: the display name goes on audit records."""

    username: str
    display_name: str
    role: Role

    def may(self, role: Role) -> bool:
        return self.role in (role, Role.ADMIN)


@dataclass(frozen=True)
class StoredUser:
    user: StaffUser
    password_hash: str
    from_configuration: bool


class ConfiguredUser(BaseModel):
    """One entry of CTAX_STAFF_USERS: {"username", "name", "role", "password_hash"}."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    username: str = Field(pattern=_USERNAME.pattern)
    name: str = Field(min_length=1, max_length=100)
    role: Role
    password_hash: str = Field(pattern=r"^\$argon2id?\$")


def check_username(username: str) -> str:
    if not _USERNAME.match(username):
        raise InvalidUsernameError(
            "Usernames are 2-60 characters: lower-case letters, digits, dots, dashes or underscores"
        )
    return username


class UserStore:
    def __init__(self, engine: Engine, configured: Iterable[ConfiguredUser] = ()) -> None:
        self._engine = engine
        self._configured = {
            entry.username: StoredUser(StaffUser(entry.username, entry.name, entry.role), entry.password_hash, True)
            for entry in configured
        }

    def create_schema(self) -> None:
        metadata.create_all(self._engine)

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

    def find(self, username: str) -> StoredUser | None:
        configured = self._configured.get(username)
        if configured is not None:
            return configured
        with self._engine.connect() as conn:
            row = conn.execute(select(user_table).where(user_table.c.username == username)).mappings().first()
        if row is None:
            return None
        return StoredUser(StaffUser(row["username"], row["display_name"], Role(row["role"])),
                          row["password_hash"], False)

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


def ensure_first_admin(store: UserStore, console: TextIO) -> bool:
    """Create the first administrator when there are no users at all, and show its password once.

    The password goes to the console (the web process's stderr), not to the JSON logs, which are shipped
    and kept. Returns whether an administrator was created.
    """
    if store.count() > 0:
        return False
    password = generate_password()
    try:
        store.add(FIRST_ADMIN, "Administrator", Role.ADMIN, password)
    except UserExistsError:  # another web process won the race; it showed the password
        return False
    console.write(
        "\n"
        "  ctax: no staff users existed, so a first administrator was created.\n"
        f"    username: {FIRST_ADMIN}\n"
        f"    password: {password}\n"
        "  It is shown this once. Sign in at /sign-in, then add named users with `ctax users add`.\n\n"
    )
    console.flush()
    return True
