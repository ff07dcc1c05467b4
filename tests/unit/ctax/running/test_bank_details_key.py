"""Refunds out of the box: without CTAX_BANK_DETAILS_KEYS, one local key in a private file under the state folder."""

from __future__ import annotations

import logging
import stat
from pathlib import Path
from typing import Any

import pytest

from ctax.running.bank_details_key import bank_details_keys, bank_details_sealer, local_key
from ctax.running.web_components import refund_details
from ctax.settings import Settings
from schemas.bank_details import BankDetailsSealer
from schemas.notification import BankAccountDetails
from tests.builders import BANK_KEY

DETAILS = BankAccountDetails(account_holder="Alex Jones", sort_code="089999", account_number="66374958")


def _settings(tmp_path: Path, **given: Any) -> Settings:
    return Settings(_env_file=None, bank_details_local_key_file=tmp_path / "state" / "bank-details.key", **given)


def test_without_the_setting_a_key_is_made_once_readable_by_its_owner_only(tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    settings = _settings(tmp_path)
    with caplog.at_level(logging.WARNING, logger="ctax.running.bank_details_key"):
        web_key = bank_details_keys(settings)
    worker_key = bank_details_keys(settings)  # the worker on the same machine reads the same file
    assert web_key == worker_key
    assert len(web_key) == 1
    path = settings.bank_details_local_key_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [r.getMessage() for r in caplog.records if "production should set CTAX_BANK_DETAILS_KEYS" in
            r.getMessage()] != []
    assert web_key[0] not in caplog.text
    sealed = bank_details_sealer(settings).seal(DETAILS)
    assert BankDetailsSealer(worker_key).open(sealed) == DETAILS


def test_the_councils_keys_win_and_no_file_is_made(tmp_path: Path) -> None:
    settings = _settings(tmp_path, bank_details_keys=BANK_KEY)
    assert bank_details_keys(settings) == [BANK_KEY]
    assert not settings.bank_details_local_key_file.exists()


def test_a_key_already_in_the_file_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "bank-details.key"
    path.write_text(BANK_KEY + "\n", encoding="ascii")
    assert local_key(path) == BANK_KEY


def test_the_embedded_defaults_offer_refunds_checked_with_the_shipped_tables(tmp_path: Path) -> None:
    refunds = refund_details(_settings(tmp_path))
    assert refunds is not None
    assert len(refunds.tables.rules) > 1000  # Vocalink's full weight table, not a test subset
    assert refunds.tables.is_valid("089999", "66374958")
    assert not refunds.tables.is_valid("089999", "66374959")


def test_a_council_can_turn_refunds_off(tmp_path: Path) -> None:
    assert refund_details(_settings(tmp_path, refunds_offered=False)) is None
