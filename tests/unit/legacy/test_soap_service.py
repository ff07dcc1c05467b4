"""The back office's SOAP service: answers, faults, the maintenance window and its interface log."""

from pathlib import Path

from legacy.behaviour import Behaviour
from legacy.database import connect, create_schema
from legacy.soap_service import SoapBackOffice

ENVELOPE = (b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
            b'xmlns:r="urn:example:legacy-revenues:1"><soap:Body><r:GetAccount><r:AccountNumber>80000001'
            b'</r:AccountNumber></r:GetAccount></soap:Body></soap:Envelope>')


def outcomes(database: Path) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in connect(database).execute("SELECT operation, outcome FROM interface_log")]


def test_calls_are_answered_and_logged_and_refused_in_maintenance(tmp_path: Path) -> None:
    create_schema(tmp_path / "bo.db")
    flag = tmp_path / "maintenance"
    service = SoapBackOffice(tmp_path / "bo.db", Behaviour(maintenance_flag=flag))
    status, body = service.handle(ENVELOPE)
    assert status == 200
    assert b"GetAccountResponse" in body
    flag.touch()
    status, body = service.handle(ENVELOPE)
    assert status == 503
    assert b"MAINTENANCE" in body
    assert outcomes(tmp_path / "bo.db") == [("GetAccount", "ok"), ("GetAccount", "maintenance")]


def test_an_entity_bomb_is_not_expanded(tmp_path: Path) -> None:
    create_schema(tmp_path / "bo.db")
    service = SoapBackOffice(tmp_path / "bo.db", Behaviour())
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + ENVELOPE.replace(b"80000001", b"&a;")
    status, body = service.handle(bomb)
    assert status in {200, 500}
    assert b"aaaaaaaaaa" not in body
