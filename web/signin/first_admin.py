"""The first administrator: created on first start when there are no users at all, its password shown once."""

from __future__ import annotations

from typing import TextIO

from web.staff_accounts.accounts import Role, UserExistsError
from web.staff_accounts.passwords import generate_password
from web.stores.users import UserStore

FIRST_ADMIN = "admin"


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
