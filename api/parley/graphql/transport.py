"""What may reach the GraphQL engine, checked before it does: one gate per transport.

HTTP: operations over POST only, as one JSON object of at most `MAX_REQUEST_BYTES` (refused
with 413 before the rest is read). Anything else answers 4xx with a JSON body carrying a code,
never a 500. WebSocket: frames over the same size, and frames that are JSON but not protocol
messages, close the socket with 4400 (1009 for size), as graphql-transport-ws says for bad
messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

from parley.errors import ErrorCode

_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,127}$")
WS_MESSAGE_TOO_BIG = 1009
DEFAULT_MAX_BYTES = 1 << 20


class Refused(Exception):
    """A request that is not a GraphQL request; answered with `status` and a coded body."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def refusal_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"errors": [{"message": message, "extensions": {"code": ErrorCode.BAD_USER_INPUT}}]}
    return JSONResponse(body, status_code=status, headers=headers)


def refuse_get() -> Refused:
    return Refused(
        405,
        "Send GraphQL operations with POST and a JSON body; GET only opens the IDE.",
        {"allow": "POST"},
    )


async def read_body(scope: Scope, receive: Receive, max_bytes: int) -> bytes:
    """The request body, refusing a declared or actual size over `max_bytes` without reading on."""
    headers = Headers(scope=scope)
    media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise Refused(415, "Send GraphQL operations as `application/json`.")
    too_large = Refused(413, f"The request body is larger than {max_bytes} bytes.")
    declared = headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
        raise too_large
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Refused(400, "The client went away before sending the whole body.")
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def check_operation(body: bytes) -> None:
    """A GraphQL-over-HTTP request: a JSON object with a query and well-typed companions."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise Refused(400, "The request body is not valid UTF-8.") from None
    except (ValueError, RecursionError):
        raise Refused(400, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise Refused(400, "The request body must be a JSON object with a `query`.")
    query = data.get("query")
    if not isinstance(query, str) or not query.strip():
        raise Refused(400, "`query` must be a non-empty string.")
    if not isinstance(data.get("variables"), dict | None):
        raise Refused(400, "`variables` must be an object or null.")
    if not isinstance(data.get("extensions"), dict | None):
        raise Refused(400, "`extensions` must be an object or null.")
    name = data.get("operationName")
    if name is not None and (not isinstance(name, str) or not _NAME.match(name)):
        raise Refused(400, "`operationName` must be a GraphQL name or null.")


def replaying(body: bytes, receive: Receive) -> Callable[[], Awaitable[Message]]:
    """A `receive` that hands over the body already read, then waits as the real one does."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


# -- WebSocket -------------------------------------------------------------------------------


def _message_problem(message: Any) -> str | None:
    """Why a decoded frame is not a graphql-transport-ws message, or None when it is one."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return "A message must be a JSON object with a string `type`."
    kind = message["type"]
    if kind in ("connection_init", "ping", "pong"):
        return None if isinstance(message.get("payload"), dict | None) else "Bad payload."
    if not isinstance(message.get("id"), str):
        return "A message must carry a string `id`."
    if kind == "subscribe":
        payload = message.get("payload")
        if not isinstance(payload, dict):
            return "A subscribe message needs a payload object."
        try:
            check_operation(json.dumps(payload).encode())
        except Refused as refused:
            return refused.message
    return None


class GuardedWebSocketAdapter(ASGIWebSocketAdapter):
    """Frames over the size limit close the socket (1009); JSON nested beyond what the parser
    can take is "not JSON" (4400), not a crash."""

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        max_chars: int = getattr(self.view, "max_request_bytes", DEFAULT_MAX_BYTES)
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                if len(text) > max_chars:
                    await self.ws.close(WS_MESSAGE_TOO_BIG, "Message too big.")
                    return
                try:
                    message = json.loads(text)
                except (ValueError, RecursionError) as error:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from error
                    continue
                yield message
        except KeyError as error:  # a binary frame has no "text"
            raise NonTextMessageReceived from error
        except WebSocketDisconnect:
            pass


class StrictTransportWSHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """graphql-transport-ws with every frame's shape checked before it is acted on."""

    async def handle_message(self, message: Any) -> None:
        problem = _message_problem(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        await super().handle_message(message)
