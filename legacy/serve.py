"""Starts the back office in one style: a SOAP web service, or an import job watching an inbox."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from types import FrameType

from legacy.behaviour import Behaviour
from legacy.database import create_schema
from legacy.file_importer import FileImporter
from legacy.soap_service import SoapBackOffice, serve_soap


def _stop_on_sigterm() -> None:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)


def _announce(line: str) -> None:
    # The first line on stdout says where the back office listens; tests and scripts wait for it.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def serve_soap_style(database: Path, behaviour: Behaviour, host: str, port: int) -> None:
    create_schema(database)
    _stop_on_sigterm()
    serve_soap(SoapBackOffice(database, behaviour), host, port, lambda address: _announce(f"soap {address}"))


def serve_files_style(database: Path, behaviour: Behaviour, inbox: Path, results: Path,
                      poll_seconds: float) -> None:
    create_schema(database)
    _stop_on_sigterm()
    importer = FileImporter(database, inbox, results, behaviour)
    _announce(f"files {inbox} {results}")
    logging.getLogger("legacy.files").info("watching the inbox")
    importer.run(poll_seconds)
