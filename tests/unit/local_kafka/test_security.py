"""The SASL_SSL broker's pieces that need no JVM: certificates, server properties, SCRAM format options."""

from __future__ import annotations

import ipaddress
import ssl
from pathlib import Path

from cryptography import x509

from ctax.local_kafka.security import (
    STANDARD_AUTHORIZER,
    ScramUser,
    make_tls_files,
    sasl_ssl_properties,
    scram_format_options,
)


def test_broker_certificate_is_signed_by_the_ca_for_the_loopback_names(tmp_path: Path) -> None:
    """The CA file loads as a trust store; the broker's certificate names 127.0.0.1 and localhost."""
    tls = make_tls_files(tmp_path)
    ssl.create_default_context(cafile=str(tls.ca_cert))  # a usable trust store

    pem = tls.broker_keystore.read_bytes()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8, as Kafka's PEM keystore wants
    broker, ca = x509.load_pem_x509_certificates(pem[pem.index(b"-----BEGIN CERTIFICATE-----"):])
    assert broker.issuer == ca.subject == x509.load_pem_x509_certificate(tls.ca_cert.read_bytes()).subject
    names = broker.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    broker.verify_directly_issued_by(ca)
    assert tls.broker_keystore.stat().st_mode & 0o077 == 0


def test_properties_offer_only_sasl_ssl_to_clients_with_the_authorizer_on(tmp_path: Path) -> None:
    """One SASL_SSL client listener, SCRAM-SHA-512, the StandardAuthorizer, deny when no ACL matches."""
    tls = make_tls_files(tmp_path)
    admin = ScramUser("admin", "s3cret")

    settings = sasl_ssl_properties(port=19093, controller_port=19094, tls=tls, admin=admin)

    assert settings["advertised.listeners"] == "SASL_SSL://127.0.0.1:19093"
    assert settings["listener.security.protocol.map"] == "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT"
    assert settings["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert 'username="admin" password="s3cret"' in settings["listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config"]
    assert settings["authorizer.class.name"] == STANDARD_AUTHORIZER
    assert settings["super.users"].split(";")[0] == "User:admin"
    assert settings["allow.everyone.if.no.acl.found"] == "false"
    assert settings["ssl.keystore.location"] == str(tls.broker_keystore)


def test_scram_users_are_added_when_the_storage_is_formatted() -> None:
    options = scram_format_options([ScramUser("admin", "a"), ScramUser("ctax-web", "b")])

    assert options == ["--add-scram", "SCRAM-SHA-512=[name=admin,password=a]",
                       "--add-scram", "SCRAM-SHA-512=[name=ctax-web,password=b]"]
