"""The back office's SOAP web service over HTTP (stdlib ``ThreadingHTTPServer``), answering per the WSDL."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any

from legacy import soap_xml
from legacy.behaviour import Behaviour
from legacy.database import connect
from legacy.ledger import Ledger
from legacy.records import RefusalError

log = logging.getLogger("legacy.soap")
MAX_BODY = 1_000_000
WRITE_BUFFER = 64 * 1024
WRITES = {"EndLiability", "CreateAccount", "AmendAccount", "AddNote"}


def wsdl_text(address: str) -> str:
    """The repository's WSDL with the service address this server answers on."""
    text = files("adapters.soap").joinpath("revenues.wsdl").read_text(encoding="utf-8")
    return re.sub(r'location="[^"]*"', f'location="{address}"', text)


class SoapBackOffice:
    """Dispatches SOAP operations to the ledger, behaving as configured."""

    def __init__(self, database: Path, behaviour: Behaviour) -> None:
        self._database = database
        self.behaviour = behaviour
        self._local = threading.local()

    def ledger(self) -> Ledger:
        if not hasattr(self._local, "ledger"):
            self._local.ledger = Ledger(connect(self._database))
        ledger: Ledger = self._local.ledger
        return ledger

    def handle(self, body: bytes) -> tuple[int, bytes]:
        """Answer one request: (HTTP status, SOAP envelope); every call is kept in the interface log."""
        self.behaviour.wait()
        try:
            operation, request = soap_xml.operation_of(body)
        except soap_xml.BadRequestError as error:
            return 500, soap_xml.fault("Client", f"Bad request: {error}")
        status, answer, outcome = self._answer(operation, request)
        self.ledger().log_call(operation, outcome)
        if outcome == "stalled":
            log.info("stalling after commit", extra={"operation": operation})
            self.behaviour.stall()  # committed already: the caller times out not knowing
        return status, answer

    def _answer(self, operation: str, request: Any) -> tuple[int, bytes, str]:
        if self.behaviour.in_maintenance():
            return 503, soap_xml.fault("Server", "MAINTENANCE: the revenues system is in its maintenance window"), \
                "maintenance"
        if self.behaviour.fails_now():
            return 500, soap_xml.fault("Server", "INTERNAL_ERROR: the revenues system could not complete the call"), \
                "error"
        handler = self._handlers().get(operation)
        if handler is None:
            return 500, soap_xml.fault("Client", f"Unknown operation {operation}"), "unknown"
        try:
            answer = handler(request)
        except RefusalError as refusal:
            return 500, soap_xml.fault("Client", refusal.message, refusal.code), f"refused {refusal.code}"
        except (soap_xml.BadRequestError, ValueError) as error:
            return 500, soap_xml.fault("Client", f"Bad request: {error}"), "bad request"
        if operation in WRITES and self.behaviour.stalls_after_commit():
            return 200, answer, "stalled"
        return 200, answer, "ok"

    def _handlers(self) -> dict[str, Callable[[Any], bytes]]:
        ledger = self.ledger()
        return {
            "SearchProperties": lambda r: soap_xml.properties_response(ledger.properties(
                postcode=soap_xml.optional_text(r, "Postcode"), uprns=soap_xml.texts(r, "Uprn"))),
            "FindAccountsAtProperty": lambda r: soap_xml.summaries_response(
                ledger.accounts_at(soap_xml.texts(r, "Uprn"))),
            "GetAccount": lambda r: soap_xml.account_response(ledger.account(
                soap_xml.text(r, "AccountNumber"), include_superseded=soap_xml.flag(r, "IncludeSuperseded"))),
            "EndLiability": lambda r: soap_xml.account_number_response(
                "EndLiability", ledger.end_liability(soap_xml.ending(r))),
            "CreateAccount": lambda r: soap_xml.account_number_response(
                "CreateAccount", ledger.create_account(soap_xml.opening(r))),
            "AmendAccount": lambda r: soap_xml.account_number_response(
                "AmendAccount", ledger.amend_account(soap_xml.amendment(r))),
            "AddNote": lambda r: self._add_note(ledger, r),
            "ListNotesByReference": lambda r: soap_xml.notes_response(
                ledger.notes_by_reference(soap_xml.texts(r, "Reference"))),
        }

    @staticmethod
    def _add_note(ledger: Ledger, request: Any) -> bytes:
        account_no = soap_xml.text(request, "AccountNumber")
        ledger.add_note(account_no, soap_xml.note_input(request))
        return soap_xml.account_number_response("AddNote", account_no)


def serve_soap(back_office: SoapBackOffice, host: str, port: int, ready: Callable[[str], None]) -> None:
    """Serve until interrupted; ``ready`` is told the service address once listening."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # An answer leaves at once and whole: headers and body are buffered into one write, and the socket does
        # not hold a small segment back for the caller's delayed ACK (Nagle's algorithm: about 40 ms a call).
        disable_nagle_algorithm = True
        wbufsize = WRITE_BUFFER

        def do_GET(self) -> None:
            if self.path.rstrip("/").lower() in {"/revenues?wsdl", "/revenues.wsdl"}:
                self._send(200, wsdl_text(address).encode("utf-8"), "text/xml; charset=utf-8")
            else:
                self._send(404, b"not found\n", "text/plain")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if self.path != "/revenues" or length > MAX_BODY:
                self._send(404 if self.path != "/revenues" else 413, b"", "text/plain")
                return
            status, body = back_office.handle(self.rfile.read(length))
            self._send(status, body, "text/xml; charset=utf-8")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the caller gave up waiting (a timeout after commit does this on purpose)

        def log_message(self, format: str, *args: Any) -> None:
            return  # request lines carry nothing useful and would flood the log

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    address = f"http://{host}:{server.server_address[1]}/revenues"
    ready(address)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
