"""A broker whose client listener needs TLS and a SCRAM-SHA-512 login, with ACLs enforced.

:func:`make_tls_files` makes a throw-away CA and a broker certificate for 127.0.0.1/localhost;
:func:`secure_local_kafka` describes a :class:`~ctax.local_kafka.broker.LocalKafka` whose only client
listener is ``SASL_SSL`` (SCRAM-SHA-512), whose SCRAM users are created by Kafka's own storage tool
when it formats the storage (``--add-scram``, so they exist from the first start), and which runs the
KRaft ``StandardAuthorizer`` with ``admin`` as super user. Topic and group ACLs are then added with
:mod:`ctax.local_kafka.acls`.

The KRaft controller listener stays PLAINTEXT on 127.0.0.1 (Kafka cannot use SCRAM there: the
credentials live in the metadata the controller serves), so ``User:ANONYMOUS`` must be a super user
for the broker's own requests to its controller. Clients are never told that port.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import ipaddress
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ctax.local_kafka.broker import LocalKafka
from ctax.local_kafka.ports import HOST, free_ports

SCRAM_MECHANISM: Final = "SCRAM-SHA-512"
STANDARD_AUTHORIZER: Final = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"


@dataclass(frozen=True)
class ScramUser:
    """A SCRAM-SHA-512 login the broker knows from its first start."""

    name: str
    password: str

    @property
    def principal(self) -> str:
        """The Kafka principal ACLs name, ``User:<name>``."""
        return f"User:{self.name}"


@dataclass(frozen=True)
class TlsFiles:
    """The PEM files of a test CA and of a broker certificate it signed."""

    ca_cert: Path
    broker_keystore: Path  # the broker's private key (PKCS#8, unencrypted) then its certificate chain


def make_tls_files(directory: Path, *, ca_name: str = "ctax local test CA") -> TlsFiles:
    """Make a CA and a broker certificate for 127.0.0.1 and localhost (valid for a day) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ca_name)])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_subject)
        .issuer_name(ca_subject)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    broker_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    broker_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_subject)
        .public_key(broker_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                       critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
    files = TlsFiles(ca_cert=directory / "ca.pem", broker_keystore=directory / "broker.pem")
    files.ca_cert.write_bytes(ca_pem)
    files.broker_keystore.write_bytes(
        broker_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
        + broker_cert.public_bytes(serialization.Encoding.PEM)
        + ca_pem
    )
    files.broker_keystore.chmod(0o600)
    return files


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=not cert_sign,
                         data_encipherment=False, key_agreement=False, key_cert_sign=cert_sign, crl_sign=cert_sign,
                         encipher_only=False, decipher_only=False)


def sasl_ssl_properties(*, port: int, controller_port: int, tls: TlsFiles, admin: ScramUser) -> dict[str, str]:
    """Return the ``server.properties`` settings of a SASL_SSL-only broker with the StandardAuthorizer on."""
    jaas = (f'org.apache.kafka.common.security.scram.ScramLoginModule required '
            f'username="{admin.name}" password="{admin.password}";')
    return {
        "listeners": f"SASL_SSL://{HOST}:{port},CONTROLLER://{HOST}:{controller_port}",
        "advertised.listeners": f"SASL_SSL://{HOST}:{port}",
        "listener.security.protocol.map": "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name": "SASL_SSL",
        "sasl.enabled.mechanisms": SCRAM_MECHANISM,
        "sasl.mechanism.inter.broker.protocol": SCRAM_MECHANISM,
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": jaas,
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(tls.broker_keystore),
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": str(tls.ca_cert),
        "authorizer.class.name": STANDARD_AUTHORIZER,
        # ANONYMOUS: the broker's own requests on the plaintext controller listener (see the module docstring).
        "super.users": f"{admin.principal};User:ANONYMOUS",
        "allow.everyone.if.no.acl.found": "false",
    }


def scram_format_options(users: Sequence[ScramUser]) -> list[str]:
    """Return the ``StorageTool format`` options that create ``users`` in the bootstrap metadata."""
    options: list[str] = []
    for user in users:
        options += ["--add-scram", f"{SCRAM_MECHANISM}=[name={user.name},password={user.password}]"]
    return options


def client_options(bootstrap: str, user: ScramUser, cafile: Path) -> dict[str, Any]:
    """Keyword arguments for an aiokafka client that logs in as ``user`` and trusts only ``cafile``."""
    return {
        "bootstrap_servers": bootstrap,
        "security_protocol": "SASL_SSL",
        "ssl_context": ssl.create_default_context(cafile=str(cafile)),
        "sasl_mechanism": SCRAM_MECHANISM,
        "sasl_plain_username": user.name,
        "sasl_plain_password": user.password,
    }


def secure_local_kafka(
    data_dir: Path, *, tls: TlsFiles, admin: ScramUser, users: Sequence[ScramUser] = (), startup_timeout: float = 90.0
) -> LocalKafka:
    """Describe (not start) a broker whose one client listener is SASL_SSL; ``admin`` and ``users`` can log in."""
    port, controller_port = free_ports(2)
    bootstrap = f"{HOST}:{port}"
    return LocalKafka(
        data_dir,
        port=port,
        controller_port=controller_port,
        startup_timeout=startup_timeout,
        extra_properties=sasl_ssl_properties(port=port, controller_port=controller_port, tls=tls, admin=admin),
        format_options=scram_format_options([admin, *users]),
        ready_check=lambda: _logs_in_and_is_listed(client_options(bootstrap, admin, tls.ca_cert)),
    )


def _logs_in_and_is_listed(options: dict[str, Any]) -> bool:
    """Tell whether an admin client can log in and sees the broker in the cluster metadata."""
    from aiokafka.admin import AIOKafkaAdminClient

    async def probe() -> bool:
        admin = AIOKafkaAdminClient(**options, request_timeout_ms=5000)
        try:
            await admin.start()
            return bool(admin._client.cluster.brokers())
        finally:
            await admin.close()
            # Let the TLS connections finish closing before asyncio.run closes this loop (else their
            # sockets are reported as unclosed transports when collected later).
            await asyncio.sleep(0.2)

    # A thread of its own, so the probe works whether or not the caller runs an event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        try:
            return pool.submit(asyncio.run, probe()).result(timeout=15)
        except Exception:  # noqa: BLE001 - any failure just means "not ready yet"
            return False
