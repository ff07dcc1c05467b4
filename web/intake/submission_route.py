"""The route of POST /api/v1/notifications: a well-formed submission is read once, straight from its bytes.

FastAPI reads a JSON body by parsing it into Python objects, then validating those against the model, after
working out the content type with the e-mail parser and resolving every declared parameter in general. For the
intake's one body and one header that general work cost more than validating the notification itself. This
route class validates the body with pydantic's own JSON parser (``model_validate_json``) and reads the
``Idempotency-Key`` header directly, then calls the endpoint with the same arguments FastAPI would pass.

Anything it does not take (another content type, an empty body, an invalid body or header) goes to FastAPI's own
handler instead, which answers exactly as before (the same 422 details), so only the cost of the common case
changes. The OpenAPI document is built from the declared parameters as for any route.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError


class SubmissionRoute(APIRoute):
    """An APIRoute for an endpoint ``(request, body, idempotency_key)``: one pydantic model as its body and an
    optional string header with a maximum length; nothing else."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        by_fastapi = super().get_route_handler()
        endpoint = self.endpoint
        model, header, max_length = _submission_shape(self)

        async def handler(request: Request) -> Response:
            if request.headers.get("content-type") != "application/json":
                return await by_fastapi(request)
            key = request.headers.get(header)
            body = await request.body()  # kept on the request: FastAPI's handler reads the same bytes if called
            if not body or (key is not None and len(key) > max_length):
                return await by_fastapi(request)
            try:
                submitted = model.model_validate_json(body)
            except ValidationError:
                return await by_fastapi(request)  # its 422 names each field as the API always has
            response: Response = await endpoint(request=request, body=submitted, idempotency_key=key)
            return response

        return handler


def _submission_shape(route: APIRoute) -> tuple[type[BaseModel], str, int]:
    """The body's model, the header's name and its maximum length; TypeError if the endpoint takes anything else."""
    dependant = route.dependant
    body, header = dependant.body_params, dependant.header_params
    model = body[0].field_info.annotation if len(body) == 1 else None
    max_length = next((int(rule.max_length) for rule in header[0].field_info.metadata
                       if isinstance(getattr(rule, "max_length", None), int)), None) if len(header) == 1 else None
    if (not (isinstance(model, type) and issubclass(model, BaseModel)) or body[0].name != "body"
            or header[0].name != "idempotency_key" or max_length is None or dependant.request_param_name != "request"
            or dependant.path_params or dependant.query_params or dependant.cookie_params or dependant.dependencies):
        raise TypeError(f"{route.path} does not take (request, body, idempotency_key) as SubmissionRoute expects")
    return model, header[0].alias.lower(), max_length
