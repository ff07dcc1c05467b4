"""Users, password hashes, the first administrator and login throttling."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from web.signin.first_admin import ensure_first_admin
from web.signin.identity import PasswordSignIn
from web.signin.throttle import LoginThrottle
from web.staff_accounts.accounts import ConfiguredUser, InvalidUsernameError, Role, UserExistsError
from web.staff_accounts.passwords import WeakPasswordError, hash_password, verify_password
from web.stores.database import create_store_engine
from web.stores.users import UserStore

PASSWORD = "correct horse battery staple"


def users(tmp_path: Path, configured: tuple[ConfiguredUser, ...] = ()) -> UserStore:
    store = UserStore(create_store_engine(f"sqlite:///{tmp_path}/web.db"), configured)
    store.create_schema()
    return store


def test_passwords_are_argon2id_hashes_and_short_ones_are_refused() -> None:
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed
    assert verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, PASSWORD + "!")
    assert not verify_password("not a hash", PASSWORD)
    with pytest.raises(WeakPasswordError):
        hash_password("short")


def test_users_sign_in_with_their_password_only(tmp_path: Path) -> None:
    store = users(tmp_path)
    store.add("jo.bloggs", "Jo Bloggs", Role.STAFF, PASSWORD)
    sign_in = PasswordSignIn(store)
    signed = sign_in.verify("jo.bloggs", PASSWORD)
    assert signed is not None
    assert (signed.display_name, signed.may(Role.STAFF), signed.may(Role.OPS)) == ("Jo Bloggs", True, False)
    assert sign_in.verify("jo.bloggs", "wrong password here") is None
    assert sign_in.verify("nobody", PASSWORD) is None
    with pytest.raises(UserExistsError):
        store.add("jo.bloggs", "Another Jo", Role.OPS, PASSWORD)
    with pytest.raises(InvalidUsernameError):
        store.add("Jo Bloggs", "Jo", Role.STAFF, PASSWORD)


def test_users_from_configuration_sign_in_too(tmp_path: Path) -> None:
    configured = ConfiguredUser(username="ops.lead", name="Ops Lead", role=Role.OPS,
                                password_hash=hash_password(PASSWORD))
    store = users(tmp_path, (configured,))
    signed = PasswordSignIn(store).verify("ops.lead", PASSWORD)
    assert signed is not None
    assert signed.may(Role.OPS)
    assert not signed.may(Role.STAFF)
    assert store.count() == 1


def test_the_first_administrator_is_created_once_and_its_password_shown_once(tmp_path: Path) -> None:
    store = users(tmp_path)
    console = io.StringIO()
    assert ensure_first_admin(store, console)
    shown = console.getvalue()
    password = shown.split("password: ")[1].split()[0]
    admin = PasswordSignIn(store).verify("admin", password)
    assert admin is not None
    assert admin.may(Role.STAFF)
    assert admin.may(Role.OPS)
    again = io.StringIO()
    assert not ensure_first_admin(store, again)
    assert again.getvalue() == ""


def test_throttling_counts_failures_per_username_and_per_address() -> None:
    clock = [0.0]
    throttle = LoginThrottle(per_username=3, per_address=5, window_seconds=600, clock=lambda: clock[0])
    for _ in range(3):
        assert throttle.retry_after("jo", "10.0.0.1") is None
        throttle.failed("jo", "10.0.0.1")
    assert throttle.retry_after("JO", "10.0.0.2") is not None  # the username is locked from anywhere
    clock[0] += 601
    assert throttle.retry_after("jo", "10.0.0.1") is None
    for name in ("a", "b", "c", "d", "e"):
        throttle.failed(name, "10.0.0.9")
    assert throttle.retry_after("f", "10.0.0.9") is not None  # one address spraying usernames
    throttle.succeeded("jo")
