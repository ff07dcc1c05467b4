"""The SOAP client reads the environment's proxies, CA bundle and login for its service once, not per call."""

from __future__ import annotations

import pytest
import requests

from adapters.soap.client import environment_read_once

SERVICE = "http://revenues.council.example:8085/revenues"


def test_the_proxy_and_ca_bundle_in_the_environment_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "NO_PROXY", "no_proxy", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.council.example:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/council-ca.pem")
    session = environment_read_once(requests.Session(), SERVICE)
    assert session.proxies["http"] == "http://proxy.council.example:3128"
    assert session.verify == "/etc/ssl/council-ca.pem"
    assert session.trust_env is False  # so requests does not read them again on every call


def test_a_service_the_environment_exempts_from_the_proxy_is_reached_directly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.council.example:3128")
    monkeypatch.setenv("NO_PROXY", "council.example")
    for name in ("http_proxy", "no_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    session = environment_read_once(requests.Session(), SERVICE)
    assert session.proxies == {}
    assert session.verify is True
