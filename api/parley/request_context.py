"""Request ids and access lines: every request and socket gets an id bound to its log lines."""

from __future__ import annotations

import re
import time
import uuid
from contextvars import ContextVar

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
# Filled in while the request runs (by tasks that cannot rebind the middleware's context),
# read once for the access line.
_access_fields: ContextVar[dict[str, object] | None] = ContextVar("access_fields", default=None)
log = structlog.get_logger("parley.access")


def current_request_id() -> str:
    return request_id_var.get()


def annotate_access_line(**fields: object) -> None:
    """Add fields (user id, operation name...) to this request's access line."""
    access = _access_fields.get()
    if access is not None:
        access.update(fields)


class RequestContextMiddleware:
    """Binds a request id (the caller's `X-Request-ID` when sane, else a new one) and logs access.

    The GraphQL layer adds the operation name and user id to the same log context.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        fields: dict[str, object] = {}
        fields_token = _access_fields.set(fields)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http" and scope["path"] != "/health_check":
                log.info(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                    **fields,
                )
            elif scope["type"] == "websocket":
                log.info(
                    "socket closed",
                    path=scope["path"],
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                    **fields,
                )
            _access_fields.reset(fields_token)
            request_id_var.reset(token)
