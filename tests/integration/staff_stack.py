"""The running stack as staff and ops use it: users in the web store, a signed-in HTTP client, /metrics."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.integration.running_stack import RunningStack, free_port
from web.staff_accounts.accounts import Role
from web.stores.database import create_store_engine
from web.stores.users import UserStore

PASSWORD = "correct horse battery staple"


@dataclass
class StaffStack(RunningStack):
    """A RunningStack whose web app serves /metrics on a free loopback port and has staff users."""

    metrics_port: int = field(default_factory=free_port)
    secure_cookies: bool = False  # httpx keeps Secure cookies away from http://127.0.0.1; browsers differ

    def env(self, **overrides: str) -> dict[str, str]:
        return super().env(**{"CTAX_WEB_METRICS_PORT": str(self.metrics_port),
                              "CTAX_WEB_SECURE_COOKIES": str(self.secure_cookies).lower(), **overrides})

    def add_user(self, username: str, name: str, role: Role) -> None:
        engine = create_store_engine(f"sqlite:///{self.workdir}/web.db")
        try:
            UserStore(engine).add(username, name, role, PASSWORD)
        finally:
            engine.dispose()

    def scrape(self) -> str:
        return httpx.get(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10).text


class StaffClient:
    """An HTTP client signed in as one user (cookies for the session and the CSRF token)."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.csrf = ""

    def sign_in(self, username: str) -> StaffClient:
        self.csrf = self.token("/sign-in")
        answer = self.http.post("/sign-in", data={"username": username, "password": PASSWORD,
                                                  "csrf_token": self.csrf})
        assert answer.status_code == 303, answer.text
        return self

    def token(self, path: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.http.get(path).text)
        assert found
        return found.group(1)

    def post_form(self, path: str, data: dict[str, str]) -> httpx.Response:
        return self.http.post(path, data={**data, "csrf_token": self.csrf})

    def json(self, path: str) -> Any:
        answer = self.http.get(path)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def wait_for(self, path: str, wanted: str, timeout: float = 60.0) -> str:
        """GET a page until its HTML contains ``wanted``."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.http.get(path).text
            if wanted in text:
                return text
            time.sleep(0.3)
        raise AssertionError(f"{wanted!r} never appeared on {path}:\n{text[-2000:]}")

    def close(self) -> None:
        self.http.close()
