"""How to reach the Kafka broker (address, TLS, SASL): one value the worker and the web app both connect with.

``ctax/running/components.py`` builds it once from the settings; the web app's aiokafka clients take
:meth:`KafkaConnection.options`, the worker's Faust app takes credentials made from the same fields.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class KafkaConnection:
    bootstrap: str
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = None
    ssl_cafile: str | None = None  # the CA the broker's certificate must chain to; the system's CAs if None

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol.startswith("SASL")

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context for SSL and SASL_SSL (None when the connection is not encrypted)."""
        if self.security_protocol in {"SSL", "SASL_SSL"}:
            return ssl.create_default_context(cafile=self.ssl_cafile)
        return None

    def options(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka clients."""
        options: dict[str, Any] = {"bootstrap_servers": self.bootstrap, "security_protocol": self.security_protocol}
        context = self.ssl_context()
        if context is not None:
            options["ssl_context"] = context
        if self.sasl_mechanism:
            options.update(sasl_mechanism=self.sasl_mechanism, sasl_plain_username=self.sasl_username,
                           sasl_plain_password=self.sasl_password)
        return options
