"""What may reach the GraphQL engine, checked before it does: one gate per transport.

HTTP: operations over POST only, as one JSON object of at most `MAX_REQUEST_BYTES` (refused
with 413 before the rest is read). Anything else answers 4xx with a JSON body carrying a code,
never a 500. WebSocket: frames over the same size, and frames that are JSON but not protocol
messages, close the socket with 4400 (1009 for size), as graphql-transport-ws says for bad
messages. A signed-in user's sockets and running operations are capped across processes
(`parley.graphql.socket_limits`): one socket too many closes with 4429, one operation too many
gets a coded `error`; a revoked session's operations end with UNAUTHENTICATED.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import structlog
from graphql import GraphQLError, GraphQLFormattedError
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)

from parley.errors import DomainError, ErrorCode, TooManyOpen, Unauthenticated
from parley.graphql.context import Context
from parley.graphql.error_codes import label
from parley.graphql.socket_limits import SocketLease, TooManySockets

log = structlog.get_logger(__name__)

_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,127}$")
WS_MESSAGE_TOO_BIG = 1009
# graphql-transport-ws's "too many" close code; graphql-ws clients do not retry it.
WS_TOO_MANY_SOCKETS = 4429
SESSION_ENDED = "Signed out: this session has ended; sign in again."
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


def _coded(reason: DomainError) -> list[GraphQLFormattedError]:
    """An `error` message's payload for a domain error, coded as resolvers' errors are."""
    error = GraphQLError(reason.message, original_error=reason)
    label(error)
    return [error.formatted]


class StrictTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with every frame's shape checked before it is acted on, operations
    counted against their socket's and their user's caps (coded refusals), and a watcher per
    signed-in socket: every `WS_CHECK_SECONDS` it renews the socket's counted slots and checks
    its session, ending whatever runs with UNAUTHENTICATED once the session is revoked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watcher: asyncio.Task[None] | None = None
        self._slots: dict[Operation[Context, None], str] = {}

    async def handle_message(self, message: Any) -> None:
        problem = _message_problem(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        await super().handle_message(message)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except TooManySockets as refused:
            await self.websocket.close(code=WS_TOO_MANY_SOCKETS, reason=str(refused))
            return
        lease = self.context.socket
        if lease is not None and self._watcher is None:
            self._watcher = asyncio.create_task(self._watch(lease))

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        op_id = message["id"]
        if not self.connection_acknowledged or op_id in self.operations:
            await super().handle_subscribe(message)  # Strawberry closes the socket (4401/4409)
            return
        # Strawberry's own per-socket cap, with the code its error lacks.
        cap = self.max_subscriptions_per_connection
        if cap is not None and len(self.operations) >= cap:
            await self._refuse(op_id, TooManyOpen(cap, "socket"))
            return
        lease = self.context.socket
        slot = None
        if lease is not None:
            try:
                slot = await lease.admit_operation()
            except TooManyOpen as refused:
                await self._refuse(op_id, refused)
                return
        await super().handle_subscribe(message)
        if lease is not None and slot is not None:
            operation = self.operations.get(op_id)
            if operation is None:
                await lease.release_operation(slot)
            else:
                self._slots[operation] = slot

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        try:
            await super().run_operation(operation)
        finally:
            slot = self._slots.pop(operation, None)
            lease = self.context.socket
            if lease is not None and slot is not None:
                await lease.release_operation(slot)

    async def shutdown(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.wait([self._watcher])
        await super().shutdown()
        if self.context.socket is not None:
            await self.context.socket.close()

    async def _refuse(self, op_id: str, refused: DomainError) -> None:
        await self.send_message({"id": op_id, "type": "error", "payload": _coded(refused)})

    async def _watch(self, lease: SocketLease) -> None:
        signed_in = True
        while True:
            await asyncio.sleep(lease.check_seconds)
            try:
                await lease.renew()
                # Once revoked, always revoked: later operations fail their own sign-in check.
                if signed_in and not await self.context.auth.still_signed_in(lease.claims):
                    signed_in = False
                    await self._end_operations(Unauthenticated(SESSION_ENDED))
            except Exception:
                log.exception("socket watcher round failed")

    async def _end_operations(self, reason: DomainError) -> None:
        payload = _coded(reason)
        for op_id, operation in list(self.operations.items()):
            if self.operations.get(op_id) is not operation:
                continue  # ended meanwhile
            if operation.task is not None:
                operation.task.cancel()
            # Marks it completed (nothing more is sent for it) and frees its id at once.
            await operation.send_operation_message(
                {"id": op_id, "type": "error", "payload": payload}
            )
