"""The context every resolver sees: the app's services, the caller's identity, and the
operation's dataloaders."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from limits import RateLimitItem
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension

from parley.auth.service import AuthService
from parley.auth.tokens import Claims
from parley.chat.durable_replies import DurableReplies
from parley.chat.loaders import ChatLoaders
from parley.chat.service import ChatService
from parley.client_ip import client_ip
from parley.graphql.socket_limits import SocketLease
from parley.insights.service import InsightsService
from parley.request_context import annotate_access_line
from parley.state import AppState


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | None
    state: AppState
    auth: AuthService
    chat: ChatService
    replies: DurableReplies
    insights: InsightsService
    # Set by Strawberry from the socket's connection_init payload.
    connection_params: dict[str, Any] | None = None
    # A signed-in socket's counted slot, set when it is admitted (`ParleyGraphQL.on_ws_connect`).
    socket: SocketLease | None = field(default=None, repr=False)
    # Set for each operation by `OperationScope`.
    loaders: ChatLoaders | None = field(default=None, repr=False)
    _claims: Claims | None = field(default=None, repr=False)

    def for_operation(self) -> Context:
        """A copy for one operation: its own dataloaders, and the token checked again (a
        socket lives longer than its token and may be logged out meanwhile)."""
        return dataclasses.replace(self, loaders=ChatLoaders(self.chat), _claims=None)

    @property
    def chat_loaders(self) -> ChatLoaders:
        if self.loaders is None:
            raise RuntimeError("resolvers run inside an operation (OperationScope missing)")
        return self.loaders

    @property
    def is_socket(self) -> bool:
        return isinstance(self.request, WebSocket)

    @property
    def signed_in_user_id(self) -> str | None:
        """The user this context last authenticated, if any (for logs)."""
        return str(self._claims.user_id) if self._claims else None

    def bearer(self) -> str | None:
        if self.is_socket:
            value = (self.connection_params or {}).get("authorization")
            return value if isinstance(value, str) else None
        return self.request.headers.get("authorization")

    async def claims(self) -> Claims:
        """The caller's access-token claims, else `Unauthenticated`; checked once per
        operation."""
        if self._claims is None:
            self._claims = await self.auth.authenticate(self.bearer())
            annotate_access_line(user_id=str(self._claims.user_id))
        return self._claims

    async def user_id(self) -> uuid.UUID:
        return (await self.claims()).user_id

    def client_ip(self) -> str:
        peer = self.request.client.host if self.request.client else None
        forwarded = self.request.headers.get("x-forwarded-for")
        return client_ip(peer, forwarded, self.state.settings.trusted_proxy_networks)

    async def rate_limit(self, limit: RateLimitItem, *identity: str) -> None:
        """Count a call; over the limit, fail with RATE_LIMITED (HTTP 429: see `ErrorCodes`)."""
        await self.state.limiter.hit(limit, *identity)

    async def limit_auth_attempts(self) -> None:
        await self.rate_limit(self.state.settings.auth_limit, "auth", self.client_ip())

    async def limit_messages(self, user_id: uuid.UUID) -> None:
        await self.rate_limit(self.state.settings.message_limit, "messages", str(user_id))

    async def limit_search(self, user_id: uuid.UUID) -> None:
        await self.rate_limit(self.state.settings.search_limit, "search", str(user_id))

    async def limit_forks(self, user_id: uuid.UUID) -> None:
        await self.rate_limit(self.state.settings.fork_limit, "forks", str(user_id))


class OperationScope(SchemaExtension):
    """Gives each operation its own context (a socket's is shared by all its operations)."""

    def on_operation(self) -> Iterator[None]:
        self.execution_context.context = self.execution_context.context.for_operation()
        yield
