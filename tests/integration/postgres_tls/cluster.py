"""A throw-away PostgreSQL cluster that only accepts TLS, started with Debian's own binaries on a free port.

``initdb`` and the server refuse to run as root, so as root (CI) the cluster's folder is handed to the
``postgres`` account and the binaries run as it (``runuser``); as anyone else they run as that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.postgres_tls.certificates import issue_server_certificate, make_authority

USER = "ctax"
PASSWORD = "ctax-tls-test"
SERVER_NAME = "localhost"  # the only name on the server certificate: 127.0.0.1 is deliberately not on it


@dataclass(frozen=True)
class TlsCluster:
    port: int
    ca_file: Path  # the CA that signed the server's certificate

    def url(self, host: str = SERVER_NAME, *, ca_file: Path | None = None, sslmode: str = "verify-full") -> str:
        return (f"postgresql://{USER}:{PASSWORD}@{host}:{self.port}/postgres"
                f"?sslmode={sslmode}&sslrootcert={ca_file or self.ca_file}")


def _bin(name: str) -> str:
    found = sorted((str(p) for p in Path("/usr/lib/postgresql").glob(f"*/bin/{name}")),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not found:
        pytest.fail("PostgreSQL's server binaries are missing: scripts/ensure-postgres installs them")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_owner(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@contextmanager
def tls_only_cluster() -> Iterator[TlsCluster]:
    """Start a cluster with ``ssl=on``, a test CA's server certificate and only ``hostssl`` logins."""
    root = Path(tempfile.mkdtemp(prefix="ctax-pg-tls-"))
    try:
        data, certs = root / "data", root / "certs"
        certs.mkdir()
        authority = make_authority("ctax test CA")
        ca_file = authority.write_certificate(certs / "ca.pem")
        issue_server_certificate(authority, [SERVER_NAME], [], certs / "server.crt", certs / "server.key")
        (root / "pwfile").write_text(PASSWORD + "\n")
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            root.chmod(0o755)
            for path in (root, certs, certs / "server.crt", certs / "server.key", root / "pwfile"):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        subprocess.run(_as_owner([_bin("initdb"), "-D", str(data), "-U", USER, f"--pwfile={root / 'pwfile'}",
                                  "-A", "scram-sha-256", "--no-sync"]), check=True, capture_output=True)
        (data / "pg_hba.conf").write_text(
            "local all all scram-sha-256\n"
            "hostnossl all all 0.0.0.0/0 reject\n"
            "hostssl all all 127.0.0.1/32 scram-sha-256\n"
            "hostssl all all ::1/128 scram-sha-256\n")
        port = _free_port()
        options = (f"-p {port} -k {root} -c listen_addresses=localhost -c ssl=on "
                   f"-c ssl_cert_file={certs / 'server.crt'} -c ssl_key_file={certs / 'server.key'}")
        subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
                                  "-w", "-t", "60", "start"]), check=True, capture_output=True)
        try:
            yield TlsCluster(port, ca_file)
        finally:
            subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                           check=False, capture_output=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
