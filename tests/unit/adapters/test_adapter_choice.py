"""CTAX_REVENUES_ADAPTER picks the adapter; the conformance report covers every contract test."""

import inspect
from pathlib import Path

import pytest

from adapters.files.revenues import FileRevenuesSystem
from adapters.soap.revenues import SoapRevenuesSystem
from adapters.sql.revenues import SqlRevenuesSystem
from ctax.running.components import back_office_reader, revenues_adapter
from ctax.settings import Settings
from tests.unit.adapters.revenues_contract import CAPABILITIES, RevenuesContract


def test_each_adapter_is_chosen_by_the_settings(tmp_path: Path) -> None:
    sql = revenues_adapter(Settings(revenues_adapter="sql", revenues_database_url=f"sqlite:///{tmp_path}/r.db"))
    assert isinstance(sql, SqlRevenuesSystem)
    sql.dispose()
    soap = revenues_adapter(Settings(revenues_adapter="soap", soap_url="http://127.0.0.1:9/revenues"))
    assert isinstance(soap, SoapRevenuesSystem)
    soap.close()
    files = revenues_adapter(Settings(revenues_adapter="files", files_outbox=tmp_path / "out",
                                      files_results=tmp_path / "res", files_journal=tmp_path / "j.db",
                                      files_reporting_database=tmp_path / "bo.db"))
    assert isinstance(files, FileRevenuesSystem)
    files.close()


def test_an_unknown_adapter_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="revenues_adapter"):
        Settings(revenues_adapter="carrier-pigeon")


def test_every_contract_test_belongs_to_one_capability() -> None:
    tests = {name for name, _ in inspect.getmembers(RevenuesContract, inspect.isfunction) if name.startswith("test_")}
    listed = [name for names in CAPABILITIES.values() for name in names]
    assert sorted(listed) == sorted(tests)


def test_the_staff_workspace_reads_a_soap_or_files_back_office_through_its_adapter(tmp_path: Path) -> None:
    assert back_office_reader(Settings(revenues_adapter="sql")) is None
    reader = back_office_reader(Settings(revenues_adapter="soap", soap_url="http://127.0.0.1:9/revenues"))
    assert isinstance(reader, SoapRevenuesSystem)
    reader.close()
