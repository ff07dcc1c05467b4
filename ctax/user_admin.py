"""Managing staff and ops users from the command line (`ctax users ...`)."""

from __future__ import annotations

import json

from ctax.components import ensure_sqlite_folder
from ctax.settings import Settings
from web.signin.accounts import Role
from web.signin.passwords import generate_password, hash_password
from web.stores.database import create_store_engine
from web.stores.users import UserStore


def open_user_store(settings: Settings) -> UserStore:
    """The user store in the web app's database (tables created if missing), with the configured users."""
    ensure_sqlite_folder(settings.web_database_url)
    store = UserStore(create_store_engine(settings.web_database_url), settings.staff_users)
    store.create_schema()
    return store


def demo_staff_users(env: dict[str, str]) -> dict[str, str]:
    """Give the demo's web app an officer, an ops user and a letting agent (CTAX_STAFF_USERS); return their new
    passwords."""
    users = {"officer": ("Demo Officer", Role.STAFF), "ops": ("Demo Operator", Role.OPS),
             "lettings": ("Demo Lettings", Role.LANDLORD)}
    passwords = {username: generate_password() for username in users}
    env["CTAX_STAFF_USERS"] = json.dumps([
        {"username": username, "name": name, "role": role.value, "password_hash": hash_password(passwords[username])}
        for username, (name, role) in users.items()
    ])
    return passwords
