"""The context every resolver sees: the app's services and the caller's identity."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from limits import RateLimitItem
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from parley.auth.service import AuthService
from parley.auth.tokens import Claims
from parley.chat.service import ChatService
from parley.client_ip import client_ip
from parley.request_context import annotate_access_line
from parley.state import AppState


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | None
    state: AppState
    auth: AuthService
    chat: ChatService
    # Set by Strawberry from the socket's connection_init payload.
    connection_params: dict[str, Any] | None = None
    _claims: Claims | None = field(default=None, repr=False)

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
        """The caller's access-token claims, else `Unauthenticated`.

        Over HTTP the answer is kept for the request. A socket lives longer than its token
        and may be logged out meanwhile, so each socket operation checks again.
        """
        if self._claims is not None and not self.is_socket:
            return self._claims
        claims = await self.auth.authenticate(self.bearer())
        self._claims = claims
        annotate_access_line(user_id=str(claims.user_id))
        return claims

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
