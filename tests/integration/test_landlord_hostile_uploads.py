"""A hostile landlord against the real web app (``ctax web`` as a process): every file of the hostile corpus
uploaded through the real form, with a session and a CSRF token, is answered within seconds with a clear
refusal; other people's requests are still answered meanwhile; the web process's peak memory (VmHWM, from
/proc) stays under 300 MB throughout.

The measurements are logged: ``pytest -o log_cli=true --log-cli-level=INFO`` shows them.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from adapters.sql.revenues import SqlRevenuesSystem
from tests.integration.running_stack import RunningStack
from tests.unit.web.landlords.files import START, csv_file
from tests.unit.web.landlords.hostile_files import CORPUS, largest_real_workbook, styles_bomb
from web.staff_accounts.accounts import Role
from web.stores.database import create_store_engine
from web.stores.users import UserStore

LANDLORD, PASSWORD = "hostile-lettings", "correct horse battery staple"
PEAK_LIMIT_MB = 300
ANSWER_SECONDS = 10.0  # a refusal takes about a second; the machines running tests are shared and busy
OTHERS_ANSWERED_SECONDS = 5.0
log = logging.getLogger(__name__)


@pytest.fixture(scope="module")
def web(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """Only the web app (no worker: nothing here is meant to reach the revenues system)."""
    workdir = tmp_path_factory.mktemp("hostile-landlord")
    stack = RunningStack(kafka_bootstrap, f"sqlite:///{workdir}/revenues.db", Path(workdir))
    revenues = SqlRevenuesSystem.from_url(stack.database_url)
    revenues.create_schema()
    revenues.dispose()
    engine = create_store_engine(f"sqlite:///{workdir}/web.db")
    try:
        stack.start_web(CTAX_WEB_SECURE_COOKIES="false")
        UserStore(engine).add(LANDLORD, "Hostile Lettings", Role.LANDLORD, PASSWORD)
        yield stack
    finally:
        engine.dispose()
        stack.stop()


def peak_mb(stack: RunningStack) -> float:
    """The web process's peak resident memory so far (VmHWM), in MB."""
    assert stack.web is not None
    status = Path(f"/proc/{stack.web.pid}/status").read_text(encoding="ascii")
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, flags=re.M)
    assert found is not None
    return int(found.group(1)) / 1024


def _token(client: httpx.Client, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


@pytest.fixture
def landlord(web: RunningStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=web.base_url, timeout=60) as client:
        signed_in = client.post("/sign-in", data={"username": LANDLORD, "password": PASSWORD,
                                                  "csrf_token": _token(client, "/sign-in")})
        assert signed_in.status_code == 303, signed_in.text[:500]
        yield client


def upload(client: httpx.Client, name: str, content: bytes) -> tuple[httpx.Response, float]:
    token = _token(client, "/landlords")
    started = time.monotonic()
    answered = client.post("/landlords/upload", data={"csrf_token": token}, files={"file": (name, content)},
                           headers={"accept": "text/html"})
    return answered, time.monotonic() - started


class OthersWatch:
    """Another person using the service while the landlord uploads: the slowest answer they got."""

    def __init__(self, base_url: str) -> None:
        self._base_url = base_url
        self._stop = threading.Event()
        self.slowest = 0.0
        self.answers = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> OthersWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with httpx.Client(base_url=self._base_url, timeout=30) as client:
            while not self._stop.is_set():
                started = time.monotonic()
                assert client.get("/sign-in").status_code == 200
                self.slowest = max(self.slowest, time.monotonic() - started)
                self.answers += 1
                time.sleep(0.1)


def test_every_hostile_file_is_refused_quickly_and_the_web_process_stays_small(
        web: RunningStack, landlord: httpx.Client) -> None:
    at_start = peak_mb(web)
    outcomes = []
    with OthersWatch(web.base_url) as others:
        for hostile in CORPUS:
            answered, seconds = upload(landlord, hostile.name, hostile.build())
            outcomes.append((hostile.name, answered.status_code, round(seconds, 2)))
            assert answered.status_code == 400, (hostile.name, answered.text[:300])
            assert hostile.refusal in answered.text, hostile.name
            assert seconds < ANSWER_SECONDS, hostile.name
    peak = peak_mb(web)
    log.info("web process VmHWM: %.0f MB at start, %.0f MB after the corpus; others' slowest answer %.2fs over "
             "%d requests; uploads: %s", at_start, peak, others.slowest, others.answers, outcomes)
    assert peak < PEAK_LIMIT_MB
    assert others.answers > 0
    assert others.slowest < OTHERS_ANSWERED_SECONDS


def test_three_styles_bombs_at_once_and_the_largest_real_file(web: RunningStack, landlord: httpx.Client) -> None:
    bomb = styles_bomb()
    with OthersWatch(web.base_url) as others, ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: upload(landlord, "styles.xlsx", bomb), range(3)))
    assert [answered.status_code for answered, _ in answers] == [400, 400, 400]
    assert all(seconds < ANSWER_SECONDS for _, seconds in answers)
    assert others.slowest < OTHERS_ANSWERED_SECONDS
    accepted, seconds = upload(landlord, "largest.xlsx", largest_real_workbook())
    assert accepted.status_code == 303, accepted.text[:500]
    peak = peak_mb(web)
    log.info("three styles bombs at once: %s s; largest real file (500 rows, 489 KB) stored in %.2fs; web process "
             "VmHWM %.0f MB", [round(s, 2) for _, s in answers], seconds, peak)
    assert peak < PEAK_LIMIT_MB


def test_a_5000_character_file_name_through_the_form_is_a_400(web: RunningStack, landlord: httpx.Client) -> None:
    answered, _ = upload(landlord, "x" * 5_000 + ".csv", csv_file(START))
    assert answered.status_code == 400
    assert "could not read what was sent" in answered.text


def test_anonymous_malformed_posts_are_400s(web: RunningStack) -> None:
    long_name = "x" * 5_000
    body = (f'--b\r\nContent-Disposition: form-data; name="file"; filename="{long_name}"\r\n\r\nx\r\n--b--\r\n')
    for path in ("/sign-in", "/landlords/upload", "/moving/kind"):
        answered = httpx.post(f"{web.base_url}{path}", content=body.encode(),
                              headers={"content-type": "multipart/form-data; boundary=b"}, timeout=30)
        assert answered.status_code == 400, (path, answered.status_code)
