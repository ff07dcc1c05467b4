"""Managing staff and ops users from the command line (`ctax users ...`)."""

from __future__ import annotations

from ctax.running.components import ensure_sqlite_folder
from ctax.running.web_components import configured_users
from ctax.settings import Settings
from web.staff_accounts.accounts import Role
from web.staff_accounts.passwords import generate_password
from web.stores.database import create_store_engine
from web.stores.users import UserStore


def open_user_store(settings: Settings) -> UserStore:
    """The user store in the web app's database (tables created if missing), with the configured users."""
    ensure_sqlite_folder(settings.web_database_url)
    store = UserStore(create_store_engine(settings.web_database_url), configured_users(settings))
    store.create_schema()
    return store


def add_demo_staff_users(settings: Settings) -> dict[str, str]:
    """Add an officer, an ops user and a letting agent to the demo's web store; return their new passwords.

    Stored users (not CTAX_STAFF_USERS) so that `ctax users list`, reading the same store, shows them.
    """
    users = {"officer": ("Demo Officer", Role.STAFF), "ops": ("Demo Operator", Role.OPS),
             "lettings": ("Demo Lettings", Role.LANDLORD)}
    passwords = {username: generate_password() for username in users}
    store = open_user_store(settings)
    for username, (name, role) in users.items():
        store.add(username, name, role, passwords[username])
    return passwords
