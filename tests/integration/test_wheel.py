"""The built wheel, installed in a fresh virtual environment outside the checkout, runs the web app.

This is what the Docker image does (it installs the same wheel): the templates and the app's own static files
must be in the wheel, and GOV.UK Frontend is found where CTAX_WEB_FRONTEND_DIR points.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.running_stack import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
                   check=True, timeout=300, cwd=dist)
    (built,) = dist.glob("ctax-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
                   check=True, timeout=900, cwd=venv)
    return venv


@pytest.fixture(scope="module")
def web_url(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("outside-the-checkout")
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(workdir),
        "CTAX_REVENUES_DATABASE_URL": f"sqlite:///{workdir}/revenues.db",
        "CTAX_WEB_DATABASE_URL": f"sqlite:///{workdir}/web.db",
        "CTAX_KAFKA_BOOTSTRAP": f"127.0.0.1:{free_port()}",  # no broker: the pages still serve
        "CTAX_WEB_FRONTEND_DIR": str(ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
        "CTAX_WEB_SWAGGER_UI_DIR": str(ROOT / "node_modules" / "swagger-ui-dist"),
        "CTAX_WEB_METRICS_PORT": "0",
    }
    log = (workdir / "web.log").open("w")
    process = subprocess.Popen([str(installed / "bin" / "ctax"), "web", "--port", str(port)], cwd=workdir, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"ctax web from the wheel exited: {(workdir / 'web.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/", timeout=2, follow_redirects=True).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            pytest.fail(f"ctax web from the wheel did not answer: {(workdir / 'web.log').read_text()[-2000:]}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_the_wheel_ships_the_templates_and_static_files_and_no_tests(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "web/templates/layout.html" in names
    assert any(name.startswith("web/templates/resident/") for name in names)
    assert "web/static/service.css" in names
    assert "processors/cost_model.json" in names
    assert any(name.startswith("schemas/avro/history/") for name in names)
    assert not any(name.startswith("tests/") for name in names)


def test_the_installed_wheel_serves_a_resident_page_with_its_assets(web_url: str) -> None:
    page = httpx.get(f"{web_url}/", timeout=10, follow_redirects=True)
    assert page.status_code == 200
    assert "govuk-template" in page.text
    stylesheets = re.findall(r'<link[^>]+href="([^"]+\.css)"', page.text)
    scripts = re.findall(r'<script[^>]+src="([^"]+\.js)"', page.text)
    assert stylesheets
    assert scripts
    for asset in stylesheets + scripts:
        response = httpx.get(f"{web_url}{asset}", timeout=10)
        assert response.status_code == 200, asset
        assert len(response.content) > 100, asset


def test_the_installed_wheel_serves_the_api_docs_offline(web_url: str) -> None:
    docs = httpx.get(f"{web_url}/docs", timeout=10)
    assert docs.status_code == 200
    for asset in re.findall(r'(?:src|href)="(/[^"]+swagger[^"]+)"', docs.text):
        assert httpx.get(f"{web_url}{asset}", timeout=10).status_code == 200, asset
