"""The bill preview the web app shows before a notification is sent: the API's ``POST
/api/v1/notifications/preview`` and the resident's check-answers page both ask it here.

The estimate itself is worked out by the worker's own rules (``processors/preview``), which the web side may not
import: ``ctax`` wires a :class:`Previewer` into the app (``WebConfig.bill_preview``). It reads the register
through the read-only reader and writes nothing: no Kafka record, no row in any database.
"""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request

from adapters.revenues_port import RevenuesError
from schemas.bill_preview import BillPreview
from schemas.notification import Channel, NotificationRequest
from web.in_thread import in_thread

log = logging.getLogger(__name__)


class Previewer(Protocol):
    def __call__(self, request: NotificationRequest, channel: Channel) -> BillPreview:
        """What the request would do to the notifier's own bill if sent now (blocking)."""


class PreviewUnavailableError(Exception):
    """No preview can be worked out just now: none is wired in, or the register could not be read."""


async def bill_preview(request: Request, body: NotificationRequest, channel: Channel) -> BillPreview:
    """The preview of ``body``, worked out off the event loop; raises PreviewUnavailableError."""
    previewer: Previewer | None = getattr(request.app.state, "bill_preview", None)
    if previewer is None:
        raise PreviewUnavailableError("no bill preview is configured")
    try:
        return await in_thread(previewer, body, channel)
    except (RevenuesError, SQLAlchemyError) as error:
        log.warning("bill preview unavailable", extra={"error": type(error).__name__})
        raise PreviewUnavailableError(str(error)) from error
