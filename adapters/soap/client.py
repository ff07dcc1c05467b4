"""A zeep client of the back office's SOAP service, built from the WSDL in this folder, with per-call timeouts.

Every failure comes out as one of two things the adapter can act on: ``BackOfficeRefusal`` (the back office
said no, with its refusal code) or ``RevenuesUnavailableError`` (no answer, a timeout, a maintenance window or
a server fault: trying again later may work, and whether a write happened is unknown).
"""

from __future__ import annotations

import os
from importlib.resources import as_file, files
from typing import Any

import requests
import zeep
from zeep.exceptions import Fault, TransportError, XMLSyntaxError
from zeep.transports import Transport

from adapters.revenues_port import RevenuesUnavailableError

NAMESPACE = "urn:example:legacy-revenues:1"
BINDING = f"{{{NAMESPACE}}}RevenuesBinding"


class BackOfficeRefusal(Exception):  # noqa: N818 - a refusal is an answer, not an error of ours
    """A ``soap:Client`` fault: the back office refused the call, with a code of its own."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class CallTimedOut(RevenuesUnavailableError):  # noqa: N818 - a kind of unavailability, named for what happened
    """No answer in time: the service may still be working on the call, and may yet do it."""


class SoapCaller:
    """Calls operations of the revenues service at ``address``, each bounded by ``timeout_seconds``."""

    def __init__(self, address: str, *, timeout_seconds: float = 10.0) -> None:
        session = environment_read_once(requests.Session(), address)
        transport = Transport(session=session, timeout=timeout_seconds, operation_timeout=timeout_seconds)
        with as_file(files("adapters.soap").joinpath("revenues.wsdl")) as wsdl:
            self._client = zeep.Client(str(wsdl), transport=transport)
        self._service = self._client.create_service(BINDING, address)
        self._session = session

    def call(self, operation: str, **arguments: Any) -> Any:
        try:
            return getattr(self._service, operation)(**arguments)
        except Fault as fault:
            refusal = _refusal_code(fault)
            if refusal is not None:
                raise BackOfficeRefusal(refusal, str(fault.message)) from None
            raise RevenuesUnavailableError(f"revenues service {operation}: {fault.message}") from None
        except requests.Timeout:
            raise CallTimedOut(f"revenues service {operation} timed out; it may or may not have "
                                           "been done") from None
        except (requests.ConnectionError, TransportError, XMLSyntaxError) as error:
            raise RevenuesUnavailableError(f"revenues service {operation} unreachable: "
                                           f"{type(error).__name__}") from None

    def close(self) -> None:
        self._session.close()


def environment_read_once(session: requests.Session, address: str) -> requests.Session:
    """The session with the environment's proxies, CA bundle and .netrc login for ``address`` read now, once.

    requests reads them again on every call (a fifth or so of the worker's time in a call that takes a couple
    of milliseconds); the service's address is fixed, so what they say of it is too.
    """
    session.proxies = requests.utils.get_environ_proxies(address)  # none when NO_PROXY names it
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    login = requests.utils.get_netrc_auth(address)
    if login is not None:
        session.auth = login
    session.trust_env = False
    return session


def _refusal_code(fault: Fault) -> str | None:
    if fault.detail is None or not str(fault.code).endswith("Client"):
        return None
    for element in fault.detail.iter(f"{{{NAMESPACE}}}RefusalCode"):
        return str(element.text)
    return "REFUSED"
