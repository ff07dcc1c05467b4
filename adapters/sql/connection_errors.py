"""Turn a failed PostgreSQL connection over TLS into one message an administrator can act on.

libpq's own words ("SSL error: certificate verify failed", "server certificate for "x" does not match host
name "y"") arrive wrapped in driver and SQLAlchemy text; :func:`explain_tls_failure` recognises them and
:func:`install_tls_explanations` makes an engine raise :class:`DatabaseTlsError` instead, without retrying.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url


class DatabaseTlsError(Exception):
    """The database server's certificate is not trusted, or is not for the host name in the URL."""


_HOST_MISMATCH = re.compile(r'server certificate for "([^"]+)"(?: \(and \d+ other names?\))? does not match '
                            r'host name "([^"]+)"')


def explain_tls_failure(message: str, url: str) -> str | None:
    """The one-line explanation of a TLS failure in libpq's ``message``, or None if it is something else."""
    target = make_url(url)
    where = f"PostgreSQL at {target.host}:{target.port or 5432}"
    root = target.query.get("sslrootcert", "the default root certificate (~/.postgresql/root.crt)")
    mismatch = _HOST_MISMATCH.search(message)
    if mismatch:
        return (f"{where} refused over TLS: its certificate is for {mismatch.group(1)!r}, not {mismatch.group(2)!r}; "
                "use the host name on the certificate in the database URL (sslmode=verify-full checks it)")
    if "certificate verify failed" in message:
        return (f"{where} refused over TLS: its certificate is not signed by a CA in sslrootcert={root}; "
                "point sslrootcert at the CA that issued the server's certificate")
    if re.search(r"root certificate file .* does not exist", message):
        return f"{where}: the CA file sslrootcert={root} does not exist"
    return None


def install_tls_explanations(engine: Engine, url: str) -> None:
    """Make ``engine`` raise :class:`DatabaseTlsError` with a clear message when TLS verification fails."""

    @event.listens_for(engine, "handle_error")
    def _explain(context: Any) -> None:
        explanation = explain_tls_failure(str(context.original_exception), url)
        if explanation is not None:
            raise DatabaseTlsError(explanation) from None
