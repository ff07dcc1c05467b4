"""Managing staff and ops users from the command line (`ctax users ...`)."""

from __future__ import annotations

from ctax.components import ensure_sqlite_folder
from ctax.settings import Settings
from web.auth_users import UserStore
from web.progress_store import create_store_engine


def open_user_store(settings: Settings) -> UserStore:
    """The user store in the web app's database (tables created if missing), with the configured users."""
    ensure_sqlite_folder(settings.web_database_url)
    store = UserStore(create_store_engine(settings.web_database_url), settings.staff_users)
    store.create_schema()
    return store
