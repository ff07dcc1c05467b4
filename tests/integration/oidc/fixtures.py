"""A real OpenID Provider for the sign-in tests, and a browser that signs in at it.

:func:`running_provider` starts ``provider.mjs`` (the ``oidc-provider`` npm package, installed by
scripts/setup from package.json) with Node on a free loopback port and stops it afterwards.
:func:`sign_in_at_provider` plays the person at the provider's own sign-in and consent pages and returns
the callback URL the provider redirects the browser to.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

PROVIDER_SCRIPT = Path(__file__).with_name("provider.mjs")
REPO = Path(__file__).resolve().parents[3]
REDIRECT_URI = "http://127.0.0.1/sign-in/oidc/callback"
CLIENT_ID = "ctax-tests"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_provider() -> Iterator[str]:
    """Start the provider and yield its issuer URL."""
    node = shutil.which("node")
    if node is None or not (REPO / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("Node and the oidc-provider npm package are needed (scripts/setup installs them)")
    port = _free_port()
    process = subprocess.Popen([node, str(PROVIDER_SCRIPT), str(port), REDIRECT_URI], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("ready "):
            pytest.fail(f"the OpenID provider did not start (said {line!r})")
        yield line.removeprefix("ready ")
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


async def sign_in_at_provider(authorization_url: str, login: str) -> str:
    """Sign in as ``login`` at the provider's pages, consent, and return the redirect back to the service."""
    async with httpx.AsyncClient(timeout=10) as browser:
        url = authorization_url
        for _ in range(12):
            if url.startswith(REDIRECT_URI):
                return url
            answer = await browser.get(url)
            if answer.is_redirect:
                url = urljoin(url, answer.headers["location"])
                continue
            form = re.search(r'<form[^>]*action="([^"]+)"[^>]*method="post"', answer.text)
            assert form, answer.text[:500]
            prompt = re.search(r'name="prompt" value="(\w+)"', answer.text)
            assert prompt, answer.text[:500]
            fields = {"prompt": prompt.group(1)}
            if prompt.group(1) == "login":
                fields |= {"login": login, "password": "any password works here"}
            posted = await browser.post(urljoin(url, form.group(1)), data=fields)
            assert posted.is_redirect, posted.text[:500]
            url = urljoin(url, posted.headers["location"])
    raise AssertionError("the provider never sent the browser back to the service")
