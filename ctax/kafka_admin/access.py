"""Saying why Kafka cannot be used: nothing answers, its certificate is not trusted, or it refused our login.

aiokafka reports all three as ``KafkaConnectionError("Unable to bootstrap from ...")`` and keeps the cause
in its log, so :func:`diagnose` makes one connection the way the clients do and names the cause. A login
or certificate problem will not mend itself: callers stop at once rather than retry.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from typing import Any

from aiokafka.conn import create_conn
from aiokafka.errors import KafkaError, SaslAuthenticationFailed

_CONNECTION_OPTIONS = ("security_protocol", "ssl_context", "sasl_mechanism", "sasl_plain_username",
                       "sasl_plain_password")


class KafkaAccessError(RuntimeError):
    """Kafka cannot be used; the message says why and which setting to look at.

    ``retryable`` is true when waiting may help (nothing answers yet), false for a refused login or an
    untrusted certificate.
    """

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


async def diagnose(options: Mapping[str, Any], wait_seconds: float = 10.0) -> KafkaAccessError | None:
    """Connect to the first bootstrap server with the clients' ``options``; return what failed, or None."""
    bootstrap = str(options["bootstrap_servers"])
    host, _, port = bootstrap.split(",")[0].strip().rpartition(":")
    settings = {name: options[name] for name in _CONNECTION_OPTIONS if name in options}
    try:
        async with asyncio.timeout(wait_seconds):
            connection = await create_conn(host, int(port), request_timeout_ms=int(wait_seconds * 1000),
                                           **settings)
        connection.close()
    except ssl.SSLCertVerificationError as error:
        return KafkaAccessError(
            f"the TLS certificate of Kafka at {bootstrap} is not trusted ({error.verify_message}); "
            "set CTAX_KAFKA_SSL_CAFILE to the CA that signed it", retryable=False)
    except ssl.SSLError as error:
        return KafkaAccessError(
            f"TLS with Kafka at {bootstrap} failed ({error.reason or error}); "
            "check CTAX_KAFKA_SECURITY_PROTOCOL and the broker's listener", retryable=False)
    except SaslAuthenticationFailed as error:
        mechanism = settings.get("sasl_mechanism")
        user = settings.get("sasl_plain_username")
        reason = error.args[0] if error.args else error
        return KafkaAccessError(
            f"Kafka at {bootstrap} refused the {mechanism} login of user {user!r} ({reason}); "
            "check CTAX_KAFKA_SASL_USERNAME and CTAX_KAFKA_SASL_PASSWORD", retryable=False)
    except (OSError, TimeoutError, KafkaError) as error:
        return KafkaAccessError(f"nothing usable answers at {bootstrap} ({error or type(error).__name__})",
                                retryable=True)
    return None
