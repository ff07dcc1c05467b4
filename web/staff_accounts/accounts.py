"""Who a staff or ops person is and what their role lets them do; the users configured in settings.

A username is 2-60 characters (lower-case letters, digits, dots, dashes, underscores), the same for users
stored in the web database (:mod:`web.stores.users`) and those configured in ``CTAX_STAFF_USERS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")


class Role(StrEnum):
    """What a person may do: revenues officers (staff), operations (ops), landlords and letting agents who
    upload tenancy changes (landlord), or all of these plus users (admin)."""

    STAFF = "staff"
    OPS = "ops"
    ADMIN = "admin"
    LANDLORD = "landlord"


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
